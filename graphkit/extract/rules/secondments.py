"""Secondment rules: a person sent (挂职, 派驻, 支教) from a unit to a host, by post (挂职副县长),
and work teams with the unit that sent them."""

from __future__ import annotations

import re

from graphkit.extract import lexicon
from graphkit.extract.entities import Mention
from graphkit.extract.rules.common import (
    _GOVERNMENT_OF_REGION,
    _MODE_RE,
    _PUNCT,
    _TEAM_SENT,
    Context,
    _chain_end,
    _host,
    _name,
    _parties,
    _span,
)
from graphkit.extract.rules.pairings import _pairing
from graphkit.extract.sentences import Sentence

# --- secondments ------------------------------------------------------------------------------


def _secondment(ctx: Context, person: str, origin: str | None, host: str | None, role: str | None,
                sentence: Sentence) -> None:
    """Record a secondment."""
    if person and host and person != host:
        ctx.relations.append({"type": "secondment", "person": person, "from": origin, "to": host, "role": role,
                              "span": _span(ctx, sentence), **({"filled": dict(ctx.filled)} if ctx.filled else {})})


def secondments_of_persons(ctx: Context, sentence: Sentence) -> None:
    """挂职/挂任/派驻/进修 with a named person and a host next to the trigger."""
    text, ms = ctx.text, _parties(sentence)
    for trig in re.finditer(r"挂职|挂任|派驻|进修|支教", text[sentence.start : sentence.end]):
        s, e = sentence.start + trig.start(), sentence.start + trig.end()
        if any(m.start < s < m.end for m in sentence.mentions):
            continue
        host = _host_near(ctx, ms, s, e)
        person = _person_near(ms, s, e, text)
        if host is None or person is None:
            continue
        origin = _origin(ctx, person, sentence)
        _secondment(ctx, person.name, origin, host, trig.group(0) + (_post_after(text, e, sentence.end) or ""),
                    sentence)
        ctx.filled = {}


#: A post title (副县长, 县委常委, 党组成员, 副局长 …), possibly several joined by 、.
_TITLE = r"(副?[县市区州旗镇乡局处科厅院校]长|副?书记|常委|党组成员|副?主任|委员|助理)"
_POST_AT = re.compile(rf"(?:[,，]?(?:担任|兼任|任))?([\u4e00-\u9fff]{{0,12}}?{_TITLE}(?:、{_TITLE})*)")


def _post_after(text: str, pos: int, end: int) -> str | None:
    """The post a secondee takes, stated right after the trigger or in the next clause with 任:
    挂职副县长, 挂任某市委常委、副市长, 到某县挂职,任某县人民政府副县长.

    >>> _post_after("挂职副县长,分管教育", 2, 11)
    '副县长'
    >>> _post_after("挂职,任鹭川市人民政府副市长。", 2, 15)
    '鹭川市人民政府副市长'
    >>> _post_after("挂职,分管教育工作", 2, 9) is None
    True
    """
    match = _POST_AT.match(text, pos, end)
    return match.group(1) if match else None


# A post in a local government or party committee (县委常委, 副县长, 副镇长 …), held by a cadre of an
# assistance team (援青干部, 援藏工作队领队, 挂职干部): the dual title that says where they serve.
_POST = re.compile(r"(常委|副书记|副[县市州区旗镇乡]长)|[、,]?副[县市州区旗镇乡]长")  # used with .match(text, pos)
_CADRE = re.compile(lexicon.AID_CADRE + r"|挂职干部|挂职|工作队(领队|队长|副队长)?")


def secondments_by_post(ctx: Context, sentence: Sentence) -> None:
    """A member of an assistance team who holds a post of a local government is seconded to that place:
    某市援青干部张某现任某县委常委、副县长 / 某县委常委、副县长,某市援藏工作队领队张某."""
    text, ms = ctx.text, _parties(sentence)
    cadre = _CADRE.search(text, sentence.start, sentence.end)
    persons = [m for m in ms if m.type == "Person"]
    if cadre is None or not persons:
        return
    for m in ms:
        region = _GOVERNMENT_OF_REGION.match(m.name) if m.type != "Region" else None
        place = region.group(1) if region else (m.name if m.type == "Region" else None)
        if place is None or not _POST.match(text, m.end):
            continue
        person = min(persons, key=lambda p: min(abs(p.start - cadre.end()), abs(p.end - cadre.start())))
        teams = [t for t in ms if t.type == "WorkTeam" and t.inner and t.start <= cadre.start() < t.end + 2]
        origin = ctx.canon.resolve(teams[0].inner[0].name) if teams else None
        host = ctx.canon.resolve(place) if m.type != "Region" else _name(ctx, m)
        post = _post_after(text, m.start, sentence.end) or text[m.end : m.end + 6].split(",")[0]
        _secondment(ctx, person.name, origin, host, post, sentence)
        return


