"""Which script an article is written in: simplified, traditional or mixed.

Uses OpenCC's own character tables: a character is "traditional-only" when t2s changes it and it is
not also a simplified form, and vice versa. Counting both is enough to tell a Big5 page from a
mainland one, and lets the normaliser skip t2s entirely on simplified text (the common case).
"""

from __future__ import annotations

import re
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
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Character classes of traditional-only and simplified-only characters."""
    ts, st = _table("TSCharacters.txt"), _table("STCharacters.txt")
    trad = {k for k, v in ts.items() if k not in v and k not in st and len(k) == 1}
    simp = {k for k, v in st.items() if k not in v and k not in ts and len(k) == 1}

    def char_class(chars: set[str]) -> re.Pattern[str]:
        return re.compile("[" + "".join(sorted(re.escape(c) for c in chars)) + "]")

    return char_class(trad), char_class(simp)


def has_traditional(text: str) -> bool:
    """Whether any traditional-only character occurs."""
    return _patterns()[0].search(text) is not None


def detect(text: str) -> str:
    """"simplified", "traditional" or "mixed", from the counts of script-specific characters."""
    trad_re, simp_re = _patterns()
    trad = len(trad_re.findall(text))
    simp = len(simp_re.findall(text))
    if trad == 0 or trad * 10 < simp:
        return "simplified"
    if simp * 10 < trad:
        return "traditional"
    return "mixed"
