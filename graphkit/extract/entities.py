"""Find the parties an article names: regions, organisations, work teams and persons.

Regions come from the gazetteer through an Aho-Corasick automaton (full names and short forms);
townships and villages by their suffix (镇 乡 街道 村 社区 …). Organisations are found by their
suffix (…局, …医院, …协会 …) and their left edge by scanning back over name characters until a verb,
preposition or punctuation mark (STOP_WORDS), jumping over region names as whole units so that
黑水县人民医院 keeps its county. Persons are found next to titles (队员刘兴东, 董少良院长), with jieba
deciding where a name ends. The output is a flat list of `Mention`s; canonical names are chosen later.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from graphkit import gazetteer
from graphkit.extract import lexicon
from graphkit.extract.tagger import REGION_SUFFIX, Tagged, Tagging, tag

NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()·•]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_NAME = 30


@dataclass(frozen=True)
class Mention:
    """A stretch of clean text naming a party. `name` is the surface form, `type` an entity type."""

    start: int
    end: int
    name: str
    type: str
    level: str | None = None
    division: gazetteer.Division | None = None
    part_of: str | None = None
    role: str | None = None
    affiliation: str | None = None
    inner: tuple[Mention, ...] = field(default=(), compare=False)
    bare: bool = False
    short_for: str | None = None  # the full name an abbreviation stands for (国投 → 国家开发投资公司)


# --- regions ----------------------------------------------------------------------------------


#: A line of jieba's dictionary: a word of two or three characters, its frequency, its tag if any.
_DICTIONARY_WORD = re.compile(r"^(\S{2,3})[ \t]+(\d+)(?:[ \t]+(\S+))?", re.MULTILINE)


@cache
def _common_words() -> dict[str, tuple[int, str]]:
    """jieba's dictionary (word → (frequency, tag)), to drop short forms that are everyday words.
    Its 350,000 lines are matched in one pass of a regular expression, not split one by one (0.43 ->
    0.22-0.29 s of the first article a process extracts, which an ingest waits for)."""
    import jieba

    with jieba.get_dict_file() as handle:
        text = handle.read().decode("utf-8")
    return {word: (int(freq), tag) for word, freq, tag in _DICTIONARY_WORD.findall(text)}


_FUNCTION_TAGS = ("v", "a", "d", "f", "t", "p", "c", "u", "r")


def _usable_short_form(form: str) -> bool:
    """A short form such as 平安, 振兴 or 和平 is an everyday word first and a county second."""
    freq, tag = _common_words().get(form, (0, "ns"))
    if tag.startswith(_FUNCTION_TAGS):
        return False
    return tag == "ns" or freq < 1000


def trim_leading_words(name: str, keep: int) -> int:
    """How many leading characters of a scanned name are verbs/adverbs/time words, not name.

    成功立项知木林高山幼儿园 → 4 (成功立项). Stops at the first token that is not such a word, and never
    trims into the last `keep` characters (the suffix and one more).
    """
    from graphkit.extract.entities import _tokens

    cut = 0
    for token in _tokens(name):
        if len(token) < 2 and token not in "下上前后中内外":
            break
        _, tag = _common_words().get(token, (0, "n"))
        if tag.startswith("a") or not tag.startswith((*_FUNCTION_TAGS, "vn")):
            break
        if len(name) - cut - len(token) < keep:
            break
        cut += len(token)
    return cut


@cache
def _region_automaton():
    """An Aho-Corasick automaton over every division name and usable short form."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for name in gazetteer.names():
        upper = any(d.level in ("province", "prefecture") for d in gazetteer.candidates(name))
        if gazetteer.is_full_name(name) or upper or _usable_short_form(name):
            automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


