"""Pairing rules: a mode word between two parties, 在…的帮扶下, province abbreviations (粤桂),
agreements signed (with trade and business deals filtered out), tasks (承担…的对口支援任务) and dispatch."""

from __future__ import annotations

import re

from graphkit.extract import lexicon
from graphkit.extract.entities import Mention
from graphkit.extract.rules.common import (
    _CO_ACTOR,
    _MODE_RE,
    _PUNCT,
    _RESPECTIVELY,
    Context,
    _actor,
    _chain_end,
    _chain_start,
    _clause_end,
    _clause_start,
    _gap,
    _list_after,
    _list_before,
    _name,
    _parties,
    _place,
    _span,
    coordinate,
)
from graphkit.extract.sentences import Sentence

# --- pairings ---------------------------------------------------------------------------------


def _flat(sentence: Sentence) -> list[Mention]:
    """Top-level mentions with the regions inside organisation names laid out beside them."""
    out: list[Mention] = []
    for m in _parties(sentence):
        if m.inner and _MODE_RE.search(m.name):
            out.extend(m.inner)
        out.append(m)
    out.sort(key=lambda m: (m.start, -m.end))
    return [m for m in out if not any(o is not m and o.start <= m.start and m.end <= o.end and
                                      _MODE_RE.search(o.name) is None for o in out)]


def _pairing(ctx: Context, a: str, b: str, mode: str, sentence: Sentence) -> None:
    """Record a pairing unless it links a party to itself or names no one in particular."""
    if a and b and a != b and a not in lexicon.GENERIC_PARTIES and b not in lexicon.GENERIC_PARTIES:
        ctx.relations.append({"type": "pairing", "from": a, "to": b, "mode": mode, "span": _span(ctx, sentence)})


_HEADLINE_MODE = re.compile(_MODE_RE.pattern + "|助力|携手")


def pairings_by_mode(ctx: Context, sentence: Sentence) -> None:
    """A [第X批] MODE B (彭州市对口支援黑水县, 受湖北对口支援26年的山南市; 助力 in headlines)."""
    text, ms = ctx.text, _flat(sentence)
    pattern = _HEADLINE_MODE if sentence.headline else _MODE_RE
    for match in pattern.finditer(text, sentence.start, sentence.end):
        before = [i for i, m in enumerate(ms) if m.end <= match.start()]
        after = [i for i, m in enumerate(ms) if m.start >= match.end()]
        if not before:
            continue
        a = before[-1]
        gap_a = re.sub(r"^自?\d{4}年(起|以来)?", "", text[ms[a].end : match.start()])
        # A、B积极响应,主动结对帮扶C: short predicates may stand between a leading subject and the mode
        predicates = _PREDICATES.fullmatch(gap_a) and _list_before(ms, a, text)[0] == 0
        if ((len(gap_a) > 4 or _PUNCT.search(gap_a)) and not predicates) or ms[a].type == "Person":
            continue
        if after and re.fullmatch(r"\d*年?的?|[第一二三四五六七八九十\d]*批?", text[match.end() : ms[after[0]].start]):
            targets = _list_after(ms, after[0], text)
        elif re.match(r"[县市区村镇乡单位省份]", text[match.end() : match.end() + 1]):
            subject = next((m for m in ms if m.type == "Region" and m is not ms[a]), None)
            targets = [ms.index(subject)] if subject else []
        elif re.match(r"(我|本)[县市区州旗]", text[match.end() : match.end() + 2]):
            home = ctx.canon.homes.get(text[match.end() + 1])
            if home and ms[a].type != "Person":
                _pairing(ctx, _actor(ctx, ms[a], sentence), home, match.group(0), sentence)
            continue
        elif a > 0 and sentence.headline and re.fullmatch(r"\s*(—+|-+|·)\s*", text[ms[a - 1].end : ms[a].start] or "#"):
            _pairing(ctx, _name(ctx, ms[a - 1]), _place(ctx, ms[a]), match.group(0), sentence)
            continue
        else:
            continue
        sources = _list_before(ms, a, text)
        for s in sources:
            for t in targets:
                if ms[t].type != "Person" and ms[s].type != "Person":
                    _pairing(ctx, _actor(ctx, ms[s], sentence), _place(ctx, ms[t]), match.group(0), sentence)


