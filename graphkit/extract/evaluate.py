"""Score extracted records against gold annotations, by the rules of SCHEMA.md.

A predicted name resolves to a gold entity when, after t2s and removing spaces, it equals the entity's
name or an alias, or one contains the other and the shorter has at least 3 characters (an exact match
wins over containment). Relations match when their types agree and their parties resolve to the same
gold entities — pairing: from/to in either order; donation: from and to; secondment: person and to.
Each gold relation matches at most one prediction (a maximum matching, preferring amount agreement).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.names import name_key

TYPES = ("pairing", "donation", "secondment")


class GoldIndex:
    """Resolves names to gold entity ids for one article."""

    def __init__(self, gold: dict) -> None:
        self.forms: list[tuple[int, set[str]]] = []
        for i, entity in enumerate(gold.get("entities", [])):
            forms = {name_key(entity["name"]), *(name_key(a) for a in entity.get("aliases", []))}
            self.forms.append((i, {f for f in forms if f}))
        known = set().union(*(f for _, f in self.forms)) if self.forms else set()
        for rel in gold.get("relations", []):
            for key in ("from", "to", "person"):
                name = name_key(rel.get(key))
                if name and name not in known:
                    self.forms.append((len(self.forms), {name}))
                    known.add(name)

    def resolve(self, name: str | None) -> frozenset[int]:
        """Gold entity ids a name denotes (exact first, else containment with ≥3 characters)."""
        n = name_key(name)
        if not n:
            return frozenset()
        exact = frozenset(i for i, forms in self.forms if n in forms)
        if exact:
            return exact
        return frozenset(
            i for i, forms in self.forms
            if any(min(len(n), len(f)) >= 3 and (n in f or f in n) for f in forms)
        )


def _parties(rel: dict, index: GoldIndex) -> tuple[frozenset[int], frozenset[int]]:
    """The two resolved parties a relation is matched on."""
    first = rel.get("person") if rel["type"] == "secondment" else rel.get("from")
    return index.resolve(first), index.resolve(rel.get("to"))


def _matches(gold: dict, pred: dict, index: GoldIndex) -> bool:
    """Whether a predicted relation matches a gold one."""
    if gold["type"] != pred["type"]:
        return False
    g1, g2 = _parties(gold, index)
    p1, p2 = _parties(pred, index)
    if (g1 & p1) and (g2 & p2):
        return True
    return gold["type"] == "pairing" and bool(g1 & p2) and bool(g2 & p1)


def _amount_ok(gold: dict, pred: dict) -> bool:
    """Whether a matched donation's amount is within 1% of gold's."""
    g, p = gold.get("amount_cny"), pred.get("amount_cny")
    if g is None:
        return True
    return p is not None and abs(float(p) - float(g)) <= 0.01 * abs(float(g))


def _augment(g: int, edges: dict[int, list[int]], owner: dict[int, int], seen: set[int]) -> bool:
    """One augmenting-path step of bipartite matching."""
    for p in edges.get(g, []):
        if p in seen:
            continue
        seen.add(p)
        if p not in owner or _augment(owner[p], edges, owner, seen):
            owner[p] = g
            return True
    return False


def match(gold_rels: list[dict], pred_rels: list[dict], index: GoldIndex) -> dict[int, int]:
    """Maximum matching gold index → prediction index, trying amount-agreeing pairs first."""
    edges: dict[int, list[int]] = {}
    for gi, g in enumerate(gold_rels):
        cands = [pi for pi, p in enumerate(pred_rels) if _matches(g, p, index)]
        edges[gi] = sorted(cands, key=lambda pi: not _amount_ok(g, pred_rels[pi]))
    agreeing = {gi: [pi for pi in ps if _amount_ok(gold_rels[gi], pred_rels[pi])] for gi, ps in edges.items()}
    owner: dict[int, int] = {}
    for gi in agreeing:
        _augment(gi, agreeing, owner, set())
    matched = set(owner.values())
    for gi in edges:
        if gi not in matched:
            _augment(gi, edges, owner, set())
    return {g: p for p, g in owner.items()}


#: Attributes compared on matched relations, beside the scored parties and amounts.
ATTRIBUTES = ("items", "quantity", "role")


def _attribute(relation: dict, name: str) -> str:
    """An attribute as compared: punctuation and spaces aside (毛毯、羽绒服 = 毛毯,羽绒服).

    >>> _attribute({"items": " 毛毯、羽绒服 "}, "items") == _attribute({"items": "毛毯,羽绒服"}, "items")
    True
    """
    return re.sub(r"[\s、,，;；和及]", "", str(relation.get(name) or ""))


@dataclass
class Counts:
    """True positives, predictions and gold items of one relation type."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores per relation type and overall, amount accuracy, and the misses for inspection."""

    counts: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TYPES})
    amount_checked: int = 0
    amount_right: int = 0
    #: Per attribute (items, quantity, role) of matched relations the gold states: [checked, the same,
    #: one containing the other]. Not part of F1 (SCHEMA.md scores parties and amounts), but what a
    #: reader of the graph sees.
    attributes: dict[str, list[int]] = field(default_factory=lambda: {a: [0, 0, 0] for a in ATTRIBUTES})
    missed: list[tuple[str, dict]] = field(default_factory=list)
    spurious: list[tuple[str, dict]] = field(default_factory=list)
    articles: int = 0
    failed: list[str] = field(default_factory=list)
    #: (article id, gold, prediction) of every article scored, for re-scoring at other thresholds.
    samples: list[tuple[str, dict, dict]] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        return Counts(*(sum(getattr(c, k) for c in self.counts.values()) for k in ("tp", "pred", "gold")))

    @property
    def f1(self) -> float:
        return self.overall.f1

    @property
    def amount_accuracy(self) -> float:
        return self.amount_right / self.amount_checked if self.amount_checked else 1.0

    def add(self, article_id: str, gold: dict, pred: dict) -> None:
        """Score one article into the totals."""
        self.samples.append((article_id, gold, pred))
        index = GoldIndex(gold)
        gold_rels, pred_rels = gold.get("relations", []), pred.get("relations", [])
        pairs = match(gold_rels, pred_rels, index)
        self.articles += 1
        for t in TYPES:
            self.counts[t].gold += sum(r["type"] == t for r in gold_rels)
            self.counts[t].pred += sum(r["type"] == t for r in pred_rels)
        for gi, pi in pairs.items():
            g = gold_rels[gi]
            self.counts[g["type"]].tp += 1
            if g["type"] == "donation" and g.get("amount_cny") is not None:
                self.amount_checked += 1
                self.amount_right += _amount_ok(g, pred_rels[pi])
            for attribute in ATTRIBUTES:
                stated, found = _attribute(g, attribute), _attribute(pred_rels[pi], attribute)
                if stated:
                    counts = self.attributes[attribute]
                    counts[0] += 1
                    counts[1] += found == stated
                    counts[2] += bool(found) and (found in stated or stated in found)
        self.missed += [(article_id, g) for gi, g in enumerate(gold_rels) if gi not in pairs]
        used = set(pairs.values())
        self.spurious += [(article_id, p) for pi, p in enumerate(pred_rels) if pi not in used]

    def table(self) -> str:
        """A printable table of P/R/F1 per type and overall, plus amount accuracy."""
        lines = [f"{'type':<12}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'pred':>6}{'gold':>6}"]
        for name, c in [*self.counts.items(), ("overall", self.overall)]:
            lines.append(f"{name:<12}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}{c.tp:>6}{c.pred:>6}{c.gold:>6}")
        lines.append(f"amount accuracy: {self.amount_accuracy:.3f} ({self.amount_right}/{self.amount_checked})"
                     f" over {self.articles} articles" + (f", {len(self.failed)} failed" if self.failed else ""))
        lines.append("attributes of matched relations (same / overlapping / stated): " + " · ".join(
            f"{a} {c[1]}/{c[2]}/{c[0]}" for a, c in self.attributes.items()))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def at(self, threshold: float) -> Report:
        """The same articles scored on the predictions with confidence ≥ threshold."""
        report = Report(failed=list(self.failed))
        for article_id, gold, pred in self.samples:
            kept = [r for r in pred.get("relations", []) if r.get("confidence", 1.0) >= threshold]
            report.add(article_id, gold, {**pred, "relations": kept})
        return report

    def threshold_table(self, thresholds: tuple[float, ...]) -> str:
        """Overall precision, recall and F1 at each confidence threshold."""
        lines = [f"{'confidence ≥':<14}{'P':>8}{'R':>8}{'F1':>8}{'pred':>6}"]
        for threshold in thresholds:
            c = self.at(threshold).overall
            lines.append(f"{threshold:<14.2f}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}{c.pred:>6}")
        return "\n".join(lines)

    def rule_table(self) -> str:
        """Per rule: true and false positives in each article, so a rule that helps one article only shows.

        A row ends with `one article` when all its true positives come from a single article: the mark
        of a rule fitted to one sentence rather than a mechanism.
        """
        per_rule: dict[str, dict[str, list[int]]] = {}
        for article_id, gold, pred in self.samples:
            rels = pred.get("relations", [])
            hits = set(match(gold.get("relations", []), rels, GoldIndex(gold)).values())
            for i, rel in enumerate(rels):
                counts = per_rule.setdefault(rel.get("rule", "?"), {}).setdefault(article_id, [0, 0])
                counts[0 if i in hits else 1] += 1
        lines = [f"{'rule':<26}{'tp':>5}{'fp':>5}{'P':>7}  per article (tp/fp)"]
        for rule, articles in sorted(per_rule.items(), key=lambda item: -sum(c[0] for c in item[1].values())):
            tp, fp = sum(c[0] for c in articles.values()), sum(c[1] for c in articles.values())
            with_tp = [a for a, c in articles.items() if c[0]]
            detail = " ".join(f"{a[:8]}:{c[0]}/{c[1]}" for a, c in sorted(articles.items()))
            note = "  ← one article" if len(with_tp) == 1 else ""
            lines.append(f"{rule:<26}{tp:>5}{fp:>5}{tp / (tp + fp) if tp + fp else 0:>7.2f}  {detail}{note}")
        return "\n".join(lines)