def _longest_non_overlapping(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Leftmost-longest selection of (start, end, name) matches."""
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out, last_end = [], -1
    for start, end, name in hits:
        if start >= last_end:
            out.append((start, end, name))
            last_end = end
    return out


_NOT_A_SUFFIX = ("区域", "县城", "市场", "区委", "县委", "市委", "区长", "县长", "市长")


def _supported(hits: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """Drop county-level short forms the article gives no other evidence for.

    定海 in 选定海嘎 or 会同 (a verb) are county short forms by accident; a real short form comes
    with its full name or a parent somewhere in the same article.
    """
    names = {name for _, _, name in hits}
    full = {d.name for n in names for d in gazetteer.candidates(n) if gazetteer.is_full_name(n)}
    shorts = {s for n in full for d in gazetteer.candidates(n) for s in gazetteer.short_forms(d)}
    in_text = cache(text.__contains__)  # each name is looked for once, however often it is a candidate
    out = []
    for hit in hits:
        name = hit[2]
        if gazetteer.is_full_name(name):
            out.append(hit)
            continue
        cands = gazetteer.candidates(name)
        if (any(d.level in ("province", "prefecture") for d in cands) or text[hit[1] : hit[1] + 1] in ("县", "旗")
                or name.endswith(("县", "旗"))):
            out.append(hit)
            continue
        if any(d.name in full or in_text(d.name) or any(p.name in names or p.name in full or
               any(s in shorts or s in names for s in gazetteer.short_forms(p)) for p in gazetteer.parents(d))
               for d in cands):
            out.append(hit)
    return out


def find_divisions(text: str, on: str | None = None) -> list[Mention]:
    """Province, prefecture and county mentions, resolved against each other for ambiguity; a former
    name (林芝县) is today's division it became, and `on`, the article's date, says whether a name
    meant its former bearer then (gazetteer.candidates)."""
    hits = [(end - len(name) + 1, end + 1, name) for end, name in _region_automaton().iter(text)]
    # Unsupported short forms go before overlaps are resolved, so 向阳 (a short form, and a word)
    # cannot block 阳山县 in 荔湾区向阳山县.
    chosen = [h for h in _longest_non_overlapping(_supported(hits, text)) if not text.startswith("长", h[1])]
    unique = {name for _, _, name in chosen}
    context = [d for n in unique if len(gazetteer.candidates(n, on)) == 1 for d in gazetteer.candidates(n, on)]
    out = []
    for start, end, name in chosen:
        division = gazetteer.lookup(name, context, on)
        if division is None:
            continue
        nxt = text[end : end + 1]
        if (division.level in ("county", "district") and not gazetteer.is_full_name(name) and nxt in "县市区旗"
                and nxt and not text.startswith(_NOT_A_SUFFIX, end)):
            end, name = end + 1, name + nxt  # the full name before a renaming (…县 of a county now a …市)
        out.append(Mention(start, end, name, "Region", division.level, division))
    return out


_SUBREGION = re.compile(r"(街道|社区|苏木|嘎查|镇|乡|村)")
_SUBREGION_GENERIC = frozenset(
    lexicon.words("""城 农 山 乡 渔 小 大 本 该 全 各 新 老 边 整 此 其 两 同 每 下 回 返 家 故 驻 进 村
    城乡 乡村 山村 一个 这个 这个山
    贫困 非贫困 帮扶 结对 督战 示范 重点 试点 美丽 行政 自然 挂牌 村村 集 城 古 名 特色 易地 安置""")
)
_GENERIC_PLACES = frozenset(
    lexicon.words("乡村 农村 山村 城乡 渔村 乡镇 城镇 村镇 集镇 小镇 重镇 下乡 新村 全村 各村 该村 本村")
    + lexicon.words("进村 驻村 到村 下村 入村")
)
_SUBREGION_BAD_END = tuple(lexicon.words("贫困 帮扶 结对 督战 示范 重点 试点 美丽 行政 自然 个 乡村 城乡"))


def generic_place(core: str, suffix: str) -> bool:
    """Whether core + suffix is a kind of place rather than a place's name (贫困村, 结对村, 乡镇, 集镇)."""
    if core in _SUBREGION_GENERIC or core.endswith(_SUBREGION_BAD_END):
        return True
    # 集镇 in 李集镇 is a name's end; only what stands before it decides (贫困乡镇, 全乡镇 are kinds,
    # and so is 农业农村: an everyday word that is not a place's name before 农村)
    rest = core[:-1]
    return core[-1:] + suffix in _GENERIC_PLACES and (
        not rest or generic_place(rest, "") or _common_words().get(rest, (0, "ns"))[1][:2] not in ("ns", "nr", "nz"))


def find_subregions(text: str, divisions: list[Mention]) -> tuple[list[Mention], list[Mention]]:
    """Townships and villages; returns them and the divisions left after absorbing short forms.

    A short form directly followed by a township suffix is the township's own name (永安镇 is a
    township, not 永安市), so such divisions are removed from the list.
    """
    ends = {m.end: m for m in divisions}
    starts = [m.start for m in divisions]
    absorbed: set[int] = set()
    found: list[Mention] = []
    found_ends: dict[int, Mention] = {}  # the first found mention ending at each offset
    for match in _SUBREGION.finditer(text):
        suffix, s, e = match.group(1), match.start(), match.end()
        if _inside(starts, divisions, s):
            continue
        prev = ends.get(s) or found_ends.get(s)
        if prev is not None and prev.type == "Region" and prev.division is not None and not _full(prev):
            absorbed.add(prev.start)
            start = _scan_left(text, prev.start, ends, found, limit=3) if prev.start not in ends else prev.start
            core, parent = text[start:s], None
        else:
            start = _scan_left(text, s, ends, found, limit=5)
            core = text[start:s]
            parent = ends.get(start) or found_ends.get(start)
        if prev is None or prev.division is None or _full(prev):
            cut = trim_leading_words(core, 2)
            core, start = core[cut:], start + cut
        short_ok = len(core) == 1 and parent is not None and parent.type == "Region" and _CJK.match(core)
        if (len(core) < 2 and not short_ok) or generic_place(core, suffix):
            continue
        if not all(_CJK.match(c) for c in core) or (prev is None and re.search(r"[省市县区]", core)):
            continue
        found.append(Mention(start, e, core + suffix, "Region", lexicon.SUFFIX_LEVEL[suffix],
                             part_of=parent.name if parent else None))
        found_ends.setdefault(e, found[-1])
    kept = [m for m in divisions if m.start not in absorbed]
    return found, kept


def _full(mention: Mention) -> bool:
    """Whether a division mention uses the official full name (黑水县 rather than 黑水)."""
    return mention.division is not None and mention.division.name == mention.name


def _inside(starts: list[int], mentions: list[Mention], pos: int) -> bool:
    """Whether pos falls strictly inside one of the (sorted) mentions."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and mentions[i].start < pos < mentions[i].end


def _scan_left(text: str, pos: int, ends: dict[int, Mention], found: list[Mention], limit: int) -> int:
    """Start of a township/village core: back over CJK characters until a stop or a region."""
    start = pos
    while start > 0 and pos - start < limit:
        if start in ends or any(m.end == start for m in found[-3:]):
            break
        if _stop_word_ending_at(text, start):
            break
        if not _CJK.match(text[start - 1]):
            break
        if text[start - 1] in lexicon.CONJUNCTIONS and start >= 2 and text[start - 2] in "县市区镇乡村":
            break
        start -= 1
    if pos - start >= limit and start > 0 and _CJK.match(text[start - 1]) and start not in ends:
        return pos  # no clear left edge within reach: not a name
    return start


@cache
def _stop_lengths() -> tuple[int, ...]:
    """Distinct stop word lengths, longest first."""
    return tuple(sorted({len(w) for w in lexicon.STOP_WORDS}, reverse=True))


_NAME_TAGS = ("n", "nr", "ns", "nt", "nz", "j")


def _stop_word_ending_at(text: str, pos: int, allow: frozenset[str] = frozenset()) -> str | None:
    """The stop word that ends exactly at pos (text[pos-len:pos]), if any.

    A one-character stop word that forms a dictionary noun with the character before it (华为, 同济)
    is part of a name, not a preposition.
    """
    for n in _stop_lengths():
        if pos - n >= 0:
            word = text[pos - n : pos]
            if word in lexicon.STOP_WORDS and word not in allow:
                if n == 1 and pos >= 2 and _common_words().get(text[pos - 2 : pos], (0, "d"))[1][:1] in "anj":
                    continue
                return word
    return None


# --- organisations ----------------------------------------------------------------------------


@cache
def _suffix_re() -> re.Pattern[str]:
    """The longest organisation suffix starting at each position (a lookahead, so overlapping ones are
    all seen: 一中 and 中学 in 第一中学)."""
    suffixes = sorted(lexicon.ORG_SUFFIXES, key=len, reverse=True)
    return re.compile("(?=(" + "|".join(map(re.escape, suffixes)) + "))")


def _suffixes(text: str, tagging: Tagging | None = None) -> list[tuple[int, int, str]]:
    """(start, end, suffix) of the organisation heads in text. Of two that overlap, the one reaching
    further right is the head (第一中学 ends in 中学, not 一中); one inside another (政府 in 人民政府) is
    not a head of its own. Suffixes a title or another word follows (局长, 中学生) are left out."""
    found = [(m.start(), m.start() + len(m.group(1)), m.group(1)) for m in _suffix_re().finditer(text)]
    found = [f for f in found if not _blocked(f[2], text, f[1], tagging)]
    out: list[tuple[int, int, str]] = []
    for start, end, suffix in found:
        if out and start < out[-1][1]:
            if end <= out[-1][1]:
                continue  # inside the head before it
            out.pop()  # overlaps it and reaches further: the later one is the head
        out.append((start, end, suffix))
    return out


@cache
def _team_allow() -> frozenset[str]:
    """Assistance words that may sit inside a work team's name (彭州市对口支援黑水县工作队)."""
    words = set(lexicon.PAIRING_MODES) | {"派驻", "支援", "帮扶", "援助", "协作", "选派", "驻", "一批"}
    return frozenset(sorted(words, key=len, reverse=True))


def _blocked(suffix: str, text: str, end: int, tagging: Tagging | None = None) -> bool:
    """Whether a suffix is not a unit's head but part of another word: a title (局长, 会员, 政协委员) or,
    where the tagger read the sentence, a short word the tagger reads across the suffix's end (所有,
    委托, 组织, 大学生). Elsewhere jieba's dictionary stands in for the tagger, except for the
    prepositions and conjunctions that follow a name (协会会同, 银行为).

    This replaces per-suffix lists of characters that may not follow (局: 长势面部限 …)."""
    rest = text[end : end + 6]
    if not rest:
        return False
    if rest[0] in "长员" or text.startswith(lexicon.COMPOUND_TITLES, end - len(suffix)):
        return True
    if tagging is not None and tagging.read(end - 1, end + 1):
        return tagging.inside_word(end)
    word = text[end - 1 : end + 1]
    freq, tag = _common_words().get(word, (0, "ns"))
    return freq >= 100 and not tag.startswith(("ns", "nr", "nt", "nz")) and rest[0] not in _FOLLOWS_A_NAME


#: Characters that begin the word after a name (协会会同…, 银行为…, 中学和…), never the end of the name's head.
_FOLLOWS_A_NAME = frozenset("向为在和与同将给对从把及等于已也都还率携会")


class EndIndex(dict[int, Mention]):
    """Mentions by end offset, with the set of their start offsets: both questions in O(1)."""

    def __init__(self, mentions: list[Mention]) -> None:
        super().__init__((m.end, m) for m in mentions)
        self.starts = {m.start for m in mentions}


def _left_edge(text: str, pos: int, regions: EndIndex, allow: frozenset[str]) -> int:
    """Where an organisation name that ends its core at `pos` begins."""
    start, depth = pos, 0
    while start > 0 and pos - start < MAX_NAME:
        if start in regions:
            start = regions[start].start
            continue
        unit = next((w for w in sorted(allow, key=len, reverse=True) if text.endswith(w, 0, start)), None)
        if unit:
            start -= len(unit)
            continue
        char = text[start - 1]
        if char == ")":
            opening = text.rfind("(", max(0, start - 10), start - 1)
            if opening < 0 or not any(_CJK.match(c) for c in text[max(0, opening - 1) : opening]):
                break
            start = opening
            continue
        if not NAME_CHAR.match(char) or char == "(":
            break
        if char.isdigit():
            run = start - 1
            while run > 0 and text[run - 1].isdigit():
                run -= 1
            if run > 0 and text[run - 1] == "第":
                start = run - 1
                continue
            break
        if char in lexicon.CONJUNCTIONS and start - 1 > 0 and (
            _ends_entity(text, start - 1, regions) or start in regions.starts or _person_before(text, start - 1)
        ):
            break
        if _stop_word_ending_at(text, start, allow):
            break
        start -= 1
        depth += 1
    return start


def _person_before(text: str, pos: int) -> bool:
    """Whether text[:pos] ends with a titled person (县委书记钱某 和 …): a name never runs across one."""
    head = text[max(0, pos - 9) : pos]
    return any(head[:-n].endswith(lexicon.TITLES) and head[-n] in lexicon.SURNAMES for n in (2, 3) if len(head) > n)


def _ends_entity(text: str, pos: int, regions: EndIndex) -> bool:
    """Whether text[:pos] ends with a region or an organisation suffix (before 和/与 …)."""
    if pos in regions:
        return True
    return any(text.endswith(s, 0, pos) for s in lexicon.ORG_SUFFIXES) or text[pos - 1] in "县市区省镇乡村"


def _org_type(name: str, suffix: str) -> str:
    """Entity type from the suffix, with democratic-party committees as PartyOrganization."""
    kind = lexicon.ORG_SUFFIXES[suffix]
    if name.startswith(lexicon.DEMOCRATIC_PARTIES) and kind in ("GovernmentAgency", "PartyOrganization"):
        return "PartyOrganization"
    return kind


def find_organisations(text: str, regions: list[Mention], tagging: Tagging | None = None) -> list[Mention]:
    """Organisations and work teams by suffix, each with its region prefix kept."""
    by_end = EndIndex(regions)
    region_starts = by_end.starts
    ordered = sorted(regions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    out: list[Mention] = []
    for suffix_start, suffix_end, suffix in _suffixes(text, tagging):
        kind = lexicon.ORG_SUFFIXES[suffix]
        allow = _team_allow() if kind == "WorkTeam" else frozenset()
        start = _left_edge(text, suffix_start, by_end, allow)
        name = text[start:suffix_end]
        while name and (name[0] in "()·•和与及" or (name[0] == "同" and start + 1 in region_starts)):
            name, start = name[1:], start + 1
        if start not in region_starts and kind != "WorkTeam" and not name.startswith(
            lexicon.DEMOCRATIC_PARTIES
        ):
            cut = trim_leading_words(name, len(suffix) + 1)
            name, start = name[cut:], start + cut
        if len(name) <= len(suffix) or name.endswith(lexicon.ORG_REJECT_ENDINGS):
            if _bare_ok(text, suffix_start, suffix, kind):
                out.append(Mention(suffix_start, suffix_end, suffix, kind, bare=True))
            continue
        if re.search(r"(获评|评为|荣获|授予|获得)$", text[max(0, start - 3) : start]):
            continue  # an honour's title, not a party (获评福建省优秀援疆干部人才)
        if name[0] in lexicon.STOP_WORDS and name[0] not in lexicon.SURNAMES and start not in region_starts:
            name, start = name[1:], start + 1
            if len(name) <= len(suffix):
                continue
        elif (name[0] in lexicon.TAKES_A_POST_AT or name[0] in lexicon.STOP_WORDS) and start + 1 in region_starts \
                and kind != "WorkTeam":
            name, start = name[1:], start + 1  # 任宁陕县人民政府副县长: 任 takes the post, the name is the rest
        # the regions inside the name: a bisect into those sorted by start, not a scan of all of them
        first, last = bisect_left(starts, start), bisect_left(starts, suffix_end)
        inner = tuple(m for m in ordered[first:last] if m.end <= suffix_end)
        if suffix in lexicon.COMMON_NOUN_HEADS and not inner and len(name) < 5:
            continue
        out.append(Mention(start, suffix_end, name, _org_type(name, suffix), inner=inner))
    return _merge_overlaps(out)


_BARE_LEAD = re.compile(r"(^|[,,。;;、\s]|向|为|给|到|与|和|该|来到|走进)$")


def _bare_ok(text: str, start: int, suffix: str, kind: str) -> bool:
    """A bare 调研组 / 幼儿园 / 集团 stands for a party named nearby (the subject or an antecedent)."""
    if len(suffix) < 2 or kind not in ("WorkTeam", "School", "Hospital", "Company"):
        return False
    return bool(_BARE_LEAD.search(text[max(0, start - 2) : start]))


def _merge_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Of overlapping organisation candidates keep the one that covers the other (the longer)."""
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for m in mentions:
        if out and m.start < out[-1].end:
            if m.end > out[-1].end:
                if m.start == out[-1].start or (m.end - m.start) > (out[-1].end - out[-1].start):
                    out[-1] = m
                else:
                    out.append(m) if m.start >= out[-1].end else None
            continue
        # a later suffix whose scan reached back into the previous name (民盟大连市委 + 医药专委会)
        out.append(m)
    cleaned: list[Mention] = []
    for m in out:
        while cleaned and cleaned[-1].start >= m.start and cleaned[-1].end <= m.end:
            cleaned.pop()
        cleaned.append(m)
    return cleaned


def find_generic_parties(text: str) -> list[Mention]:
    """Unnamed collective donors (爱心企业, 社会力量) the press uses in place of a name."""
    out = []
    words = sorted(lexicon.GENERIC_PARTIES, key=len, reverse=True)
    for match in re.finditer("|".join(map(re.escape, words)), text):
        out.append(Mention(match.start(), match.end(), match.group(0), lexicon.GENERIC_PARTIES[match.group(0)]))
    return out


# --- persons ----------------------------------------------------------------------------------


@cache
def _title_re() -> re.Pattern[str]:
    """Alternation of person titles, longest first."""
    return re.compile("|".join(map(re.escape, lexicon.TITLES)))


_COLLECTIVE = frozenset(lexicon.words("全体 全部 部分 各位 相关 有关 广大 多名 一名 区委 市委 县委 党委"))
_ANY_NAME_TITLES = frozenset({"大学生", "学生", "爱心人士", "村民", "群众", "贫困户", "博士生", "研究生"})


@lru_cache(maxsize=65536)
def _tokens(window: str) -> tuple[str, ...]:
    """jieba tokens of a short window (jieba's HMM spots unseen names well)."""
    import jieba

    jieba.setLogLevel(60)
    return tuple(jieba.lcut(window, HMM=True))


def _name_after(text: str, pos: int, any_name: bool) -> str | None:
    """A person name starting at pos (after a title), 2–3 characters, or None."""
    window = text[pos : pos + 8]
    if not window or not _CJK.match(window[0]):
        return None
    if window[0] in lexicon.NAME_BREAKERS or window[0] in lexicon.STOP_WORDS:
        return None
    if not any_name and window[0] not in lexicon.SURNAMES and window[:2] not in lexicon.SURNAMES:
        return None
    name = ""
    tokens = _tokens(window)
    for i, token in enumerate(tokens):
        if not _CJK.match(token[0]) or len(name) + len(token) > 3:
            break
        if name and (len(token) > (2 if len(name) == 1 else 1) or token in lexicon.NAME_BREAKERS):
            break
        name += token
        if len(name) >= 2 and len(token) >= 2:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if len(name) == 2 and len(nxt) == 1 and _CJK.match(nxt) and nxt not in lexicon.NAME_BREAKERS:
                name += nxt
            break
    while len(name) > 2 and name[-1] in lexicon.NAME_BREAKERS:
        name = name[:-1]
    if len(name) < 2 or name in lexicon.STOP_WORDS or any(t in name for t in ("一行", "同志")):
        return None
    if name in _common_words() and (any_name or _common_words()[name][1] != "nr"):
        return None
    return name


def _name_before(text: str, pos: int, floor: int) -> str | None:
    """A person name of 2–3 characters ending at pos (before a title), starting at or after floor."""
    for size in (3, 2):
        start = pos - size
        if start < floor:
            continue
        cand = text[start:pos]
        if not all(_CJK.match(c) for c in cand) or cand[0] not in lexicon.SURNAMES:
            continue
        if start > floor and _CJK.match(text[start - 1]) and not _stop_word_ending_at(text, start):
            continue
        if any(c in lexicon.NAME_BREAKERS for c in cand[1:]) or cand in _COLLECTIVE:
            continue
        return cand
    return None


def find_persons(text: str, boundaries: list[Mention]) -> list[Mention]:
    """Named persons next to titles, plus lists of names joined by 、 after the first."""
    ends = sorted(m.end for m in boundaries)
    out: list[Mention] = []
    for match in _title_re().finditer(text):
        title, s, e = match.group(0), match.start(), match.end()
        name = _name_after(text, e, title in _ANY_NAME_TITLES)
        if name:
            out.extend(_with_list(text, Mention(e, e + len(name), name, "Person", role=title)))
            continue
        i = bisect_right(ends, s) - 1
        floor = max(ends[i] if i >= 0 else 0, s - 3)
        before = _name_before(text, s, floor)
        lead = text[s - len(before) - 1 : s - len(before)] if before else ""
        if before and ((i >= 0 and ends[i] == s - len(before)) or not _CJK.match(lead or ",")):
            out.append(Mention(s - len(before), s, before, "Person", role=title))
    for team in (m for m in boundaries if m.type == "WorkTeam"):
        name = _name_after(text, team.end, any_name=False)
        if name:
            first = Mention(team.end, team.end + len(name), name, "Person", role="队员", affiliation=team.name)
            out.extend(_with_list(text, first))
    for match in re.finditer(r"同志", text):
        i = bisect_right(ends, match.start()) - 1
        floor = max(ends[i] if i >= 0 else 0, match.start() - 3)
        name = _name_before(text, match.start(), floor)
        if name:
            out.append(Mention(match.start() - len(name), match.start(), name, "Person"))
    return _dedupe(out)


def _with_list(text: str, first: Mention) -> list[Mention]:
    """The first name and any further names listed after it with 、 (何其礼、何存荣、何永斗)."""
    out = [first]
    pos = first.end
    while pos < len(text) and text[pos] == "、":
        name = _name_after(text, pos + 1, any_name=False)
        if not name:
            break
        out.append(Mention(pos + 1, pos + 1 + len(name), name, "Person", role=first.role))
        pos = pos + 1 + len(name)
    return out


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """Drop repeated and overlapping person mentions, keeping the first found."""
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for m in mentions:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


_ITEM_SEP = re.compile(r"、|以及|及|和")
_ITEM_END = re.compile(r"等|分别|纷纷|共同|共|均|也|向|为|给|与|在|捐|援|的|先后|联合")
_ITEM_OK = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9()·&]{2,10}$")


def complete_lists(text: str, orgs: list[Mention], regions: list[Mention]) -> list[Mention]:
    """Unsuffixed names listed beside organisations are organisations too (雅马哈、玫琳凯、百雀羚).

    In an enumeration joined by 、/及/和 that holds at least one organisation found by suffix, the
    other items (2–10 name characters, no stop word) are taken as organisations of the same type.
    """
    by_span = {(m.start, m.end): m for m in orgs}
    by_end = EndIndex(regions)
    taken = {i for m in orgs for i in range(m.start, m.end)}
    whole = {(m.start, m.end) for m in regions}
    out: list[Mention] = []
    for clause in re.finditer(r"[^,,。;;!?\n:]+", text):
        items = _enumeration(text, clause.start(), clause.end(), by_end)
        if len(items) < 3:
            continue
        known = [by_span[i] for i in items if i in by_span]
        if not known:
            continue
        kind = max({m.type for m in known}, key=lambda t: sum(m.type == t for m in known))
        for start, end in items:
            name = text[start:end]
            if (start, end) in by_span or (start, end) in whole or any(i in taken for i in range(start, end)) \
                    or not _ITEM_OK.match(name):
                continue
            if any(w in name for w in ("单位", "部门", "企业", "组织", "社会")) or _stop_word_ending_at(text, end):
                continue
            out.append(Mention(start, end, name, kind))
    return out


def _enumeration(text: str, start: int, end: int, regions: EndIndex) -> list[tuple[int, int]]:
    """(start, end) of the items of the enumeration that ends a clause's first run of separators."""
    seps = [m for m in _ITEM_SEP.finditer(text, start, end)]
    if not seps:
        return []
    first_end = seps[0].start()
    first_start = _left_edge(text, first_end, regions, frozenset()) if first_end > start else first_end
    items = [(max(first_start, start), first_end)]
    for i, sep in enumerate(seps):
        nxt = seps[i + 1].start() if i + 1 < len(seps) else end
        stop = _ITEM_END.search(text, sep.end() + 2, nxt)
        if stop:
            items.append((sep.end(), stop.start()))
            break
        items.append((sep.end(), nxt))
    return [(a, b) for a, b in items if b > a]


class Spans:
    """Mentions sorted by start, for "does [start, end) overlap one of them" in O(log n + k)."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.items = sorted((m.start, m.end) for m in mentions)
        self.starts = [s for s, _ in self.items]
        self.longest = max((e - s for s, e in self.items), default=0)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end) - 1
        while i >= 0 and self.items[i][0] > start - self.longest:
            if self.items[i][1] > start:
                return True
            i -= 1
        return False


def find_known_names(text: str, persons: list[Mention], orgs: list[Mention]) -> list[Mention]:
    """Later mentions of a person already named with a title (对梦丽…给予资助)."""
    out = []
    taken = Spans(orgs)
    for name in {p.name for p in persons}:
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            if not taken.overlaps(pos, end):
                out.append(Mention(pos, end, name, "Person"))
            pos = text.find(name, end)
    return out


def find_teams_of_persons(text: str, persons: list[Mention]) -> list[Mention]:
    """A person followed by 一行 is the party the press means: 孙某一行 (a delegation) — whoever found
    the person (a title rule or the tagger)."""
    return [Mention(p.start, p.end + 2, p.name + "一行", "WorkTeam", affiliation=p.name)
            for p in persons if text.startswith("一行", p.end)]


# --- abbreviations ----------------------------------------------------------------------------

_ABBREVIABLE = ("Company", "School", "SocialOrganization", "GovernmentAgency", "Hospital")


def _abbreviates(short: str, full: str) -> bool:
    """Whether `short` is formed the usual way from `full`: its first character, then later ones in order."""
    if short[0] != full[0]:
        return False
    rest = iter(full[1:])
    return all(c in rest for c in short[1:])


def find_abbreviations(text: str, orgs: list[Mention]) -> list[Mention]:
    """Later mentions of an organisation by a two- or three-character abbreviation (国投 for 国家开发投资
    公司, 北大 for 北京大学), formed from the full name the article gave first.

    A candidate must skip a character of the name (a plain prefix such as 国家 is a word, not an
    abbreviation) unless jieba's dictionary marks it as an abbreviation (tag j); an everyday word is
    never one; and one not in the dictionary must occur twice. Abbreviations a name could share with
    another of the article's organisations are left out.
    """
    words = _common_words()
    taken = Spans(orgs)
    firsts: dict[str, int] = {}
    for m in orgs:
        if m.type in _ABBREVIABLE and len(m.name) >= 4 and not m.bare:
            firsts.setdefault(m.name, m.end)
    by_initial: dict[str, list[str]] = {}
    for name in firsts:
        by_initial.setdefault(name[0], []).append(name)
    found: dict[str, list[tuple[int, int]]] = {}
    owner: dict[str, set[str]] = {}
    for initial, names in by_initial.items():
        pos = text.find(initial)
        while pos >= 0:
            for size in (3, 2):
                short = text[pos : pos + size]
                if len(short) < size or not all(_CJK.match(c) for c in short) or taken.overlaps(pos, pos + size):
                    continue
                fulls = {n for n in names if firsts[n] <= pos and _abbreviates(short, n) and short != n}
                if fulls:
                    found.setdefault(short, []).append((pos, pos + size))
                    owner.setdefault(short, set()).update(fulls)
                    break
            pos = text.find(initial, pos + 1)
    out: list[Mention] = []
    for short, spans in found.items():
        tag = words.get(short, (0, ""))[1]
        prefix = any(n.startswith(short) for n in owner[short])
        if len(owner[short]) != 1 or (tag and tag != "j") or (prefix and tag != "j"):
            continue
        if tag != "j" and len(spans) < 2:
            continue
        full = next(iter(owner[short]))
        kind = next(m.type for m in orgs if m.name == full)
        out.extend(Mention(s, e, short, kind, short_for=full) for s, e in spans)
    return out


# --- all together -----------------------------------------------------------------------------


def find_mentions(text: str, tagging: Tagging | None = None, on: str | None = None) -> list[Mention]:
    """All top-level mentions in text order; regions inside organisations sit in `inner`. `tagging` is the
    tagger's reading of `text` when a batch was tagged together (tagger.tag_many); `on` is the article's
    date, which decides what a place name meant then (gazetteer.candidates)."""
    tagging = tagging or tag(text)
    divisions = _inside_places_named_elsewhere(text, find_divisions(text, on), tagging)
    subregions, divisions = find_subregions(text, divisions)
    regions = sorted(divisions + subregions, key=lambda m: m.start)
    orgs = find_organisations(text, regions, tagging)
    taken = Spans(orgs)
    generic = [g for g in find_generic_parties(text) if not taken.overlaps(g.start, g.start + 1)]
    orgs = orgs + complete_lists(text, orgs, regions)
    orgs = orgs + find_abbreviations(text, orgs)
    persons = find_persons(text, regions + orgs)
    persons = _dedupe(persons + find_known_names(text, persons, orgs))
    # Where the tagger segmented the sentence, a region or person name that begins or ends inside one
    # of its words (岚县 in 青岚县, 钱丽分 for 钱丽 分赴) is a gazetteer or title rule misfiring: dropped.
    regions = [m for m in regions if not tagging.contradicts(m.start, m.end)]
    persons = [m for m in persons if not tagging.contradicts(m.start, m.end, person=True)]
    orgs = [_starting_at(m, tagging.first_word_start(m.start, m.end), text) for m in orgs]
    tagged = find_tagged(tagging, regions)
    # A unit the tagger names takes precedence over a region inside its name (中山 in …中山公园管理处).
    units = [m for m in tagged if m.type not in ("Region", "Person")]
    others = [m for m in tagged if m.type in ("Region", "Person")]
    teams = find_teams_of_persons(text, persons + [m for m in others if m.type == "Person"])
    # organisations (the longest first) over persons over the tagger's units over regions, and the
    # tagger's other names where none of those stands
    ranked = sorted(orgs + teams + generic, key=lambda m: -(m.end - m.start))
    return _layer(ranked, persons, units, regions, others)


#: What ends the part of a longer place name before a known one when the two are a parent and its
#: part written together (鹭川市海港区: a city the gazetteer does not know, and its district), not
#: one place's name (青岚县): the suffix of a division from province to district.
_LEVEL_END = tuple(s for s, level in lexicon.SUFFIX_LEVEL.items() if level not in ("township", "village"))


def _inside_places_named_elsewhere(text: str, divisions: list[Mention], tagging: Tagging) -> list[Mention]:
    """A known division's name that ends a longer place name the article uses (the tagger's places
    anywhere in it) is that longer name where it stands whole: 岚县 (a county of Shanxi) in 任青岚县
    is the 青岚县 the article names elsewhere, a place the gazetteer does not know. Decided for the
    whole article, so a new place whose name ends in a known one is read the same in every sentence,
    including where the tagger ran it into the word before it. Only a name the article writes more
    than once: a tagger's reading found once may have run a word into a known place (工行四川省 of
    工行四川省分行, a bank's branch). A name whose part before the known one ends in a level (市,
    县...) or reaches back into the division before it is a parent and its part written together
    (鹭川市海港区, 吕梁市岚县), not one place."""
    places = {t.name: level for t in tagging.entities
              if (level := _place_level(t)) is not None and text.count(t.name) > 1}
    out: list[Mention] = []
    for mention in divisions:
        longer = max((name for name in places if len(name) > len(mention.name) and name.endswith(mention.name)
                      and not name[: -len(mention.name)].endswith(_LEVEL_END)
                      and text.startswith(name, mention.end - len(name))
                      and mention.end - len(name) >= (out[-1].end if out else 0)), key=len, default=None)
        if longer is None:
            out.append(mention)
            continue
        out.append(Mention(mention.end - len(longer), mention.end, longer, "Region", places[longer]))
    return out


def _starting_at(mention: Mention, start: int, text: str) -> Mention:
    """The organisation mention moved to begin at `start` (its left edge had run into a verb)."""
    if start == mention.start:
        return mention
    return replace(mention, start=start, name=text[start : mention.end],
                   inner=tuple(m for m in mention.inner if m.start >= start))


def _place_level(tagged: Tagged) -> str | None:
    """The level of a place the tagger names, by its suffix (镇 → township); None for what is not
    a place's name: no suffix, the suffix alone, or a kind of place (贫困村)."""
    suffix = REGION_SUFFIX.search(tagged.name) if tagged.tag == "LOC" else None
    if suffix is None or len(tagged.name) == len(suffix.group()):
        return None
    if generic_place(tagged.name[: suffix.start()], suffix.group()):
        return None
    return lexicon.SUFFIX_LEVEL[suffix.group()]


