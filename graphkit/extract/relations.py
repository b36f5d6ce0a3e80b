"""Relations between the parties of one article: pairings, donations and secondments.

The rules read a sentence as a row of mentions with the text between them. Between two mentions the
gap tells the grammar: 、/和/及 make a list, 向/为/给 mark the recipient, a mode word (对口支援 …)
between two parties makes a pairing. Each rule is small and general; `extract_relations` runs them
all and merges the duplicates (the same gift told in the headline and the body).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from graphkit.extract import lexicon
from graphkit.extract.amounts import Amount, find_amounts
from graphkit.extract.canon import Canon
from graphkit.extract.confidence import confidence
from graphkit.extract.entities import Mention
from graphkit.extract.sentences import Sentence

PARTY_TYPES = frozenset(
    {"Region", "GovernmentAgency", "PartyOrganization", "Company", "School", "Hospital", "SocialOrganization",
     "WorkTeam", "Person"}
)
# A list joins names with 、/和/及…; an item may carry its own figure in brackets: 甲镇(50万元)、乙镇.
_LIST_GAP = re.compile(
    r"^\s*(\([^()]{1,16}\))?\s*(、|和|及|以及|与|同|及其)\s*("
    + "|".join(t for t in lexicon.TITLES if len(t) >= 2) + r")?$"
)
_BRACKETED = re.compile(r"\(([^()]{1,16})\)")
_CHAIN_GAP = re.compile(r"^(的)?$")
_PUNCT = re.compile(r"[,,。;;!?!?:“”\"《》()]")
_MODE_RE = re.compile("|".join(map(re.escape, lexicon.PAIRING_MODES)))
_DONATION_RE = re.compile("|".join(map(re.escape, lexicon.DONATION_VERBS)) + "|免费发放|" + lexicon.HELP_IN_KIND)
_NOT_A_GIFT = re.compile(
    r"^(仪式|活动|协议|现场|大会|物资分配|工作|意识|理念|证书|情况|项目推介|平台|力度|对象|项目|方式)"
)
#: A sum over time or over several gifts (累计捐赠, 共计, 自2012年以来, 先后): not one more gift.
_TOTAL = re.compile(r"累计|共计|总计|合计|总价值|总额|以来|先后|历年|多年来|[\d一二三四五六七八九十]+年来|共捐")
_HISTORY = re.compile(r"以来|历年|年来")
_THANKS = re.compile(r"^[^,,。;]{0,4}(锦旗|感谢信|牌匾|感谢状|荣誉证书|奖牌|奖杯)")
_CALL = re.compile(r"^(的)?(号召|倡议|动员|通知)")
_GUIDED = re.compile(r"引导|招引|招商|吸引")
_MONEY_WORDS = re.compile(r"资金|款|金|万元|亿元|元|物资|价值")
_CO_ACTOR = re.compile(r"(会同|联合|携手|协同|伙同)$")
_BROKER = re.compile(r"(积极)?(对接|联系|协调|牵线|代|推动|促成)")
_GOVERNMENT_OF_REGION = re.compile(r"^(.*?[省市县区州旗])(人民政府|政府|县委|市委|区委|委|党委)$")
_DESTINATION = re.compile(r"(赴|到|来到|前往|走进|在|慰问|看望|走访|深入)$")
_TEAM_SENT = re.compile(r"(工作队|工作组|专家组|医疗队|援[疆藏滇黔青桂蒙甘宁渝鄂川]干部(人才)?)$")


@dataclass
class Context:
    """What the rules share across one article."""

    text: str
    canon: Canon
    main_from: str | None = None
    main_to: str | None = None
    relations: list[dict] = field(default_factory=list)
    sentence: Sentence | None = None
    #: Parties of the relation being built that were not stated in its sentence but taken from
    #: context (the previous sentence, the article's main pair): kept, but with low confidence.
    filled: dict[str, str] = field(default_factory=dict)


# --- helpers ----------------------------------------------------------------------------------


def _gap(text: str, a: Mention, b: Mention) -> str:
    """Text between two mentions (a before b); "#" when they overlap (nested names)."""
    return text[a.end : b.start] if a.end <= b.start else "#"


def _parties(sentence: Sentence) -> list[Mention]:
    """The mentions of a sentence that can take part in a relation."""
    return [m for m in sentence.mentions if m.type in PARTY_TYPES]


def _chain_end(ms: list[Mention], i: int, text: str) -> int:
    """Index of the most specific region of a chain that starts at i (广西 凤山 → 凤山)."""
    while (i + 1 < len(ms) and ms[i].type == "Region" and _CHAIN_GAP.match(_gap(text, ms[i], ms[i + 1]))
           and ms[i + 1].type == "Region"):
        i += 1
    return i


def _chain_start(ms: list[Mention], i: int, text: str) -> int:
    """Index of the first region of the chain that ends at i."""
    while i > 0 and ms[i - 1].type == "Region" and _CHAIN_GAP.match(_gap(text, ms[i - 1], ms[i])):
        i -= 1
    return i


def _same_kind(a: Mention, b: Mention) -> bool:
    """List items are all places or all organisations/persons (省工商联、四川银行 ≠ 达州市)."""
    return (a.type == "Region") == (b.type == "Region")


def _list_after(ms: list[Mention], i: int, text: str) -> list[int]:
    """Indices of the list of parties starting at i (each chain reduced to its last region)."""
    out = []
    while i < len(ms):
        end = _chain_end(ms, i, text)
        out.append(end)
        if (end + 1 < len(ms) and _LIST_GAP.match(_gap(text, ms[end], ms[end + 1])) and ms[end + 1].type != "Person"
                and _same_kind(ms[end], ms[end + 1])):
            i = end + 1
            continue
        break
    return out


def _list_before(ms: list[Mention], i: int, text: str) -> list[int]:
    """Indices of the list of parties ending at i, in text order."""
    out = [i]
    while i > 0:
        start = _chain_start(ms, i, text)
        gap = _gap(text, ms[start - 1], ms[start]) if start > 0 else None
        if gap is None or not _LIST_GAP.match(gap) or not _same_kind(ms[start - 1], ms[i]):
            break
        i = start - 1
        out.insert(0, _chain_end(ms, i, text))
        if out[0] != i:
            out[0] = i
    return out


def _name(ctx: Context, m: Mention) -> str:
    """Canonical name of a mention."""
    return ctx.canon.of(m)


#: Titles of whoever leads a unit and speaks for it (a 队员 or 教师 does not).
_LEAD_TITLE = r"(会长|副会长|院长|副院长|校长|董事长|总经理|书记|主任|主席|副主席|理事长|局长|县长|市长)"
#: The titles between a unit and the person (某协会会长王某): the first says they lead it.
#: Further posts may follow after 、, each a unit and a title (会长、某基地筹备组副组长王某).
_TITLES_OF_A_LEADER = re.compile(_LEAD_TITLE + "(、[^,,。;;:“”]{0,24}?(" + "|".join(lexicon.TITLES) + "))*")


def _actor(ctx: Context, m: Mention, sentence: Sentence | None) -> str:
    """The party acting. A person, or a delegation named after one (王某一行), introduced by the unit
    they lead (某协会会长王某) acts for that unit, not as a private person."""
    person = m.type == "Person" or (m.type == "WorkTeam" and m.affiliation is not None)
    if person and sentence is not None:
        for o in sentence.mentions:
            leads = _TITLES_OF_A_LEADER.fullmatch(ctx.text[o.end : m.start])
            if leads and o.type not in ("Person", "Region", "WorkTeam"):
                return _name(ctx, o)
    return _name(ctx, m)


def _place(ctx: Context, m: Mention) -> str:
    """A pairing target: 对口支援黑水县工作领导小组 names the county, not the committee."""
    if m.type != "Region" and m.inner and m.inner[0].start == m.start:
        rest = ctx.text[m.inner[-1].end : m.end]
        if rest.startswith("工作") or m.inner[-1].end == m.end:
            return ctx.canon.resolve(m.inner[-1].name)
    return _name(ctx, m)


def _host(ctx: Context, m: Mention) -> str:
    """A host unit: the government of a region (萧县县政府, 河池市委) stands for the region itself."""
    name = _name(ctx, m)
    match = _GOVERNMENT_OF_REGION.match(name)
    if match and m.inner:
        return ctx.canon.resolve(m.inner[-1].name) if m.inner[-1].division else match.group(1)
    return name


def _span(ctx: Context, sentence: Sentence) -> tuple[int, int]:
    """Clean-text span of a sentence (converted to original offsets by the pipeline)."""
    return sentence.start, sentence.end


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


def _clause_start(text: str, sentence: Sentence, pos: int) -> int:
    """Where the clause holding `pos` begins: after the last comma or semicolon before it in the sentence."""
    return max(sentence.start, *(text.rfind(mark, sentence.start, pos) + 1 for mark in ",,;;"))


def _clause_of(text: str, trig: re.Match[str], sentence: Sentence) -> str:
    """The clause (between commas or semicolons) that holds a trigger."""
    start = _clause_start(text, sentence, trig.start())
    ends = [e for e in (text.find(mark, trig.end(), sentence.end) for mark in ",,;;") if e >= 0]
    return text[start : min(ends, default=sentence.end)]


def _is_trade(clause: str, between_companies: bool) -> bool:
    """Trade, not pairing: a sales, purchase or loan agreement, or a cooperation agreement between
    companies, with no word of assistance in the clause."""
    if _ASSISTANCE.search(clause):
        return False
    return bool(_TRADE.search(clause)) or (between_companies and bool(_BUSINESS.search(clause)))


_CLAUSE_MARK = re.compile(r"[,,。;;]")


def _clause_end(text: str, pos: int, limit: int) -> int:
    """End of the clause containing pos."""
    match = _CLAUSE_MARK.search(text, pos, limit)
    return match.start() if match else limit


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
        _secondment(ctx, person.name, origin, host, trig.group(0), sentence)
        ctx.filled = {}


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
        _secondment(ctx, person.name, origin, host, text[m.end : m.end + 6].split(",")[0], sentence)
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


# --- donations --------------------------------------------------------------------------------


def donations(ctx: Context, sentence: Sentence, memory: dict) -> None:
    """Gifts: donor, recipient, amounts, items and brokers around each donation verb."""
    text, ms = ctx.text, _parties(sentence)
    ctx.sentence = sentence
    triggers = [t for t in _DONATION_RE.finditer(text, sentence.start, sentence.end) if _is_gift(ctx, t, sentence)]
    for n, trig in enumerate(triggers):
        ctx.filled = {}
        limit = triggers[n + 1].start() if n + 1 < len(triggers) else sentence.end
        amounts = _amounts_for(text, trig.end(), limit, trig.start(), sentence.start)
        recipients = _recipient(ctx, ms, trig, limit, sentence, memory)
        brokers = _brokers(ctx, ms, trig.start(), sentence)
        donors = _anaphor(ctx, trig, sentence) or _donors(ctx, ms, trig, sentence, memory, brokers)
        if not donors or not recipients:
            continue
        if not amounts and not _has_evidence(text, trig, limit, ms):
            continue
        if trig.group(0) == "帮助" and not amounts and not _quantity(text, trig.end(), limit):
            continue  # help in kind is a gift only when counted or priced
        donors = [d for d in donors if d not in recipients] or donors
        partners = _collective_recipients(ctx, donors, sentence) if ctx.filled.get("to") else []
        if partners:  # 为定点扶贫县…: the places the donor is paired with, named earlier in the article
            recipients = partners
            del ctx.filled["to"]
        memory.update(donors=donors, recipient=recipients, sentence=sentence)
        respectively = bool(_RESPECTIVELY.search(text[sentence.start : limit]))
        each = _bracketed_amounts(ctx, ms, recipients)
        if each:  # 向甲镇(50万元)、乙镇(20万元)捐赠: each recipient's own sum
            amounts, respectively = each, True
            donors = donors[:1] * len(recipients) if len(donors) == 1 else donors
        clause = _clause_of(text, trig, sentence)
        total = ("history" if _HISTORY.search(clause) else "sum") if _TOTAL.search(clause) else None
        for donor, recipient, amount in coordinate(donors, recipients, amounts, respectively):
            if donor != recipient:
                gift = _donation(donor, recipient, amount, brokers, sentence, text, trig.end())
                if ctx.filled:
                    gift["filled"] = dict(ctx.filled)
                if total:
                    gift["total"] = total
                ctx.relations.append(gift)


_RESPECTIVELY = re.compile(r"分别")
#: A collective name for the places a party helps: (4个)定点扶贫县, 结对村, 帮扶村, 对口支援县.
_PARTNERS = re.compile(r"(?:[\d一二两三四五六七八九十]+个)?(" + _MODE_RE.pattern + r")(县|村|乡镇|乡|镇|地区|学校)")


def _collective_recipients(ctx: Context, donors: list[str], sentence: Sentence) -> list[str]:
    """The recipients a collective name stands for (为定点扶贫县建设…): the partners of the donors' pairings
    stated earlier in the article, of that mode when the pairings say which."""
    match = _PARTNERS.search(ctx.text, sentence.start, sentence.end)
    if match is None:
        return []
    pairings = [r for r in ctx.relations if r["type"] == "pairing" and r["from"] in donors
                and r["span"][0] < sentence.end]
    same_mode = [r for r in pairings if r.get("mode") and (r["mode"] in match.group(1) or match.group(1) in r["mode"])]
    return list(dict.fromkeys(r["to"] for r in same_mode or pairings))


def _bracketed_amounts(ctx: Context, ms: list[Mention], recipients: list[str]) -> list[Amount]:
    """The sums written in brackets right after each recipient (甲镇(50万元)、乙镇(20万元)), if all have one."""
    found: dict[str, Amount] = {}
    for m in ms:
        bracket = _BRACKETED.match(ctx.text, m.end)
        name = _name(ctx, m)
        if bracket and name in recipients and name not in found:
            sums = find_amounts(ctx.text, bracket.start(1), bracket.end(1))
            if len(sums) == 1:
                found[name] = sums[0]
    return [found[r] for r in recipients] if len(recipients) > 1 and len(found) == len(recipients) else []


def coordinate(
    donors: list[str], recipients: list[str], amounts: list[Amount], respectively: bool
) -> list[tuple[str, str, Amount | None]]:
    """Who gave what to whom when a clause lists several donors, recipients or sums.

    Lists of equal length are read in order when the text says 分别 (A、B分别向C、D捐赠x、y: A→C x,
    B→D y), and sums map onto the list they match in length (向C、D捐赠x、y; A、B分别捐赠x、y).
    Otherwise every donor gave every recipient each sum, as SCHEMA.md has joint gifts (共同/联合向…:
    once per donor, with the stated amount) and 各 gifts.

    >>> [(d, r, a) for d, r, a in coordinate(["A", "B"], ["C", "D"], [], respectively=True)]
    [('A', 'C', None), ('B', 'D', None)]
    """
    sums: list[Amount | None] = list(amounts) or [None]
    if respectively and len(donors) == len(recipients) > 1:
        if len(sums) == len(donors):
            return [(d, r, a) for d, r, a in zip(donors, recipients, sums, strict=True)]
        return [(d, r, a) for d, r in zip(donors, recipients, strict=True) for a in sums]
    if len(sums) > 1 and len(sums) == len(recipients) and (respectively or len(donors) == 1):
        return [(d, r, a) for d in donors for r, a in zip(recipients, sums, strict=True)]
    if len(sums) > 1 and len(sums) == len(donors) and respectively and len(recipients) == 1:
        return [(d, recipients[0], a) for d, a in zip(donors, sums, strict=True)]
    return [(d, r, a) for a in sums for d in donors for r in recipients]


_DELIVERY = re.compile(lexicon.DELIVERY)
#: How a sentence says the goods are the donor's to give: raised or bought by them (筹集的 …), handed over
#: by them (将/把 … 送进), or sent from them (从 A 发往 B).
_HANDED_OVER = re.compile(r"^[^,,。;]{0,4}?(将|把)")
_RAISED = re.compile(r"筹集|募集|筹措|捐赠|捐献|捐|采购|出资|提供|购置")
_GOODS = re.compile(r"物资|款|资金|设备|图书|药品|口罩|衣物|棉被|器材|用品|\d+\s*[套台件册本批箱袋床双吨]")


def donations_delivered(ctx: Context, sentence: Sentence) -> None:
    """A 筹集/捐赠/采购 的 … 物资 送达/运抵/交付 R, A 将 … 物资 送进 R, … 物资 从 A 发往 R: the goods'
    owner gave them to the place of delivery."""
    text, ms = ctx.text, _parties(sentence)
    within = (text, sentence.start, sentence.end)
    if not _DELIVERY.search(*within) or not _GOODS.search(*within):
        return
    if any(r["type"] == "donation" and r["span"][0] == sentence.start for r in ctx.relations):
        return  # a gift the sentence states outright was read by `donations`; its delivery adds nothing
    for delivery in _DELIVERY.finditer(text, sentence.start, sentence.end):
        after = [k for k, m in enumerate(ms) if m.start >= delivery.end()]
        before = [k for k, m in enumerate(ms) if m.end <= delivery.start() and m.type != "Person"]
        if not after or not before or text[delivery.end() : ms[after[0]].start].strip() not in ("", "了"):
            continue
        sender = [k for k in before if text[ms[k].end : delivery.start()] == "" and text[ms[k].start - 1] == "从"]
        donor = ms[_chain_end(ms, sender[-1] if sender else before[0], text)]
        given = (sender or _RAISED.search(text, donor.end, delivery.start())
                 or _HANDED_OVER.match(text[donor.end : delivery.start()]))
        if not given or ms[after[0]].type == "Person":
            continue
        sums = find_amounts(text, sentence.start, delivery.start())  # (价值60万元的设备从 A 发往 B)
        recipient = _name(ctx, ms[_chain_end(ms, after[0], text)])
        if recipient == _name(ctx, donor):
            continue
        ctx.relations.append(_donation(_name(ctx, donor), recipient, sums[0] if sums else None, [], sentence, text,
                                       donor.end))


def _has_evidence(text: str, trig: re.Match[str], limit: int, ms: list[Mention]) -> bool:
    """A gift without a sum needs a stated recipient or a counted quantity (not just 捐款捐物)."""
    lead = text[max(0, trig.start() - 30) : trig.start()]
    if re.search(r"(向|为|给|对)[^,,。]{1,20}$", lead) and any(m.end <= trig.start() for m in ms):
        return True
    tail = text[trig.end() : limit]
    if re.match(r"^(了)?[^,,。]{0,4}(支持|资助)", tail):
        return True
    if re.match(r"^[和、]?捐[物款]", tail) or re.search(r"捐[款资]捐物$", text[trig.start() : trig.end() + 2]):
        return False
    return bool(_quantity(text, trig.end(), limit) or (re.match(r"^(了)?(给|至|到)?", tail) and any(
        trig.end() <= m.start <= trig.end() + 3 for m in ms)))


#: Verbs that raise or put in money (筹集, 出资) or give it in general (投入, 提供): a gift only with a sum
#: of money close after them.
_RAISING = frozenset(lexicon.words("募集 筹募 筹集 筹措"))
_FUNDING = frozenset(lexicon.words("投入 提供 给予 落实 支援 援助 设立 出资")) | _RAISING


def _is_gift(ctx: Context, trig: re.Match[str], sentence: Sentence) -> bool:
    """Skip 捐赠仪式 / 捐赠活动 and verbs inside names; weak verbs need money nearby."""
    text = ctx.text
    if any(m.start <= trig.start() < m.end for m in sentence.mentions):
        return False
    if any(mode.start() <= trig.start() < mode.end() for mode in _MODE_RE.finditer(text, max(0, trig.start() - 4),
                                                                                 trig.end() + 4)):
        return False
    if trig.group(0) == "捐" and not re.match(r"^(了)?\s*\d", text[trig.end() : trig.end() + 3]):
        return False
    after = text[trig.end() : trig.end() + 6]
    if _NOT_A_GIFT.match(after.lstrip("和、")) or re.match(r"^[和、]?捐[款物赠助资]*(活动|仪式)", after):
        return False
    clause = text[max(sentence.start, text.rfind(",", sentence.start, trig.start()) + 1) : trig.start()]
    if _THANKS.search(text[trig.end() : trig.end() + 10]) or _CALL.match(text[trig.end() : trig.end() + 4]):
        return False  # 赠送锦旗 thanks a donor; 捐款号召 / 捐赠倡议 asks for gifts
    if _GUIDED.search(clause) and trig.group(0) in ("投入", "援建", "支援", "提供"):
        return False  # 引导企业投入… : investment steered, not a gift

    if trig.group(0) in _FUNDING:
        window = text[trig.start() : min(sentence.end, trig.end() + 16)]
        if not (_MONEY_WORDS.search(window) and find_amounts(window)) and not (
            trig.group(0) in ("给予", "设立", "援助") and re.search(r"基金|资助|支持|资金", window)
        ) and not (trig.group(0) in _RAISING and _quantity(text, trig.end(), sentence.end)) and not (
            trig.group(0) in ("援助", "支援") and any(m.start == trig.end() for m in sentence.mentions)
        ):
            return False
    return True


def _amounts_for(text: str, start: int, limit: int, trig_start: int, sentence_start: int) -> list[Amount]:
    """The sums a trigger governs: the first one after it, plus any joined to it by 和/及/、."""
    found = [a for a in find_amounts(text, start, limit) if not text[start : a.start].endswith("其中")]
    if not found:
        before = find_amounts(text, max(sentence_start, trig_start - 14), trig_start)
        return before[-1:] if before else []
    out = [found[0]]
    for a in found[1:]:
        gap = text[out[-1].end : a.start]
        if re.fullmatch(r"[^,,。;]{0,8}?(和|及|以及|、|,另|外加)(价值)?", gap):
            out.append(a)
        else:
            break
    return out


#: Between a gift verb and its recipient: nothing or 给/至/到, or the sum and a purpose clause that names
#: the recipient (出资80万元,为某村修建…; 筹集善款120万元,用于某校新建…).
_RECIPIENT_AFTER = re.compile(
    r"(了)?(给|至|到|予)?|[^,,。\d]{0,4}?[\d.约近]*[万亿]?元?(资金)?,?(支持|用于|帮助|为|援建|新建|建设|修建)"
    r"[^,,。]{0,6}?的?"
)
#: The recipient is where the gift is delivered (捐赠至 R, … 运抵 R).
_DELIVERED_TO = re.compile(r"((捐赠|送|交)(至|给|到)|" + _DELIVERY.pattern + ")$")
_PURPOSE = re.compile(r"支持|用于|帮助|为")
#: Gifts that are built: what 捐建的 / 援建的 names is what was given (捐建的某村希望小学).
_BUILDING = frozenset(lexicon.words("捐建 援建"))
_PRONOUN = re.compile(r"(向|为|给|对)(她|他|他们|她们)")
_HOME = re.compile(r"(向|为|给|对|帮扶|帮助|支援)(我|本)([县市区省州旗])")


def _recipient(ctx: Context, ms: list[Mention], trig: re.Match[str], limit: int, sentence: Sentence,
               memory: dict) -> list[str] | None:
    """Recipients: 向/为/给/对 R before the verb, R / 给 R / 用于…的 R after it, a pronoun's
    antecedent, a destination, a village or township named before, else the context's recipient."""
    text = ctx.text
    clause_start = max(sentence.start, text.rfind(",", sentence.start, trig.start()) + 1)
    region = text[clause_start : trig.start()]
    home = _HOME.search(region)
    if home and ctx.canon.homes.get(home.group(3)):
        return [ctx.canon.homes[home.group(3)]]
    if _PRONOUN.search(region):
        before = [k for k, m in enumerate(ms) if m.end <= trig.start() and m.type != "WorkTeam"
                  and not (m.type == "Person" and text.startswith(("院长", "校长", "书记", "一行"), m.end))]
        if before:
            return _names(ctx, ms, _list_before(ms, _chain_end(ms, before[-1], text), text))
    for k, m in enumerate(ms):
        if clause_start <= m.start < trig.start() and m.type != "WorkTeam":
            lead = text[max(0, m.start - 2) : m.start]
            if re.search(r"(向|为|给|对|帮助)$", lead) and not text.startswith("为了", m.start - 1):
                return _names(ctx, ms, _list_after(ms, k, text))
    for k, m in enumerate(ms):
        if trig.end() <= m.start < limit:
            gap = text[trig.end() : m.start]
            # what follows 筹集到 is where the money came from; only a purpose clause names the recipient
            raised_from = trig.group(0) in _RAISING and not _PURPOSE.search(gap)
            if m.type != "Person" and not raised_from and (_RECIPIENT_AFTER.fullmatch(gap) or (
                    gap == "的" and trig.group(0) in _BUILDING)):
                return _names(ctx, ms, _list_after(ms, k, text))
            break
    for k, m in enumerate(ms):
        if m.start >= trig.end() and _DELIVERED_TO.search(text[max(0, m.start - 4) : m.start]):
            return _names(ctx, ms, _list_after(ms, k, text))
    if memory.get("sentence") is sentence and memory.get("recipient"):
        return memory["recipient"]
    for k in range(len(ms) - 1, -1, -1):
        m = ms[k]
        head = ms[_chain_start(ms, k, text)]
        lead = text[max(0, head.start - 2) : head.start]
        if m.end <= trig.start() and m.type != "Person" and _DESTINATION.search(lead):
            return [_name(ctx, ms[_chain_end(ms, k, text)])]
    low = [m for m in ms if m.end <= trig.start() and m.level in ("village", "township")]
    if low:
        return [_name(ctx, low[-1])]
    if memory.get("recipient") and memory.get("sentence") and memory["sentence"].paragraph == sentence.paragraph:
        ctx.filled["to"] = "previous-sentence"
        return memory["recipient"]
    ctx.filled["to"] = "main-pair"
    return [ctx.main_to] if ctx.main_to else None


