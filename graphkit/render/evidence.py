"""The sentence of an article that states an event: what the page's panel quotes as evidence.

Facts carry their source and the span of the article that states them, but article texts are not
part of data/ (they are the publishers' text; graphkit keeps facts). When the articles are at hand at
build time (`graphkit build --articles DIR`), the page quotes, for each event, the sentence or
sentences its span covers, so a reader checks the fact without leaving the page. An article is found
by the sha256 its source records (renamed copies still match) or, for a source without one, by its
file name; a text whose hash differs from the recorded one is not quoted, since its offsets would
point at other words.

>>> quote("第一句。鹭川市向青岚县捐赠50万元。第三句", 4, 18)
'鹭川市向青岚县捐赠50万元。'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.files import version

#: Where a sentence ends in Chinese and mixed text.
ENDS = "。！？!?；;\n"
#: The longest quote, in characters: a span over several paragraphs is cut with an ellipsis.
LONGEST = 360


def quote(text: str, start: int, end: int) -> str:
    """The whole sentences of `text` that the span [start, end) touches, stripped, at most LONGEST."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    begin = max((text.rfind(mark, 0, start) for mark in ENDS), default=-1) + 1
    stops = [i for i in (text.find(mark, max(end - 1, start)) for mark in ENDS) if i >= 0]
    finish = min(stops) + 1 if stops else len(text)
    sentence = text[begin:finish].strip()
    return sentence if len(sentence) <= LONGEST else sentence[: LONGEST - 1] + "…"


@dataclass
class Articles:
    """Article texts (.txt files, folders searched recursively), found by hash or by name."""

    folder: Path
    by_hash: dict[str, Path] = field(default_factory=dict)
    by_name: dict[str, Path] = field(default_factory=dict)
    _texts: dict[Path, str] = field(default_factory=dict)

    @classmethod
    def scan(cls, *places: Path) -> Articles:
        """The .txt files of these folders (recursively) and these files, the first of a name winning."""
        found = cls(Path(places[0]) if places else Path())
        for place in map(Path, places):
            for path in sorted(place.rglob("*.txt")) if place.is_dir() else [place]:
                found.by_hash.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
                found.by_name.setdefault(path.name, path)
        return found

    def text(self, sha256: str | None, names: Iterable[str]) -> str | None:
        """The article with this hash; without a recorded hash, the first of `names` present."""
        path = self._path(sha256, names)
        if path is None:
            return None
        if path not in self._texts:  # decoded as ingest decodes it (UTF-8, UTF-16, GBK …): spans are into that
            from graphkit.extract.normalise import ArticleError, decode_bytes

            try:
                self._texts[path] = decode_bytes(path.read_bytes(), str(path))
            except ArticleError:
                self._texts[path] = ""
        return self._texts[path] or None

    def found(self, sha256: str | None, names: Iterable[str]) -> str | None:
        """Which text `text` gives, as a key that changes whenever what it gives may: the hash it was
        found by, or the file found by name with its version; None for none (a page carries an
        event's quote over while this is the same)."""
        path = self._path(sha256, names)
        if path is None or sha256:
            return sha256 if path is not None else None
        try:
            return f"{path}:{':'.join(map(str, version(path)))}"
        except OSError:
            return None

    def _path(self, sha256: str | None, names: Iterable[str]) -> Path | None:
        if sha256:
            return self.by_hash.get(sha256)
        return next((self.by_name[n] for n in names if n in self.by_name), None)


__all__ = ["LONGEST", "Articles", "quote"]