def find_tagged(tagging: Tagging, regions: list[Mention]) -> list[Mention]:
    """The neural tagger's names (graphkit.extract.tagger) as mentions: they fill what the rules missed."""
    ordered = sorted(regions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    out = []
    for tagged in tagging.entities:
        if tagged.tag == "PER":
            out.append(Mention(tagged.start, tagged.end, tagged.name, "Person"))
        elif tagged.tag == "LOC":
            if (level := _place_level(tagged)) is not None:
                out.append(Mention(tagged.start, tagged.end, tagged.name, "Region", level))
        else:
            first, last = bisect_left(starts, tagged.start), bisect_left(starts, tagged.end)
            inner = tuple(m for m in ordered[first:last] if m.end <= tagged.end)
            out.append(Mention(tagged.start, tagged.end, tagged.name, _tagged_org_type(tagged.name), inner=inner))
    return out


_TAGGED_TYPES = (
    ("PartyOrganization", re.compile(r"(党委|党组|党支部|总支|支部|委员会)$")),
    ("GovernmentAgency", re.compile(r"(政府|局|厅|委|办|办公室|处|部|署|院|法院|检察院|所|站|中心|馆)$")),
    ("Company", re.compile(r"(公司|集团|厂|银行|行|店|社|场|矿)$")),
    ("School", re.compile(r"(学校|中学|小学|大学|学院|幼儿园|研究院|研究所|职校|学堂)$")),
    ("Hospital", re.compile(r"(医院|卫生院|诊所|卫生室)$")),
    ("WorkTeam", re.compile(r"(队|组|团|指挥部)$")),
)


def _tagged_org_type(name: str) -> str:
    """An ORG's type from its head: a known suffix first, then the head word; associations otherwise."""
    known = max((s for s in lexicon.ORG_SUFFIXES if name.endswith(s)), key=len, default=None)
    if known:
        return _org_type(name, known)
    return next((kind for kind, head in _TAGGED_TYPES if head.search(name)), "SocialOrganization")


def _layer(*groups: list[Mention]) -> list[Mention]:
    """Merge groups of mentions into one non-overlapping list, earlier groups first: a mention that
    overlaps one already taken is dropped."""
    taken = bytearray(max((m.end for group in groups for m in group), default=0) + 1)
    out: list[Mention] = []
    for group in groups:
        for m in group:
            if any(taken[m.start : m.end]):
                continue
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
            out.append(m)
    out.sort(key=lambda m: m.start)
    return [replace(m) for m in out]