def _names(ctx: Context, ms: list[Mention], idx: list[int]) -> list[str]:
    """Canonical names of the mentions at idx, in order, without repeats."""
    return list(dict.fromkeys(_name(ctx, ms[j]) for j in idx))


def _brokers(ctx: Context, ms: list[Mention], trig_start: int, sentence: Sentence) -> list[str]:
    """Parties before 对接/联系/协调 in the sentence, X in X代Y and in 在X的协调下: they brokered the gift."""
    text, out = ctx.text, []
    for under in _BROKERED_UNDER.finditer(text, sentence.start, trig_start):
        out += [_name(ctx, m) for m in ms if under.start(1) <= m.start and m.end <= under.end(1)]
    for k, m in enumerate(ms):
        if m.end > trig_start:
            break
        after = text[m.end : trig_start]
        clause = after if m.type in ("Person", "WorkTeam") else re.split(r"[,,。]", after)[0]
        verb = re.search(r"(对接|联系|协调|牵线|推动|促成)", clause)
        between = [o for o in ms[k + 1 :] if m.end <= o.start < m.end + (verb.start() if verb else 0)]
        if m.type in ("Person", "WorkTeam"):
            between = [o for o in between if o.type in ("Person", "WorkTeam")]
        if verb and not between and (
            m.type in ("Person", "WorkTeam") or re.search(r"组织|先后|共同", clause[: verb.start()])
        ):
            out.extend(_name(ctx, ms[j]) for j in _list_before(ms, k, text))
        elif after.startswith("代") and k + 1 < len(ms):
            out.append(_name(ctx, m))
    return list(dict.fromkeys(out))


