"""How names are compared, searched and suggested: the one rule for "the same name".

A name typed by a user, written in an article or stored in data/ may differ in script (黑水縣 /
黑水县), in width (ＡＢＣ, full-width brackets) and in spaces; `name_key` folds all three, and every
comparison of names (entity linking at ingest, the extractor's evaluation, resolving a name a command
is given) uses it. `pinyin_keys` gives the toneless pinyin a search box accepts (heishui, hsx), and
`suggestions` the names closest to one that matched nothing, for a "did you mean" answer.

>>> name_key("黑水縣 人民政府")
'黑水县人民政府'
>>> suggestions("黑水", ["黑水县", "理县", "茂县"])
['黑水县']
>>> suggestions("heishui", ["黑水县", "理县"])
['黑水县']
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["name_key", "pinyin_keys", "suggestions"]

_CJK = re.compile(r"[\u4e00-\u9fff]")


def name_key(name: str | None) -> str:
    """The form under which two names are the same: NFKC width, simplified script, no spaces."""
    from graphkit.extract.normalise import to_simplified

    text = unicodedata.normalize("NFKC", name or "")
    return to_simplified("".join(text.split()))


def pinyin_keys(names: Iterable[str]) -> list[str]:
    """Toneless pinyin and its initials for each Chinese name (黑水县 -> heishuixian, hsx).

    pypinyin ships its own dictionary; nothing is fetched.

    >>> pinyin_keys(["黑水县"])
    ['heishuixian', 'hsx']
    """
    from pypinyin import lazy_pinyin

    keys: list[str] = []
    for name in names:
        if not _CJK.search(name):
            continue
        syllables = [re.sub(r"[^a-z0-9]", "", s.lower()) for s in lazy_pinyin(name)]
        syllables = [s for s in syllables if s]
        for key in ("".join(syllables), "".join(s[0] for s in syllables)):
            if key and key not in keys:
                keys.append(key)
    return keys


def suggestions(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Up to `limit` of `candidates` a user who typed `name` most likely meant: names that contain it
    or that it contains, names that read like it in pinyin (heishui), then the closest spellings."""
    pool = list(dict.fromkeys(c for c in candidates if c))
    key = name_key(name)
    if not key:
        return []
    out = [c for c in pool if key in name_key(c) or (len(name_key(c)) >= 2 and name_key(c) in key)]
    if not _CJK.search(key):
        typed = key.lower()
        out += [c for c in pool if any(k.startswith(typed) for k in pinyin_keys([c]))]
    keys = {name_key(c): c for c in pool}
    out += [keys[k] for k in difflib.get_close_matches(key, list(keys), n=limit, cutoff=0.5)]
    out = list(dict.fromkeys(out))
    out.sort(key=lambda c: _distance(key, c))
    return out[:limit]


def _distance(key: str, candidate: str) -> int:
    """How far a candidate is from what was typed, in characters of the same script (so that 黑水县
    comes before 黑水县人民医院 for both 黑水 and heishui)."""
    if _CJK.search(key):
        return abs(len(name_key(candidate)) - len(key))
    typed = key.lower()
    return min((len(k) - len(typed) for k in pinyin_keys([candidate]) if k.startswith(typed)), default=99)