def _host_near(ctx: Context, ms: list[Mention], s: int, e: int) -> str | None:
    """The unit right after the trigger, else right before it, else a destination after 赴/到."""
    text = ctx.text
    after = [k for k, m in enumerate(ms) if m.start >= e and m.type != "Person"]
    if after and len(text[e : ms[after[0]].start]) <= 1:
        return _host(ctx, ms[_chain_end(ms, after[0], text)])
    before = [k for k, m in enumerate(ms) if m.end <= s and m.type != "Person"]
    if before and len(text[ms[before[-1]].end : s]) <= 1:
        return _host(ctx, ms[before[-1]])
    for k in reversed(before):
        lead = text[max(0, ms[k].start - 2) : ms[k].start]
        if re.search(r"(赴|到|来到|前往)$", lead):
            return _host(ctx, ms[_chain_end(ms, k, text)])
    return None


def _person_near(ms: list[Mention], s: int, e: int, text: str) -> Mention | None:
    """The named person (or sent team) the trigger is about: nearest before, else right after."""
    before = [m for m in ms if m.end <= s and m.type in ("Person",)]
    after = [m for m in ms if m.start >= e and m.type == "Person"]
    if after and re.fullmatch(r"(干部|的)?(" + "|".join(lexicon.TITLES) + r")?(的)?", text[e : after[0].start]):
        return after[0]
    if before and not _PUNCT.search(text[before[-1].end : s].replace(",", "")):
        return before[-1]
    if after and len(text[e : after[0].start]) <= 14 and not re.search(r"[。;]", text[e : after[0].start]):
        return after[0]
    return before[-1] if before else None


#: A form's label for the unit that sends a person (派员单位, 派出单位, 选派单位, 原工作单位 …: how notices
#: of dispatched cadres and teachers list them).
_SENDING_LABEL = re.compile(r"(派员|派出|选派|原工作|原|所在|推荐)单位[::为是]?")


def _origin(ctx: Context, person: Mention, sentence: Sentence) -> str | None:
    """A person's sending unit: the unit a label names in the sentence, their team's home region, or
    (marked as filled in, so of low confidence) the article's helper."""
    label = _SENDING_LABEL.search(ctx.text, sentence.start, sentence.end)
    if label:
        after = [m for m in sentence.mentions if m.start >= label.end() and m.type != "Person"]
        if after:
            return _name(ctx, after[0])
    entity = ctx.canon.entity(ctx.canon.resolve(person.name))
    if entity and entity.affiliation:
        return _team_origin(ctx, entity.affiliation) or entity.affiliation
    if ctx.main_from:
        ctx.filled["from"] = "main-pair"
    return ctx.main_from


def _team_origin(ctx: Context, team: str) -> str | None:
    """The first region named inside a team's name (彭州市…工作队 → 彭州市)."""
    for m in ctx.canon.mentions:
        if m.name == team and m.inner:
            return ctx.canon.resolve(m.inner[0].name)
    return None


def secondments_of_teams(ctx: Context, sentence: Sentence) -> None:
    """Work teams are sent: A 对口支援 B 工作队 / A 派驻 B …工作组 / 援疆干部 前往 B."""
    text, ms = ctx.text, _parties(sentence)
    for k, m in enumerate(ms):
        if m.type != "WorkTeam" or not _TEAM_SENT.search(m.name):
            continue
        origin, host = _team_ends(ctx, m)
        nxt = ms[k + 1] if k + 1 < len(ms) else None
        if nxt is not None and re.fullmatch(r"(前往|赴|到|进驻|来到)", text[m.end : nxt.start]):
            host = _host(ctx, ms[_chain_end(ms, k + 1, text)])
        elif not m.inner and not re.search(r"援|驻|派", m.name):
            continue  # a team formed on the spot (专项工作组) is not sent anywhere
        stated = host is not None or bool(re.search(r"驻|派驻", m.name))
        ctx.filled = {} if host else {"to": "main-pair"}
        origin, host = origin or ctx.main_from, host or ctx.main_to
        _secondment(ctx, _name(ctx, m), origin, host, None, sentence)
        ctx.filled = {}
        mode = list(_MODE_RE.finditer(m.name))
        if stated and origin and host and origin != host:
            _pairing(ctx, origin, host, mode[-1].group(0) if mode else "对口支援", sentence)


def _team_ends(ctx: Context, team: Mention) -> tuple[str | None, str | None]:
    """(sending region, host region) from the regions inside a team's name."""
    inner = [r for r in team.inner if r.type == "Region"]
    if not inner:
        return None, None
    first = 0
    while first + 1 < len(inner) and inner[first].end == inner[first + 1].start:
        first += 1
    origin = ctx.canon.resolve(inner[first].name)
    posts = list(re.finditer(r"派驻|驻", team.name))
    modes = posts[:1] or list(re.finditer(_MODE_RE.pattern, team.name))[-1:]
    mode = modes[-1] if modes else None
    hosts = [r for r in inner if mode and r.start - team.start >= mode.end()]
    return origin, ctx.canon.resolve(hosts[-1].name) if hosts else None