_BROKERED_UNDER = re.compile(r"在([^,,。;;]{2,30}?)的?(协调|牵线|帮助|推动|对接|积极争取)下")
_JOINT = re.compile(r"联合|共同|纷纷|分别|一同|携手|等|均|共(?=[捐援投出计])")


# A clause that goes on with the subject of the one before: 并/同时/还/又 + verb, no party of its own.
_CONTINUED = re.compile(r"\s*(并且?|同时|还|又|也|随后|此外|另外)")  # used with .match(text, pos)


def _shared_subject(ctx: Context, ms: list[Mention], marker: int, sentence: Sentence) -> int | None:
    """The sentence's subject, when the trigger's clause continues it with no subject of its own
    (腾讯公司承担了…, 并成立…工作组, …, 同时提供200万元): not the nearest name, an object of another verb."""
    text = ctx.text
    clause_start = _clause_start(text, sentence, marker)
    if clause_start == sentence.start or not _CONTINUED.match(text, clause_start):
        return None
    if any(clause_start <= m.start < marker for m in ms) or not ms or ms[0].type == "Person":
        return None
    lead = text[sentence.start : ms[0].start]
    if len(lead) > 6 or not _PREDICATE_NEXT.match(text, ms[0].end):
        return None
    return _chain_end(ms, 0, text)


