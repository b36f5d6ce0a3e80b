"""`graphkit ingest`: extract articles into the dataset as records nobody has reviewed yet, then rebuild.

Each article becomes `data/sources/<file stem>.yaml` with `status: extracted`; the entities it introduces
go to a second register, `data/extracted/entities.yaml`. Curated records always win:

- an article whose source file is already `status: reviewed` is left alone ("curated version kept");
- a name that equals (after t2s and space removal) the id, name or alias of a curated entity, or a
  region with the same administrative code, links to that entity, which is never modified;
- otherwise an extracted entity with the same name and type is reused, else a new one is added, with
  the gazetteer chain of a region up to its province so that roll-ups work.

Everything is deterministic, so ingesting the same article twice writes the same bytes (and then
writes nothing). All new file contents are computed first and checked in a staged copy of data/
(loaded, SHACL-validated and, unless `--no-build`, built into out/); only then are they written, each
atomically, so a failure leaves data/ as it was.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit.conversion import record_to_source
from graphkit.dataset import (
    EXTRACTED_REGISTER,
    DataError,
    entities_to_yaml,
    load,
    source_to_yaml,
)
from graphkit.extract.confidence import DEFAULT_MIN_CONFIDENCE
from graphkit.extract.normalise import ArticleError
from graphkit.extract.pipeline import MAX_BYTES, Batch
from graphkit.linking import Register, register_order
from graphkit.manifest import link
from graphkit.model import (
    Dataset,
    Entity,
    Source,
)
from graphkit.progress import with_progress
from graphkit.publish import staging_folder, write_together

if TYPE_CHECKING:
    from graphkit.build import StagedBuild

ADDED, UPDATED, UNCHANGED, KEPT, FAILED = "added", "updated", "unchanged", "kept-curated", "failed"

SOURCE_HEADER = (
    "# Extracted by `graphkit ingest` from {file}; NOT REVIEWED. Check every event against the article\n"
    "# text at its span ([start, end) character offsets), fix it, then set `status: reviewed` (docs/ingest.md).\n"
)
REGISTER_HEADER = (
    "# Entities added by `graphkit ingest` (status: extracted), managed by it: unreferenced ones are removed.\n"
    "# To review one, move it into data/entities.yaml and delete it here (docs/ingest.md).\n"
)


class IngestError(RuntimeError):
    """The batch could not be added; data/ is untouched."""

    def __init__(self, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.details = details


@dataclass
class FileReport:
    """What happened to one article file."""

    path: Path
    status: str
    source_id: str | None = None
    events: Counter[str] = field(default_factory=Counter)
    new_entities: list[str] = field(default_factory=list)
    skipped_relations: int = 0
    message: str | None = None


@dataclass
class IngestReport:
    """The outcome of a batch: one report per file, the files written and the build (if any)."""

    files: list[FileReport]
    written: list[Path] = field(default_factory=list)
    build: Any = None

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == FAILED]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


@lru_cache(maxsize=65536)
def source_text(source: Source) -> str:
    """The file content of an extracted source: a header for the reviewer, then the records."""
    return SOURCE_HEADER.format(file=source.file) + source_to_yaml(source)


def register_text(entities: Iterable[Entity]) -> str:
    return REGISTER_HEADER + entities_to_yaml(sorted(entities, key=register_order))


def named_in(sources: Iterable[Source]) -> Counter[str]:
    """How many events of `sources` name each entity (as graphkit.tallies counts events by party)."""
    return Counter(party for source in sources for event in source.events for party in dict.fromkeys(event.parties))


def referenced(named: Iterable[str], entities: dict[str, Entity]) -> set[str]:
    """Every entity of `named` (those some event names: `named_in`), with everything those and the
    curated entities link to."""
    stack = [*named, *(e.id for e in entities.values() if e.status != "extracted")]
    seen: set[str] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        entity = entities.get(current)
        if entity is not None:
            stack.extend(link for link in (entity.part_of, entity.located_in, entity.member_of) if link)
    return seen


def _expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    """The files, each once, in the given order."""
    seen: set[str] = set()
    for item in paths:
        path = Path(item)
        key = os.path.realpath(path)  # unlike Path.resolve, never raises (a symlink loop is read, and reported, later)
        if key not in seen:
            seen.add(key)
            yield path


@dataclass
class _Plan:
    """The new state of data/: file contents to write, in order."""

    writes: list[tuple[Path, str]]
    entities: set[str]  # the ids of the extracted register after the batch


def _plan(
    data_dir: Path, dataset: Dataset, register: Register, sources: dict[str, Source], named: Counter[str] | None
) -> _Plan:
    """The file contents after the batch: changed sources and the pruned extracted register.

    `named` counts the events of data/ naming each entity when `dataset` holds only some of its
    sources (graphkit.build.load_naming): those the batch replaces are counted out, their new versions in.
    When entities are removed, the register is first written with old and new entities together, so
    that data/ stays loadable at every step even if the process dies between two writes.
    """
    if named is None:
        naming = named_in({**dataset.sources, **sources}.values())
    else:
        naming = Counter(named)
        naming.subtract(named_in(dataset.sources[i] for i in sources if i in dataset.sources))
        naming.update(named_in(sources.values()))
    everything = {**register.curated, **register.extracted}
    keep = referenced((entity for entity, count in naming.items() if count > 0), everything)
    final = {i: e for i, e in register.extracted.items() if i in keep}
    old = {i: e for i, e in dataset.entities.items() if e.status == "extracted"}
    union = {**old, **final}
    path = data_dir / EXTRACTED_REGISTER
    before: list[tuple[Path, str]] = []
    after: list[tuple[Path, str]] = []
    if union != old:
        before.append((path, register_text(union.values())))
    if final != union:
        after.append((path, register_text(final.values())))
    middle = []
    for source_id, source in sources.items():
        target = data_dir / "sources" / f"{source_id}.yaml"
        text = source_text(source)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            middle.append((target, text))
    return _Plan(before + middle + after, set(final))


def stage_data(data_dir: Path, writes: list[tuple[Path, str]], tmp: Path) -> Path:
    """A copy of data/ with the writes applied: the files it does not write are hard links (copying
    5,000 source files took 2.5 s), each written file a new file, never written through a link."""
    staged = tmp / "data"
    # folders are made anew (writable even when data/'s are not); files are linked, or copied
    shutil.copytree(data_dir, staged, ignore=shutil.ignore_patterns(".*"),
                    copy_function=lambda source, target: link(Path(source), Path(target)))
    for folder in (staged, *(p for p in staged.rglob("*") if p.is_dir())):
        folder.chmod(0o755)
    for path, text in writes:
        target = staged / path.relative_to(data_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # a link to data/'s file: the new text goes to a file of its own
        target.write_text(text, encoding="utf-8")
    return staged


@contextmanager
def checked_build(
    staged: Path, out_dir: Path, rebuild: bool, store: str | None, articles: Sequence[Path] = (),
    jobs: int | None = None,
) -> Iterator[StagedBuild | None]:
    """Load and validate the staged data; when asked, build out/ from it, staged but not yet published
    (its page quoting the sentences of `articles`, files or folders of article texts; `jobs` as
    `graphkit.build.build`'s)."""
    from graphkit.build import BuildError, staged_build, validate_dataset
    from graphkit.render import page_view, page_view_quoting

    try:
        if rebuild:
            view = page_view_quoting(*articles) if articles else page_view
            with staged_build(staged, out_dir, store=store, views=[view], jobs=jobs) as build:
                yield build
            return
        validation = validate_dataset(load(staged))
        if not validation.conforms:
            raise BuildError("the graph does not conform to ontology/shapes.ttl", validation)
    except BuildError as exc:
        details = exc.validation.text if exc.validation is not None else None
        raise IngestError(f"nothing was added: {exc}", details) from None
    yield None


def ingest(
    files: Iterable[Path | str],
    data_dir: Path | str = "data",
    out_dir: Path | str = "out",
    rebuild: bool = True,
    store: str | None = None,
    progress: bool = False,
    max_bytes: int = MAX_BYTES,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    jobs: int = 1,
    articles: Path | None = None,
) -> IngestReport:
    """Extract `files` into `data_dir` as unreviewed records and (unless `rebuild` is false) rebuild.

    Raises DataError when data/ is invalid to begin with, IngestError when the result would not
    validate; in both cases nothing is written. `jobs` processes work at once: extracting articles,
    and reading data/ and drawing the page as `graphkit.build.build` does.
    The rebuilt page quotes each event's sentence from the ingested files and from `articles` (a
    folder of the other sources' texts, as `graphkit build --articles`).
    """
    from graphkit.build import collector_paused, load_naming

    with collector_paused():  # as a build: see there
        data_dir, out_dir = Path(data_dir), Path(out_dir)
        paths = list(_expand(files))
        reports: list[FileReport] = []
        sources: dict[str, Source] = {}
        by_id: dict[str, FileReport] = {}
        # Few articles (too few for the workers) are read in a child while data/ is read here; many, by
        # the workers once data/ says which are curated (those are left alone, and never read).
        few = not Batch.fills_workers(len(paths), jobs)
        with Batch(paths if few else [], max_bytes, min_confidence, jobs=jobs, beside=True) as early:
            # the register and the sources the batch may replace, as the published build kept them
            dataset, named = load_naming(data_dir, out_dir, [path.stem for path in paths], jobs)
            register = Register(dataset)
            curated = {i for i, source in dataset.sources.items() if source.status != "extracted"}
            late = [] if few else [p for p in paths if p.stem not in curated]
            with Batch(late, max_bytes, min_confidence, jobs=jobs) as batch:
                for path in with_progress(paths, "ingesting", enabled=progress):
                    reports.append(_ingest_one(path, dataset, register, sources, by_id, early if few else batch))
        with staging_folder(data_dir) as tmp:
            plan, staged = _settle(data_dir, dataset, named, register, sources, by_id, tmp)
            # data/ changes as a whole (a journal), then out/ switches to the build made from it: a kill
            # leaves each folder old or new, and out/ is never newer than data/.
            texts = [*(p for p in paths if p.is_file()), *([Path(articles)] if articles else [])]
            with checked_build(staged, out_dir, rebuild, store, texts, jobs) as build:
                write_together(data_dir, plan.writes)
                result = build.publish() if build is not None else None
        _finish_reports(data_dir, dataset, register, sources, by_id, plan)
        return IngestReport(reports, list(dict.fromkeys(p for p, _ in plan.writes)), result)


def _ingest_one(
    path: Path, dataset: Dataset, register: Register, sources: dict[str, Source], by_id: dict[str, FileReport],
    batch: Batch,
) -> FileReport:
    source_id = path.stem
    if source_id in by_id:
        other = by_id[source_id].path
        return FileReport(path, FAILED, source_id, message=f"{path}: same id {source_id!r} as {other} in this batch")
    existing = dataset.sources.get(source_id)
    if existing is not None and existing.status != "extracted":
        report = FileReport(path, KEPT, source_id, message="curated version kept")
        by_id[source_id] = report
        return report
    try:
        record, data = batch.extract(path)
    except ArticleError as exc:
        return FileReport(path, FAILED, source_id, message=str(exc))
    except Exception as exc:  # an extractor bug on one article must not stop the batch
        return FileReport(path, FAILED, source_id, message=f"{path}: extraction failed ({type(exc).__name__}: {exc})")
    try:
        source, skipped = record_to_source(record, register, path, hashlib.sha256(data).hexdigest())
    except Exception as exc:  # the same for a bug in turning the record into events
        return FileReport(path, FAILED, source_id, message=f"{path}: not added ({type(exc).__name__}: {exc})")
    sources[source_id] = source
    report = FileReport(path, ADDED, source_id, skipped_relations=skipped)
    by_id[source_id] = report
    return report


def _settle(
    data_dir: Path, dataset: Dataset, named: Counter[str] | None, register: Register, sources: dict[str, Source],
    by_id: dict[str, FileReport], tmp: Path,
) -> tuple[_Plan, Path]:
    """Plan the writes and stage them in `tmp`; returns the plan and the staged data folder.

    A new source file that would not load is dropped (and reported as failed) and the rest planned again.
    `named` is `_plan`'s: the staged data/'s sources that `dataset` leaves out are not read again.
    """
    for attempt in itertools.count():
        plan = _plan(data_dir, dataset, register, sources, named)
        staged = stage_data(data_dir, plan.writes, tmp / f"attempt-{attempt}")
        written = {path.stem for path, _ in plan.writes if path.parent == data_dir / "sources"}
        curated = {i: e for i, e in dataset.entities.items() if e.status != "extracted"}  # ingest never writes it
        others = [] if named is None else [path.stem for path in (staged / "sources").glob("*.yaml")
                                            if path.stem not in dataset.sources and path.stem not in written]
        try:  # the sources it does not write were checked when data/ was read: only references are checked again
            load(staged, sources={i: s for i, s in dataset.sources.items() if i not in written}, curated=curated,
                 deferred=others)
            return plan, staged
        except DataError as exc:
            culprit = Path(exc.path)
            source_id = culprit.stem if culprit.parent == staged / "sources" else None
            message = str(exc).replace(str(staged), str(data_dir))
            if source_id not in sources:
                raise IngestError(f"nothing was added: the result would not load: {message}") from None
            del sources[source_id]
            report = by_id[source_id]
            report.status, report.message = FAILED, f"{report.path}: not added: {message}"
            shutil.rmtree(staged, ignore_errors=True)
    raise AssertionError("unreachable")


def _finish_reports(
    data_dir: Path, dataset: Dataset, register: Register, sources: dict[str, Source],
    by_id: dict[str, FileReport], plan: _Plan,
) -> None:
    written = {p for p, _ in plan.writes}
    for source_id, source in sources.items():
        report = by_id[source_id]
        path = data_dir / "sources" / f"{source_id}.yaml"
        if path not in written:
            report.status = UNCHANGED
        else:
            report.status = UPDATED if source_id in dataset.sources else ADDED
            report.events = Counter(event.type for event in source.events)
        report.new_entities = sorted(
            i for i, creator in register.creator.items()
            if creator == source_id and i in plan.entities and i not in dataset.entities
        )