def _article_path(gold_file: Path, articles_dir: Path | None) -> Path:
    """Where the article for a gold file is: in articles_dir, beside the gold, or one level up."""
    name = gold_file.stem + ".txt"
    for folder in ([articles_dir] if articles_dir else []) + [gold_file.parent, gold_file.parent.parent]:
        for candidate in (folder / name, *sorted(folder.glob(gold_file.stem + ".*"))):
            if candidate.exists() and candidate.suffix != ".json":
                return candidate
    return gold_file.with_suffix(".txt")


def evaluate(gold_dir: str | Path, articles_dir: str | Path | None = None,
             extractor: Callable[[Path], dict] | None = None) -> Report:
    """Score the extractor on every gold/*.json against its article; returns a Report."""
    from graphkit.extract.normalise import ArticleError
    from graphkit.extract.pipeline import Batch

    golds = [(f, json.loads(f.read_text("utf-8"))) for f in sorted(Path(gold_dir).glob("*.json"))]
    golds = [(f, gold) for f, gold in golds if "relations" in gold]
    paths = [_article_path(f, Path(articles_dir) if articles_dir else None) for f, _ in golds]
    batch = Batch(paths, min_confidence=0.0)

    def from_batch(path: Path) -> dict:
        return batch.extract(path)[0]

    extractor = extractor or from_batch
    report = Report()
    for (gold_file, gold), path in zip(golds, paths, strict=True):
        try:
            pred = extractor(path)
        except (ArticleError, OSError):
            report.failed.append(str(path))
            pred = {"relations": []}
        report.add(gold_file.stem, gold, pred)
    return report