_PREDICATE_NEXT = re.compile(
    r"(积极|主动|先后|还|也|已|共|再|多次|向|为)?[\u4e00-\u9fff]{0,2}?"
    r"(承担|成立|开展|组织|实施|投入|提供|捐|援|帮|结对|筹|出资|设立|派|选派)"
)


_ANAPHOR = re.compile(r"(两|二|三|四|五|六|七|八|九|十|\d+)(家|个|所)(企业|公司|单位|协会|商会|学校|医院|部门|机构)")
_ANAPHOR_TYPES = {
    "企业": ("Company",), "公司": ("Company",), "单位": ("GovernmentAgency", "Company", "SocialOrganization"),
    "协会": ("SocialOrganization",), "商会": ("SocialOrganization",), "学校": ("School",), "医院": ("Hospital",),
    "部门": ("GovernmentAgency",), "机构": ("GovernmentAgency", "SocialOrganization"),
}


def _anaphor(ctx: Context, trig: re.Match[str], sentence: Sentence) -> list[str]:
    """两家企业…分别捐赠: the donors are the nearest earlier list of that many parties of that kind."""
    from graphkit.extract.amounts import chinese_number

    text = ctx.text
    clause_start = _clause_start(text, sentence, trig.start())
    match = next(iter(reversed(list(_ANAPHOR.finditer(text, clause_start, trig.start())))), None)
    if match is None or any(clause_start <= m.start < match.start() for m in sentence.mentions):
        return []  # the clause names its own subject before the anaphor
    count = int(match.group(1)) if match.group(1).isdigit() else chinese_number(match.group(1).replace("两", "二"))
    if not count:
        return []
    kinds = _ANAPHOR_TYPES[match.group(3)]
    earlier = [m for m in ctx.canon.mentions if m.end <= match.start()]
    for end in range(len(earlier) - 1, count - 2, -1):
        run = earlier[end - count + 1 : end + 1]
        if all(m.type in kinds for m in run) and all(
            _LIST_GAP.match(text[a.end : b.start]) for a, b in pairwise(run)
        ):
            ctx.filled["from"] = "anaphor"
            return [ctx.canon.of(m) for m in run]
    return []


