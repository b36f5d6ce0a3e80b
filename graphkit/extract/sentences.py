"""Split clean text into sentences and attach the mentions that fall in each.

A headline (a short line without a full stop) is its own sentence and is flagged, because the same
gift is usually told twice — once in the headline, once in the body — and must be merged.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from graphkit.extract.entities import Mention

_SENTENCE_END = re.compile(r"(?:(?<!\d)。|。(?!\d))[。!?;!?;]*|[!?;!?;]+|\n")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the clean text: [start, end) offsets, its mentions, and whether a headline."""

    start: int
    end: int
    mentions: tuple[Mention, ...]
    headline: bool
    paragraph: int


def split(text: str, mentions: list[Mention]) -> list[Sentence]:
    """Sentences with their mentions (a mention crossing a boundary stays with its start)."""
    starts = [m.start for m in mentions]
    out: list[Sentence] = []
    paragraph, pos = 0, 0
    for match in _SENTENCE_END.finditer(text + "\n"):
        end = match.end() if match.group(0) != "\n" else match.start()
        _add(text, mentions, starts, pos, min(end, len(text)), paragraph, out)
        if "\n" in match.group(0):
            paragraph += 1
        pos = match.end()
    return out


def _add(text: str, mentions: list[Mention], starts: list[int], start: int, end: int, paragraph: int,
         out: list[Sentence]) -> None:
    """Append the sentence [start, end) unless it is blank."""
    while start < end and text[start].isspace():
        start += 1
    if start >= end:
        return
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    headline = len(line) <= 45 and not re.search(r"[。;;]", line) and start == line_start + (
        len(text[line_start:start]) - len(text[line_start:start].lstrip()))
    lo, hi = bisect_left(starts, start), bisect_left(starts, end)
    out.append(Sentence(start, end, tuple(mentions[lo:hi]), headline, paragraph))