# Between a subject and its verb, one or two short predicates joined by commas (积极响应,主动…).
_PREDICATES = re.compile(r"([^,,。;;:“”\"]{1,8}[,,]){1,2}[^,,。;;:“”\"]{0,6}")
_UNDER_HELP = re.compile(r"在([^,,。;;]{2,30}?)的[^,,。;;]{0,4}?(" + _MODE_RE.pattern + r")[^,,。;;]{0,4}?下[,,]?")


def pairings_under_help(ctx: Context, sentence: Sentence) -> None:
    """在A的结对帮扶下, B…: A helps B (the subject of the main clause)."""
    text, ms = ctx.text, _flat(sentence)
    for match in _UNDER_HELP.finditer(text, sentence.start, sentence.end):
        helpers = [m for m in ms if match.start(1) <= m.start and m.end <= match.end(1) and m.type != "Person"]
        helped = [k for k, m in enumerate(ms) if m.start >= match.end() and m.type != "Person"]
        if helpers and helped and text[match.end() : ms[helped[0]].start].strip() == "":
            target = ms[_chain_end(ms, helped[0], text)]
            _pairing(ctx, _actor(ctx, helpers[-1], sentence), _place(ctx, target), match.group(2), sentence)


def _province_pair() -> re.Pattern[str]:
    from graphkit.gazetteer import PROVINCE_ABBREVIATIONS

    chars = "".join(PROVINCE_ABBREVIATIONS.values())
    gathered = "(两省区|两省市|两省|两区|两市|两地)"
    return re.compile(f"([{chars}])([{chars}]){gathered}[^,,。;;]{{0,4}}?({_MODE_RE.pattern}|协作)")


_PROVINCE_PAIR = _province_pair()


def pairings_by_province_abbreviations(ctx: Context, sentence: Sentence) -> None:
    """粤桂两省区扶贫协作, 沪滇两地…协作: two provinces' one-character abbreviations, gathered as two
    parties (两省, 两地), before an assistance mode; the helping province comes first (the convention of
    every such pair). Without 两省 the pair names a programme (粤桂协作项目, 京蒙对口帮扶党支部), which is
    background, not a statement of who helps whom."""
    from graphkit.gazetteer import province_by_abbreviation

    for match in _PROVINCE_PAIR.finditer(ctx.text, sentence.start, sentence.end):
        helper, helped = province_by_abbreviation(match.group(1)), province_by_abbreviation(match.group(2))
        if helper and helped and helper != helped:
            _pairing(ctx, helper.name, helped.name, match.group(4), sentence)


_AGREE = re.compile(r"签订|签署|续签|达成|结对|共建|建立|对接|召开.{0,6}(帮扶|协作)|开展.{0,4}(结对|帮扶)")
#: Working together (A与B携手推进…): a pairing only when the sentence names the assistance programme.
_COOPERATE = re.compile(r"(共同|深化|持续)?(携手|联手|协作|合作)")


def pairings_by_agreement(ctx: Context, sentence: Sentence) -> None:
    """A 与/和 B 签订…协议 / 结对 / 共建 / 建立…关系 (lists on both sides)."""
    text, ms = ctx.text, _parties(sentence)
    covered: set[int] = set()
    for i, b in enumerate(ms):
        lead = text[max(sentence.start, b.start - 1) : b.start]
        if lead not in ("与", "和", "同") or i in covered or _inside_list(ms, i, text):
            continue
        targets = _list_after(ms, i, text)
        pairs = _pairs_of_pairs(ms, i, text)
        # A和B两市分别与C、D… / A和B与C…: A和B is the subject list; the later 与 says 'with'
        if not pairs and (_SUBJECT_THEN_WITH.match(text, ms[targets[-1]].end) or any(
                text[ms[t].start - 1] in "与同" for t in targets[1:])):
            continue
        covered.update(range(i, targets[-1] + 1))
        if pairs:  # A与B、C与D签订…: two agreements, not A with three parties
            clause_end = _clause_end(text, ms[pairs[-1][1]].end, sentence.end)
            verb = _AGREE.search(text[ms[pairs[-1][1]].end : clause_end])
            if verb and not _is_trade(text[sentence.start : clause_end], False):
                mode = _mode_in(text, sentence) or verb.group(0)
                for first, second in pairs:
                    _pairing(ctx, _name(ctx, ms[first]), _name(ctx, ms[second]), mode, sentence)
                covered.update(range(i, pairs[-1][1] + 1))
                continue
        clause_end = _clause_end(text, ms[targets[-1]].end, sentence.end)
        tail = text[ms[targets[-1]].end : clause_end]
        verb = _AGREE.search(tail)
        if not verb and _mode_in(text, sentence):  # 携手/协作 is a pairing where the sentence names the programme
            verb = _COOPERATE.match(tail)
        if not verb:
            continue
        sources = _agreement_sources(ctx, ms, i, sentence)
        companies = all(m.type == "Company" for m in [*sources, *(ms[t] for t in targets)])
        if _is_trade(text[sentence.start : clause_end], companies):
            continue
        mode = _mode_in(text, sentence) or verb.group(0)
        respectively = _RESPECTIVELY.search(text, sentence.start, ms[i].start) is not None
        for s_name, t_name, _ in coordinate([_name(ctx, s) for s in sources if s.type != "Person"],
                                            [_name(ctx, ms[t]) for t in targets if ms[t].type != "Person"],
                                            [], respectively):
            _pairing(ctx, s_name, t_name, mode, sentence)