def _donor_list(ctx: Context, ms: list[Mention], k: int, marker: int) -> list[str]:
    """The donor at k with the parties listed before it (A、B向C捐赠: both gave)."""
    text = ctx.text
    idx = _list_before(ms, _chain_end(ms, k, text), text)
    m = ms[k]
    if m.name in lexicon.GENERIC_PARTIES and k > 0 and text[ms[k - 1].end : m.start] == "等":
        idx = _list_before(ms, k - 1, text)
    if idx and idx[0] > 0 and _CO_ACTOR.search(text[ms[idx[0] - 1].end : ms[idx[0]].start]):
        idx = [idx[0] - 1, *idx]
    if "代" in text[max(0, m.start - 1) : m.start]:
        idx = idx[-1:]
    head = _chain_start(ms, idx[0], text) if idx else 0
    if len(idx) > 1 and head < idx[0] and _COLLECTIVE.match(text, ms[idx[-1]].end):
        # 南京市栖霞、浦口、高淳等7个区县: a sample of the region's units stands for the region itself
        return [_actor(ctx, ms[head], ctx.sentence)]
    return list(dict.fromkeys(_actor(ctx, ms[j], ctx.sentence) for j in idx))


_COLLECTIVE = re.compile(r"等\s*[\d一二三四五六七八九十两]+\s*个?(区县|县区|区|县|市|乡镇|镇|乡|村|单位|部门)")


