"""Relations between the parties of one article: pairings, donations and secondments.

The rules read a sentence as a row of mentions with the text between them. Between two mentions the
gap tells the grammar: 、/和/及 make a list, 向/为/给 mark the recipient, a mode word (对口支援 …)
between two parties makes a pairing. Each rule is small and general; `extract_relations` runs them
all and merges the duplicates (the same gift told in the headline and the body).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from graphkit.extract.canon import Canon
from graphkit.extract.confidence import confidence
from graphkit.extract.rules.common import Context
from graphkit.extract.rules.donations import donations, donations_delivered, donations_received
from graphkit.extract.rules.pairings import (
    pairings_by_agreement,
    pairings_by_dispatch,
    pairings_by_mode,
    pairings_by_province_abbreviations,
    pairings_by_task,
    pairings_under_help,
)
from graphkit.extract.rules.secondments import (
    _team_ends,
    secondments_by_post,
    secondments_of_persons,
    secondments_of_teams,
)
from graphkit.extract.sentences import Sentence

# --- all rules --------------------------------------------------------------------------------


def _main_pair(ctx: Context) -> None:
    """The article's principal helper → helped, from the pairings found (most frequent)."""
    counts = Counter((r["from"], r["to"]) for r in ctx.relations if r["type"] == "pairing")
    if counts:
        (ctx.main_from, ctx.main_to), _ = counts.most_common(1)[0]
        return
    teams = [m for m in ctx.canon.mentions if m.type == "WorkTeam" and m.inner]
    if teams:
        ctx.main_from = _team_ends(ctx, teams[0])[0]
    helper = {ctx.main_from} | _containing(ctx, ctx.main_from)
    regions = Counter(ctx.canon.of(m) for m in ctx.canon.mentions
                      if m.type == "Region" and m.level in ("county", "district", "prefecture"))
    for name, _ in regions.most_common():
        if name not in helper and ctx.main_from not in _containing(ctx, name):
            ctx.main_to = name
            break


def _containing(ctx: Context, name: str | None) -> set[str]:
    """Names of the divisions that contain the named region (for telling helper from helped)."""
    from graphkit import gazetteer

    division = gazetteer.lookup(name) if name else None
    return {d.name for d in gazetteer.parents(division)} if division else set()


def extract_relations(text: str, sentences: list[Sentence], canon: Canon) -> list[dict]:
    """All relations of an article, deduplicated."""
    from graphkit.extract.merge import merge

    ctx = Context(text, canon)
    for sentence in sentences:
        for pairing_rule in PAIRING_RULES:
            _apply(ctx, pairing_rule, sentence)
    _main_pair(ctx)
    memory: dict = {}
    for sentence in sentences:
        _apply(ctx, secondments_of_persons, sentence)
        _apply(ctx, secondments_of_teams, sentence)
        _apply(ctx, secondments_by_post, sentence)
        _apply(ctx, donations, sentence, memory)
        _apply(ctx, donations_received, sentence)
        _apply(ctx, donations_delivered, sentence)
    merged = merge(ctx.relations, sentences)
    for relation in merged:
        relation["confidence"] = confidence(relation)
    return merged


PAIRING_RULES = (
    pairings_by_mode, pairings_by_agreement, pairings_by_task, pairings_by_dispatch,
    pairings_by_province_abbreviations, pairings_under_help,
)


def _apply(ctx: Context, rule: Callable[..., None], *args: Any) -> None:
    """Run one rule; every relation it adds is named after it (`graphkit eval --rules` counts them)."""
    before = len(ctx.relations)
    rule(ctx, *args)
    for relation in ctx.relations[before:]:
        relation.setdefault("rule", rule.__name__)