_TRADE = re.compile(r"购销|采购|销售|供货|订单|买卖|租赁|贷款")
_BUSINESS = re.compile(r"合作|投资|战略|商务")
_ASSISTANCE = re.compile(r"帮扶|结对|协作|援|扶贫|共建|支援|捐|资助|振兴")


def _is_trade(clause: str, between_companies: bool) -> bool:
    """Trade, not pairing: a sales, purchase or loan agreement, or a cooperation agreement between
    companies, with no word of assistance in the clause."""
    if _ASSISTANCE.search(clause):
        return False
    return bool(_TRADE.search(clause)) or (between_companies and bool(_BUSINESS.search(clause)))


def _mode_in(text: str, sentence: Sentence) -> str | None:
    """The first assistance mode word of the sentence, if any."""
    match = _MODE_RE.search(text, sentence.start, sentence.end)
    return match.group(0) if match else None


#: A count that gathers the list before it into a subject (两市, 三家企业), and the adverbs of a plural subject.
_GATHERED = r"([两二三四五六七八九十\d]+[个家所位名]?(市|县|区|省|地|村|镇|乡|企业|单位|学校|医院|部门)?)?"
_ADVERBS = re.compile(_GATHERED + r"(分别|均|都|各|共同|一起|一同|先后)?")
_SUBJECT_THEN_WITH = re.compile(_ADVERBS.pattern + r"(与|同|和)")


def _pairs_of_pairs(ms: list[Mention], i: int, text: str) -> list[tuple[int, int]]:
    """(A, B), (C, D)… when ms[i] follows 与 in A与B、C与D(、E与F…); empty for any other shape."""
    if i < 1 or text[ms[i].start - 1] not in "与和同":
        return []
    k = _chain_end(ms, i, text)  # a party may be a chain of names (鹭川市松涛区): its last one counts
    pairs = [(i - 1, k)]
    while k + 1 < len(ms) and _gap(text, ms[k], ms[k + 1]) == "、":
        first = _chain_end(ms, k + 1, text)
        if first + 1 >= len(ms) or _gap(text, ms[first], ms[first + 1]) not in ("与", "同"):
            break  # (after 、, a 和 closes the list: 甲村、乙村和丙村)
        k = _chain_end(ms, first + 1, text)
        pairs.append((first, k))
    return pairs if len(pairs) > 1 else []


def _inside_list(ms: list[Mention], i: int, text: str) -> bool:
    """Whether the 和/及 before ms[i] closes a list begun with 、 (甲市、乙市和丙市): joining, not 'with'."""
    return i >= 2 and text[ms[i].start - 1] in "和及" and _gap(text, ms[i - 2], ms[i - 1]) == "、"