def _brokered(ctx: Context, ms: list[Mention], marker: int, sentence: Sentence) -> int | None:
    """Index of the party right after 对接/协调/联系 (the one persuaded to give), if any."""
    text = ctx.text
    for match in re.finditer(r"(对接|协调|联系)(联系|对接)?", text[sentence.start : marker]):
        pos = sentence.start + match.end()
        after = [k for k, m in enumerate(ms) if m.start >= pos and m.end <= marker]
        if after and len(text[pos : ms[after[0]].start].strip(",")) <= 1 and ms[after[0]].type != "Person":
            last = _list_after(ms, after[0], text)[-1]
            if re.fullmatch(r"[^,,。]{0,6}?(向|为|给)?[^,,。]{0,4}", text[ms[last].end : marker]):
                return after[0]
    return None


def _donors(ctx: Context, ms: list[Mention], trig: re.Match[str], sentence: Sentence, memory: dict,
            brokers: list[str]) -> list[str]:
    """The giving party list: before 向/为 or the verb in the clause, else the subject, else context."""
    text = ctx.text
    marker = trig.start()
    funder = re.search(r"由([^,,。]{2,30}?)(出资|捐资|资助|提供)", text[sentence.start : sentence.end])
    if funder:
        lo, hi = sentence.start + funder.start(1), sentence.start + funder.end(1)
        inside = [m for m in ms if lo <= m.start and m.end <= hi]
        if inside:
            return [_name(ctx, inside[-1])]
    subject = _shared_subject(ctx, ms, marker, sentence)
    if subject is not None:
        return [n for n in _donor_list(ctx, ms, subject, marker) if n not in brokers]
    brokered = _brokered(ctx, ms, marker, sentence)
    if brokered is not None:
        return [n for n in _donor_list(ctx, ms, _list_after(ms, brokered, text)[-1], marker) if n not in brokers]
    candidates = [k for k, m in enumerate(ms) if m.end <= marker and _name(ctx, m) not in brokers]
    for k in reversed(candidates):
        m = ms[k]
        head = ms[_list_before(ms, _chain_start(ms, k, text), text)[0]]
        if head.type == "Region":
            head = ms[_chain_start(ms, ms.index(head), text)]
        if re.search(r"(向|为|给|对|赴|到|在|帮助|慰问|看望|帮扶|支援|援助|扶贫|协作|新建|建设|援建|修建)$",
                     text[max(0, head.start - 2) : head.start]):
            continue
        clause = text[max(sentence.start, text.rfind(",", 0, head.start) + 1) : head.start]
        if re.search(r"(慰问|看望|走访)", clause):
            continue
        if k + 1 < len(ms) and ms[k + 1].start < marker and text[m.end : ms[k + 1].start] in ("", "的"):
            continue
        h = _chain_start(ms, k, text)
        conj = h > 0 and text[ms[h - 1].end : ms[h].start] in ("和", "与", "同")
        if conj and not _JOINT.search(text[m.end : marker]):
            k = _chain_end(ms, _chain_start(ms, h - 1, text), text)
            m = ms[k]
        gap = text[m.end : marker]
        if _BROKER.search(gap.split(",")[0]) and m.type in ("Person", "WorkTeam"):
            continue
        names = [n for n in _donor_list(ctx, ms, k, marker) if n not in brokers]
        if names:
            return names
    if memory.get("donors") and memory.get("sentence") and memory["sentence"].paragraph == sentence.paragraph:
        ctx.filled["from"] = "previous-sentence"
        return memory["donors"]
    if trig.group(0) in ("筹募", "募集", "筹集"):
        public = [m for m in ctx.canon.mentions if m.name in lexicon.GENERIC_PARTIES]
        said = text[trig.end() : trig.end() + 12]
        public.sort(key=lambda m: (m.name[:2] not in said, abs(m.start - trig.start())))
        if public:
            ctx.filled["from"] = "article"
            return [ctx.canon.of(public[0])]
    ctx.filled["from"] = "main-pair"
    return [ctx.main_from] if ctx.main_from else []


