"""Which script an article is written in: simplified, traditional or mixed.

Uses OpenCC's own character tables: a character is "traditional-only" when t2s changes it and it is
not also a simplified form, and vice versa. Counting both is enough to tell a Big5 page from a
mainland one, and lets the normaliser skip t2s entirely on simplified text (the common case).
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def _table(name: str) -> dict[str, list[str]]:
    """An OpenCC character table: character → its candidate conversions."""
    raw = resources.files("opencc").joinpath("dictionary", name).read_text("utf-8")
    table = {}
    for line in raw.splitlines():
        key, _, values = line.partition("\t")
        if key:
            table[key] = values.split()
    return table


@cache
def _characters() -> tuple[frozenset[str], frozenset[str]]:
    """Traditional-only and simplified-only characters."""
    ts, st = _table("TSCharacters.txt"), _table("STCharacters.txt")
    trad = frozenset(k for k, v in ts.items() if k not in v and k not in st and len(k) == 1)
    simp = frozenset(k for k, v in st.items() if k not in v and k not in ts and len(k) == 1)
    return trad, simp


@cache
def _deleting(chars: frozenset[str]) -> dict[int, None]:
    """A str.translate table that deletes `chars` (counting by deletion is a C loop; a regex class of
    thousands of characters took most of this module's time)."""
    return dict.fromkeys(map(ord, chars))


def _count(text: str, chars: frozenset[str]) -> int:
    return len(text) - len(text.translate(_deleting(chars)))


def has_traditional(text: str) -> bool:
    """Whether any traditional-only character occurs."""
    return not _characters()[0].isdisjoint(text)


def detect(text: str) -> str:
    """"simplified", "traditional" or "mixed", from the counts of script-specific characters.

    >>> detect("青岚县人民医院"), detect("青嵐縣人民醫院")
    ('simplified', 'traditional')
    """
    trad_chars, simp_chars = _characters()
    trad, simp = _count(text, trad_chars), _count(text, simp_chars)
    if trad == 0 or trad * 10 < simp:
        return "simplified"
    if simp * 10 < trad:
        return "traditional"
    return "mixed"
