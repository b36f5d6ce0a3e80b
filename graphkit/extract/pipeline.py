"""From an article to its candidate records: `extract_text` and `extract_file`.

The steps are: decode and normalise (normalise), state the source (metadata), find the parties
(entities) and give them canonical names (canon), split sentences and apply the relation rules
(relations), then map every relation's sentence span back to the original text.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from graphkit import apart
from graphkit.extract.canon import Canon
from graphkit.extract.confidence import DEFAULT_MIN_CONFIDENCE
from graphkit.extract.entities import find_mentions
from graphkit.extract.metadata import extract_metadata
from graphkit.extract.normalise import MAX_BYTES, ArticleError, Document, decode_bytes, normalise
from graphkit.extract.relations import extract_relations
from graphkit.extract.sentences import split
from graphkit.extract.tagger import Tagging, tag_many

__all__ = [
    "CHUNK", "MAX_BYTES", "ArticleError", "Batch", "extract_bytes", "extract_document", "extract_file", "extract_text",
    "read_article",
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


def extract_document(
    doc: Document, article_id: str, min_confidence: float = DEFAULT_MIN_CONFIDENCE, tagging: Tagging | None = None
) -> dict:
    """The SCHEMA.md object for an already normalised document: the relations whose confidence is at
    least `min_confidence` (0 keeps every candidate), each with its rule and confidence. `tagging` is the
    tagger's reading of `doc.text` when it was read with other articles (`Batch`)."""
    source = extract_metadata(doc.original, doc.plain or doc.text, doc.html_title)
    mentions = find_mentions(doc.text, tagging, on=source.get("date"))
    canon = Canon(mentions, doc.text)
    relations = extract_relations(doc.text, split(doc.text, mentions), canon)
    relations = [r for r in relations if r["confidence"] >= min_confidence]
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


#: How many articles a `Batch` reads and tags together: enough for the tagger's batches to fill, few
#: enough that a batch of thousands never holds more than this many articles in memory.
CHUNK = 32


class Batch:
    """Extract many article files, tagging a chunk of them together (the tagger is most of extraction's
    time and runs about twice as fast on many articles' sentences at once), and with `jobs` > 1 several
    chunks at once in worker processes, each loading the tagger once. Callers ask for one file at a
    time, in the order given, and get exactly what `extract_file` would give, or its ArticleError; a
    file that fails does not affect the others of its chunk.

    With `beside`, a batch too small for the workers (fewer than `jobs` full chunks) has its first
    chunk extracted in a child process started at once (graphkit.apart) when `jobs` > 1, while the
    caller does other work: `graphkit ingest` reads data/ meanwhile (a second each, at a million
    triples, for the data and for the tagger's and gazetteer's first use).

    >>> Batch([], max_bytes=MAX_BYTES).pending
    0
    """

    def __init__(self, paths: list[Path], max_bytes: int = MAX_BYTES,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE, chunk: int = CHUNK, jobs: int = 1,
                 beside: bool = False) -> None:
        self.paths = [Path(p) for p in paths]
        self.max_bytes, self.min_confidence = max_bytes, min_confidence
        self.chunk = chunk
        self.position = {path: i for i, path in reversed(list(enumerate(self.paths)))}
        self.done: dict[Path, tuple[dict, bytes] | Exception] = {}
        groups = [self.paths[i : i + self.chunk] for i in range(0, len(self.paths), self.chunk)]
        self.jobs = jobs if self.fills_workers(len(self.paths), jobs, chunk) else 1
        self._pool: Executor | None = None
        self._futures: dict[Path, Future[dict[Path, tuple[dict, bytes] | Exception]]] = {}
        self._ahead: apart.Call[dict[Path, tuple[dict, bytes] | Exception]] | None = None
        if beside and self.jobs == 1 < jobs and groups:
            self._ahead = apart.call(extract_group, groups[0], max_bytes, min_confidence)
        if self.jobs > 1:
            import multiprocessing

            # spawn, not fork: the tagger's ONNX runtime must not be copied mid-flight into a child
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"))
            for group in groups:
                future = self._pool.submit(extract_group, group, max_bytes, min_confidence)
                for path in group:
                    self._futures.setdefault(path, future)

    @staticmethod
    def fills_workers(count: int, jobs: int, chunk: int = CHUNK) -> bool:
        """Whether `count` articles are worth `jobs` worker processes: a worker costs seconds to start
        (imports, the tagger), so only with a full chunk each."""
        return count >= jobs * chunk

    @property
    def pending(self) -> int:
        """Results extracted ahead and not yet handed out."""
        return len(self.done)

    def extract(self, path: Path) -> tuple[dict, bytes]:
        """The record of `path` and the file's bytes; raises its ArticleError (or extraction error)."""
        path = Path(path)
        if path not in self.done and self._ahead is not None and self.position.get(path, self.chunk) < self.chunk:
            ahead, self._ahead = self._ahead, None
            self.done.update(ahead.result())
        if path not in self.done:
            future = self._futures.pop(path, None)
            if future is not None:
                self.done.update(future.result())
            else:
                first = self.position.get(path, -1)
                group = self.paths[first : first + self.chunk] if first >= 0 else [path]
                self.done.update(extract_group(group, self.max_bytes, self.min_confidence))
        result = self.done.pop(path)
        if isinstance(result, Exception):
            raise result
        return result

    def close(self) -> None:
        """Stop the worker processes (what they have not done yet is dropped)."""
        if self._ahead is not None:
            self._ahead.cancel()
            self._ahead = None
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def extract_group(
    paths: list[Path], max_bytes: int, min_confidence: float
) -> dict[Path, tuple[dict, bytes] | Exception]:
    """Extract a chunk of articles, tagged together; each file's record and bytes, or its error (made
    picklable, since it may come back from a worker process)."""
    done: dict[Path, tuple[dict, bytes] | Exception] = {}
    docs: list[tuple[Path, bytes, Document]] = []
    for item in dict.fromkeys(paths):
        try:
            data = read_article(item, max_bytes)
            docs.append((item, data, normalise(decode_bytes(data, str(item)))))
        except Exception as exc:  # reported when the caller asks for this file
            done[item] = _portable(exc)
    try:
        taggings: list[Tagging | None] = list(tag_many([doc.text for _, _, doc in docs]))
    except Exception:  # then each article is tagged alone, and a failure stays with its article
        taggings = [None] * len(docs)
    for (item, data, doc), tagging in zip(docs, taggings, strict=True):
        try:
            done[item] = (extract_document(doc, item.stem, min_confidence, tagging), data)
        except Exception as exc:
            done[item] = _portable(exc)
    return done


def _portable(exc: Exception) -> Exception:
    """The error itself when it survives pickling, else a RuntimeError that says the same."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