def _donation(donor: str, recipient: str, amount: Amount | None, brokers: list[str], sentence: Sentence,
              text: str, after: int) -> dict:
    """The SCHEMA.md donation object (plus span and amount_text)."""
    rel = {
        "type": "donation", "from": donor, "to": recipient,
        "amount_cny": amount.yuan if amount else None,
        "approximate": bool(amount and amount.approximate),
        "items": _items(text, amount, after, sentence.end),
        "quantity": _quantity(text, after, sentence.end),
        "purpose": _purpose(text, after, sentence.end),
        "facilitated_by": [b for b in brokers if b not in (donor, recipient)],
        "span": (sentence.start, sentence.end),
    }
    if amount:
        rel["amount_text"] = amount.text
        if amount.per:
            rel["per"] = amount.per
    return rel


_ITEM = re.compile(r"(?:价值[^,,。的]{0,12}的|[\d一二两三四五六七八九十百千万余多]+"
                   r"[台张件套床双包箱册本吨罐袋米份个批]+)"
                   r"([\u4e00-\u9fff、]{2,16}?)(?=[,,。;(]|用于|$|等|给|和\d)")


def _items(text: str, amount: Amount | None, start: int, end: int) -> str | None:
    """What was given, when stated as 价值X的ITEMS or QTY+ITEMS."""
    window = text[start:end]
    match = _ITEM.search(window)
    if match:
        return match.group(1)
    if amount is not None:
        tail = re.match(r"(的)?([\u4e00-\u9fff]{2,8}?)(?=[,,。;和及(]|$)", text[amount.end : end])
        if tail and not re.match(r"(用于|支持|帮助|以上|左右)", tail.group(2)):
            return tail.group(2)
    return None


