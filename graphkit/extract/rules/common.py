"""What every rule family shares: the context a rule writes into, the regexes of party lists and
chains, and helpers that name a mention as an actor, a place or a host."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphkit.extract import lexicon
from graphkit.extract.amounts import Amount
from graphkit.extract.canon import Canon
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
#: A gift announced, not made: 将/拟/计划/承诺/预计 right before the giving verb (将向…捐赠, 计划投入).
_PLEDGE = re.compile(r"(?:将|拟|计划|承诺|预计|准备|打算)(?:于[^,，。；;]{0,8})?(?:再|继续|陆续|分批|全额)?"
                     r"(?:向|为|给|对|帮助|支持|在)?[^,，。；;将拟]{0,14}$")
#: A programme's money for a year, not a gift: 今年/年度/全年 … 投入/安排/拨付 … 财政(援助)资金 in the sentence
#: (a gift dated 2018年 is still a gift: only the budget's own words say "annual").
_ANNUAL = re.compile(r"(?:今年|本年度|年度|当年|全年)[^。；;]{0,24}?(?:投入|安排|拨付|下达|落实)[^。；;]{0,8}?"
                     r"财政(?:援助|帮扶|扶贫|协作|援疆|援藏)?资金")
_THANKS = re.compile(r"^[^,,。;]{0,4}(锦旗|感谢信|牌匾|感谢状|荣誉证书|奖牌|奖杯)")
_CALL = re.compile(r"^(的)?(号召|倡议|动员|通知)")
_GUIDED = re.compile(r"引导|招引|招商|吸引")
_MONEY_WORDS = re.compile(r"资金|款|金|万元|亿元|元|物资|价值")
_CO_ACTOR = re.compile(r"(会同|联合|携手|协同|伙同)$")
_BROKER = re.compile(r"(积极)?(对接|联系|协调|牵线|代|推动|促成)")
_GOVERNMENT_OF_REGION = re.compile(r"^(.*?[省市县区州旗])(人民政府|政府|县委|市委|区委|委|党委|管委会|管理委员会)$")
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


def _clause_start(text: str, sentence: Sentence, pos: int) -> int:
    """Where the clause holding `pos` begins: after the last comma or semicolon before it in the sentence."""
    return max(sentence.start, *(text.rfind(mark, sentence.start, pos) + 1 for mark in ",,;;"))


def _clause_of(text: str, trig: re.Match[str], sentence: Sentence) -> str:
    """The clause (between commas or semicolons) that holds a trigger."""
    start = _clause_start(text, sentence, trig.start())
    ends = [e for e in (text.find(mark, trig.end(), sentence.end) for mark in ",,;;") if e >= 0]
    return text[start : min(ends, default=sentence.end)]


_CLAUSE_MARK = re.compile(r"[,,。;;]")


def _clause_end(text: str, pos: int, limit: int) -> int:
    """End of the clause containing pos."""
    match = _CLAUSE_MARK.search(text, pos, limit)
    return match.start() if match else limit


_RESPECTIVELY = re.compile(r"分别")


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
