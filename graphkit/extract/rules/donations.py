"""Donation rules: a gift verb with its donors (lists, shared subjects, anaphora such as 两家企业),
recipients, amounts (分别 distributes them), items, purpose and brokers (在…的协调下), with
negative filters (thanks, totals over years, calls to give)."""

from __future__ import annotations

import re
from itertools import pairwise

from graphkit.extract import lexicon
from graphkit.extract.amounts import Amount, find_amounts
from graphkit.extract.entities import Mention
from graphkit.extract.rules.common import (
    _ANNUAL,
    _BRACKETED,
    _BROKER,
    _CALL,
    _CO_ACTOR,
    _DESTINATION,
    _DONATION_RE,
    _GUIDED,
    _HISTORY,
    _LIST_GAP,
    _MODE_RE,
    _MONEY_WORDS,
    _NOT_A_GIFT,
    _PLEDGE,
    _RESPECTIVELY,
    _THANKS,
    _TOTAL,
    Context,
    _actor,
    _chain_end,
    _chain_start,
    _clause_end,
    _clause_of,
    _clause_start,
    _list_after,
    _list_before,
    _name,
    _parties,
    coordinate,
)
from graphkit.extract.sentences import Sentence

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
        figure = _figure(text, trig, clause, total, sentence)
        for donor, recipient, amount in coordinate(donors, recipients, amounts, respectively):
            if donor != recipient:
                gift = _donation(donor, recipient, amount, brokers, sentence, text, trig.end())
                if ctx.filled:
                    gift["filled"] = dict(ctx.filled)
                if total:
                    gift["total"] = total
                if figure != "gift":
                    gift["figure"] = figure
                ctx.relations.append(gift)


def _figure(text: str, trig: re.Match, clause: str, total: str | None, sentence: Sentence) -> str:
    """What kind of figure the gift's amount is (graphkit.model.FIGURES), from its clause: a total
    (累计, 共计, …以来) is cumulative; a programme's money for a year (今年投入财政援助资金) annual; a gift
    announced before the verb (将向…捐赠, 计划投入) a pledge; anything else a gift."""
    if total:
        return "cumulative"
    if _ANNUAL.search(text, sentence.start, min(sentence.end, trig.end() + 30)):
        return "annual"
    before = text[max(sentence.start, trig.start() - 24) : trig.start()]
    return "pledge" if _PLEDGE.search(before) else "gift"


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
        **_goods(text, amount, after, sentence.end),
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


_COUNT = (r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)[万千百]?[余多]?"
          r"(?:公斤|千克|[台张件套床双包箱册本吨罐袋份批辆头只株棵斤瓶盒桶顶座支副盏把])")
#: One entry of a list of goods, named before its count (口罩5万只, 毛毯100床) or after it (30吨鲜猪肉).
_GOODS_ENTRY = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{1,8}}?)(?P<count>{_COUNT})|(?P<count2>{_COUNT})"
                          rf"(?P<name2>[\u4e00-\u9fff]{{1,8}}?)(?=等|$)")
_GOODS_SEPARATOR = re.compile(r"、|以及|和|及|与")
_GOODS_LEAD = re.compile(r"^(了|给予|给|予)")


def _goods(text: str, amount: Amount | None, start: int, end: int) -> dict[str, str | None]:
    """What was given and how many: a list of counted goods right after the verb gives both
    (彩超机2台、呼吸机5台 → items 彩超机、呼吸机, quantity as listed); otherwise the item and
    quantity read one by one.

    >>> _goods("捐赠口罩5万只、防护服2000套等物资,总价值86.5万元", None, 2, 31)
    {'items': '口罩、防护服', 'quantity': '口罩5万只、防护服2000套'}
    >>> _goods("捐赠2000吨矿泉水和30吨蔬菜", None, 2, 17)
    {'items': '矿泉水、蔬菜', 'quantity': '2000吨矿泉水、30吨蔬菜'}
    """
    clause = re.split(r"[,，。;；(（:：]", text[start:end], maxsplit=1)[0]
    clause = _GOODS_LEAD.sub("", clause)
    names, entries = [], []
    for part in _GOODS_SEPARATOR.split(clause):
        part = re.sub(r"等.*$", "", part)
        match = _GOODS_ENTRY.fullmatch(part)
        if match is None:
            break
        names.append(match.group("name") or match.group("name2"))
        entries.append(part)
    if len(entries) >= 2:
        return {"items": "、".join(names), "quantity": "、".join(entries)}
    return {"items": _items(text, amount, start, end), "quantity": _quantity(text, start, end)}


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