def _quantity(text: str, start: int, end: int) -> str | None:
    """A counted quantity (500台, 97件, 3700余册)."""
    match = re.search(r"\d+(\.\d+)?[余多]?(公斤|[台张件套床双包箱册本吨罐袋米份批辆头只株棵斤瓶盒桶顶座])",
                      text[start:end])
    return match.group(0) if match else None


def _purpose(text: str, start: int, end: int) -> str | None:
    """用于 …, as stated."""
    match = re.search(r"用于[^,,。;]{2,30}", text[start:end])
    return match.group(0) if match else None


_RECEIVE = re.compile(r"接收|接受|收到|获得|争取到|争取")


def donations_received(ctx: Context, sentence: Sentence) -> None:
    """R 接收/收到/争取到 D (的)…资金/捐赠 X元: the giver comes after the verb (某县接收某区援疆资金)."""
    text, ms = ctx.text, _parties(sentence)
    for verb in _RECEIVE.finditer(text, sentence.start, sentence.end):
        before = [k for k, m in enumerate(ms) if m.end <= verb.start() and len(text[m.end : verb.start()]) <= 4]
        after = [k for k, m in enumerate(ms) if m.start >= verb.end() and len(text[verb.end() : m.start]) <= 2]
        if not before or not after:
            continue
        end = _clause_end(text, ms[after[0]].end, sentence.end)
        tail = text[ms[after[0]].end : end]
        if not re.search(r"资金|捐赠|捐款|善款|物资|援助", tail):
            continue
        amounts = _amounts_for(text, ms[after[0]].end, end, verb.start(), sentence.start)
        recipient = _name(ctx, ms[before[-1]])
        for j in _list_after(ms, after[0], text):
            stated: list[Amount | None] = list(amounts) or [None]
            for amount in stated:
                ctx.relations.append(_donation(_name(ctx, ms[j]), recipient, amount, [], sentence, text,
                                               ms[j].end))


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
