"""From an article to its candidate records: `extract_text` and `extract_file`.

The steps are: decode and normalise (normalise), state the source (metadata), find the parties
(entities) and give them canonical names (canon), split sentences and apply the relation rules
(relations), then map every relation's sentence span back to the original text.
"""

from __future__ import annotations

from pathlib import Path

from graphkit.extract.canon import Canon
from graphkit.extract.confidence import DEFAULT_MIN_CONFIDENCE
from graphkit.extract.entities import find_mentions
from graphkit.extract.metadata import extract_metadata
from graphkit.extract.normalise import ArticleError, Document, decode_bytes, normalise
from graphkit.extract.relations import extract_relations
from graphkit.extract.sentences import split

__all__ = [
    "MAX_BYTES", "ArticleError", "extract_bytes", "extract_document", "extract_file", "extract_text", "read_article",
]


def _entities_used(canon: Canon, relations: list[dict]) -> list[dict]:
    """All entities, those taking part in relations first, as SCHEMA.md objects."""
    used: set[str] = set()
    for r in relations:
        used.update(v for k, v in r.items() if k in ("from", "to", "person") and isinstance(v, str))
        used.update(r.get("facilitated_by") or [])
    ordered = sorted(canon.entities.values(), key=lambda e: (e.name not in used, -e.count))
    return [e.to_json() for e in ordered]


def _finish(doc: Document, relations: list[dict]) -> list[dict]:
    """Relations with spans in original-text offsets, as JSON-ready lists."""
    out = []
    for r in relations:
        start, end = r["span"]
        r = dict(r, span=list(doc.span(start, end)))
        out.append(r)
    return out


def extract_document(doc: Document, article_id: str, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> dict:
    """The SCHEMA.md object for an already normalised document: the relations whose confidence is at
    least `min_confidence` (0 keeps every candidate), each with its rule and confidence."""
    mentions = find_mentions(doc.text)
    canon = Canon(mentions, doc.text)
    relations = extract_relations(doc.text, split(doc.text, mentions), canon)
    relations = [r for r in relations if r["confidence"] >= min_confidence]
    source = extract_metadata(doc.original, doc.plain or doc.text, doc.html_title)
    source["script"] = doc.script
    return {
        "id": article_id,
        "source": source,
        "entities": _entities_used(canon, relations),
        "relations": _finish(doc, relations),
    }


def extract_text(text: str, article_id: str = "article", min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> dict:
    """Extract one article given as decoded text (plain or HTML, either script)."""
    if not text or not text.strip():
        raise ArticleError(f"{article_id}: empty article")
    return extract_document(normalise(text), article_id, min_confidence)


#: The largest article file read by default (news pages are far smaller; --max-bytes changes it).
MAX_BYTES = 10_000_000


def read_article(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """An article file's bytes; ArticleError (naming the file) if it cannot be read or is too large."""
    path = Path(path)
    try:
        if not path.is_file():
            raise ArticleError(f"{path}: not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleError(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit (--max-bytes)")
        return path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def extract_bytes(data: bytes, path: str | Path, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> dict:
    """Extract one article from its file's bytes; `id` is the file stem."""
    return extract_document(normalise(decode_bytes(data, str(path))), Path(path).stem, min_confidence)


def extract_file(
    path: str | Path, max_bytes: int = MAX_BYTES, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> dict:
    """Extract one article file; `id` is the file stem.

    Raises ArticleError (with the path in the message) for unreadable, too large, empty, binary or
    undecodable files, so a batch can report and skip them.
    """
    return extract_bytes(read_article(path, max_bytes), path, min_confidence)