def _agreement_sources(ctx: Context, ms: list[Mention], i: int, sentence: Sentence) -> list[Mention]:
    """The helping side before 与: the adjacent party list, or the sentence subject and co-actors."""
    text = ctx.text
    if i > 0:
        gap = text[ms[i - 1].end : ms[i].start - 1]
        adverb = _ADVERBS.fullmatch(gap) is not None  # A、B分别与C…: the list is the subject
        if ((len(gap) <= 6 and ms[i - 1].type != "Region") or not gap or adverb) and not _PUNCT.search(gap):
            return [ms[j] for j in _list_before(ms, _chain_end(ms, i - 1, text), text)]
    clause_start = text.rfind(",", 0, ms[i].start) + 1
    if i > 0 and ms[i - 1].end > clause_start:
        return []
    return _subject(ms, i, text)


def _subject(ms: list[Mention], limit: int, text: str) -> list[Mention]:
    """The sentence subject (first non-person party) plus any co-actors listed after 会同/联合."""
    if not ms or limit <= 0:
        return []
    first = next((k for k in range(limit) if ms[k].type != "Person"), None)
    if first is None:
        return []
    out = [ms[_chain_end(ms, first, text)]]
    for k in range(first + 1, limit):
        if _CO_ACTOR.search(text[max(0, ms[k].start - 4) : ms[k].start]):
            out.extend(ms[j] for j in _list_after(ms, k, text) if j < limit)
            break
    return out


#: What may stand between a list of places and 的: how many of them or of their parts (两市17个县).
_COUNTED = re.compile(r"(?:[两二三四五六七八九十百\d]+个?(?:省区|乡镇|省|市|州|县|区|镇|乡|村|所|家))*")
_TASK = re.compile(r"的(" + _MODE_RE.pattern + r")(工作|任务|职责|责任|重任)")


def pairings_by_task(ctx: Context, sentence: Sentence) -> None:
    """A [verb] B(、C)[两市17个县]的 MODE 任务/工作: the mode is a task B is the owner of and A, the clause's subject,
    takes on (承担, 负责, 接过, 做好 … any short predicate). The task noun is what makes B the helped
    side rather than a second helper; without it (A与B的结对帮扶) nothing is said here."""
    text, ms = ctx.text, _flat(sentence)
    for task in _TASK.finditer(text, sentence.start, sentence.end):
        owners = [k for k, m in enumerate(ms) if m.end <= task.start() and m.type != "Person"
                  and _COUNTED.fullmatch(text[m.end : task.start()])]
        if not owners:
            continue
        helped = _list_before(ms, owners[0], text)
        first = _chain_start(ms, helped[0], text)
        clause = _clause_start(text, sentence, ms[first].start)
        subjects = [k for k in range(first) if ms[k].start >= clause and ms[k].type != "Person"]
        if not subjects:
            continue
        subject = subjects[-1]
        predicate = text[ms[subject].end : ms[first].start]
        if not 1 <= len(predicate) <= 6 or _PUNCT.search(predicate) or predicate[-1] in "与和同及、":
            continue
        for a in _list_before(ms, _chain_start(ms, subject, text), text):
            for b in helped:
                _pairing(ctx, _actor(ctx, ms[a], sentence), _place(ctx, ms[b]), task.group(1), sentence)


# The destination follows in the same clause, or opens the next one (派出12名干部,在某县…).
_DISPATCH = re.compile(r"(选派|派出|派遣)[^,,。;]{0,16}?[,,]?(到|赴|前往|在|为)$")


def pairings_by_dispatch(ctx: Context, sentence: Sentence) -> None:
    """A (先后)选派/派出 … 到/赴 B: sending cadres to a place is an assistance pairing."""
    text, ms = ctx.text, _parties(sentence)
    for k, b in enumerate(ms):
        if b.type != "Region" or k == 0:
            continue
        lead = text[max(sentence.start, b.start - 24) : b.start]
        match = _DISPATCH.search(lead)
        if not match:
            continue
        verb_at = b.start - len(lead) + match.start()
        actors = [m for m in ms[:k] if m.end <= verb_at and len(text[m.end : verb_at]) <= 4 and m.type != "Person"]
        if actors and not any(m.start > actors[-1].end and m.end <= verb_at for m in ms[:k]):
            a = actors[-1]
            if a.type == "Region" or match.group(1) != "派遣":
                _pairing(ctx, _actor(ctx, a, sentence), _name(ctx, ms[_chain_end(ms, k, text)]),
                         _mode_in(text, sentence) or match.group(1), sentence)


