"""Changes of China's administrative divisions over time: which division a former name became.

The gazetteer (`graphkit.gazetteer`) knows today's divisions; articles and official lists use the
names of their day (襄樊市 until 2010, 林芝地区 and 林芝县 until 2015, 米林县 …). Two tables say what
became of such names, read here as `Change` rows (date, full names before, full names after, source):

* jionlp's table of changes approved 2002–2023 (county → city, county → district, mergers and
  renames), copied verbatim with its Apache-2.0 licence into ``gazetteer_data/``: jionlp is the
  library Chinese NLP work uses for places, but installing it (16 MB with its tokenizer, numpy and
  requests) for one 12 KB table is not worth it, and its loader is not needed;
* graphkit's own rows for changes that table lacks (the prefectures of 西藏 and 甘肃 that became
  cities), each with the public report it was read from.

The gazetteer resolves the names after a change to today's divisions; this module only reads the
tables, so it has no other dependency::

    >>> row = next(c for c in changes() if c.before[-1] == "林芝县")
    >>> row.date, row.after, row.source.split("，")[0]
    ('2015-04', ('西藏自治区', '林芝市', '巴宜区'), '“西藏江南”林芝撤地设市')
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

_JIONLP = "jionlp_china_location_change.txt"
_CURATED = "division_changes.csv"


@dataclass(frozen=True)
class Change:
    """One change: the division named by the full names `before` (province first, down to the changed
    division) is, from `date` on (as precise as the source: year, month or day), the one named by
    `after`; `source` says where the row comes from."""

    date: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    source: str


def _text(name: str) -> str:
    return resources.files("graphkit").joinpath("gazetteer_data", name).read_text("utf-8")


def _jionlp_rows(text: str) -> list[Change]:
    """jionlp's lines: date, approver, then full and short name of each level before, "=>", then the
    full names after (the short name of the last level before is glued to the arrow)."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        left, _, right = line.partition("=>")
        fields = left.split("\t")
        if not right or len(fields) < 4:
            raise ValueError(f"gazetteer_data/{_JIONLP}, line {number}: not a change (date, approver, names => names)")
        before = tuple(fields[2::2])
        after = tuple(right.split("\t"))
        out.append(Change(fields[0], before, after, f"jionlp china_location_change.txt, line {number} ({fields[1]})"))
    return out


def _curated_rows(text: str) -> list[Change]:
    """graphkit's rows, each citing its report: title, publisher, date of publication and URL."""
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        source = f"{row['title']}，{row['publisher']}，{row['published']}，{row['url']}"
        out.append(Change(row["date"], tuple(row["before"].split("/")), tuple(row["after"].split("/")), source))
    return out


@cache
def changes() -> tuple[Change, ...]:
    """Every known change, oldest first (read once)."""
    rows = _jionlp_rows(_text(_JIONLP)) + _curated_rows(_text(_CURATED))
    return tuple(sorted(rows, key=lambda c: (c.date, c.before)))
