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


#: Each name's pinyin keys once worked out (pypinyin segments a name into phrases: 200 µs a name, 4 s
#: for a 22,000-entity page). A build carries it to the next (`pinyin_memo`, `remember_pinyin`).
_PINYIN: dict[str, tuple[str, ...]] = {}


def _name_pinyin(name: str) -> tuple[str, ...]:
    found = _PINYIN.get(name)
    if found is None:
        from pypinyin import lazy_pinyin

        syllables = [re.sub(r"[^a-z0-9]", "", s.lower()) for s in lazy_pinyin(name)]
        syllables = [s for s in syllables if s]
        keys = ("".join(syllables), "".join(s[0] for s in syllables))
        found = _PINYIN[name] = tuple(dict.fromkeys(k for k in keys if k))
    return found


def pinyin_keys(names: Iterable[str]) -> list[str]:
    """Toneless pinyin and its initials for each Chinese name (黑水县 -> heishuixian, hsx).

    pypinyin ships its own dictionary; nothing is fetched.

    >>> pinyin_keys(["黑水县"])
    ['heishuixian', 'hsx']
    """
    keys: list[str] = []
    for name in names:
        if _CJK.search(name):
            keys.extend(k for k in _name_pinyin(name) if k not in keys)
    return keys


def pinyin_memo() -> dict[str, tuple[str, ...]]:
    """The pinyin worked out so far, by name (to keep beside a build)."""
    return dict(_PINYIN)


def remember_pinyin(memo: dict[str, tuple[str, ...]]) -> None:
    """Take over pinyin worked out before (a previous build's `pinyin_memo`)."""
    _PINYIN.update(memo)


def suggestions(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Up to `limit` of `candidates` a user who typed `name` most likely meant: names that contain it
    or that it contains, names that read like it in pinyin (heishui), then the closest spellings.
    Each candidate's key (and pinyin, for a name typed in Latin letters) is worked out once."""
    keys = {c: name_key(c) for c in dict.fromkeys(candidates) if c}
    key = name_key(name)
    if not key:
        return []
    out = [c for c, k in keys.items() if key in k or (len(k) >= 2 and k in key)]
    distance: dict[str, int] = {c: abs(len(k) - len(key)) for c, k in keys.items()}
    if not _CJK.search(key):
        typed = key.lower()
        for c in keys:
            read = [len(p) - len(typed) for p in pinyin_keys([c]) if p.startswith(typed)]
            distance[c] = min(read, default=99)
            if read:
                out.append(c)
    by_key = {k: c for c, k in keys.items()}
    out += [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.5)]
    out = list(dict.fromkeys(out))
    out.sort(key=lambda c: distance[c])  # in characters of the typed script: 黑水县 before 黑水县人民医院
    return out[:limit]
