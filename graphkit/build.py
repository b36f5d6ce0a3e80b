"""`graphkit build`: data/ -> validated graph (Turtle, N-Quads, SHACL report, store).

Views of the graph (the interactive page) are not this module's business: a caller passes them as
`views`, each writing its files from the filled store into the same build folder, so they are
published with the graph they show (the command line's `build` and `ingest` pass the page).

Everything is produced in a new build folder (out/.builds/<id>/) and published in one rename only
when the whole build has succeeded (graphkit.publish), so a failure (bad data, a graph that breaks
the SHACL shapes) or a kill at any moment never leaves a half-written graph behind and never
replaces the previous good one.

A build starts from the published one when it can (graphkit.manifest): each source is its own named
graph and its own N-Quads chunk, so only the sources whose files changed are read, checked, mapped,
validated and replaced in a checkpoint of the previous store; the register's graph is redone when a
register file changed, the roll-ups and the views always. `full=True` (`graphkit build --full`)
redoes everything, and gives the same graph.nq byte for byte.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph, URIRef

from graphkit import apart, gazetteer
from graphkit import dataset as data_io
from graphkit import publish as publishing
from graphkit.manifest import Manifest, link, read_records, write_records, write_register_changes
from graphkit.model import Dataset, Entity, Source
from graphkit.ontology import ENTITIES_GRAPH, ONTOLOGY_GRAPH, PREFIXES, ontology_graph, source_graph
from graphkit.rdf_mapping import Quad, dataset_quads, register_triples, source_graph_triples, to_nquads
from graphkit.shacl_sparql import compiled, report_graph, report_text
from graphkit.store import Store, StoreSpec
from graphkit.store.oxigraph import OxigraphStore
from graphkit.tallies import ROLLUPS_GRAPH, Totals, compute_totals, recount, rollup_quads
from graphkit.validate import Validation

GRAPH_TTL = "graph.ttl"
GRAPH_NQ = "graph.nq"
REPORT = "validation.ttl"
STORE_DIR = "store"


#: A view of the built graph: writes its files into the build folder from the filled store, whose
#: records' graphs (the register's, the sources') and ontology are this build's. It is called in a
#: process of its own for a large graph (picklable: a module-level function, or a partial of one),
#: and it does not read the roll-ups, which are worked out while it draws. Its module may offer
#: `read_ahead(previous)`, which that process runs, while this one reads data/, to read what the view
#: will take over from the published build `previous` (graphkit.render's memos), and
#: `read_graphs_ahead(sources, register)`, which it runs while this one fills the store, to read what
#: the view would read of the graphs this build wrote from their N-Quads chunks ({source id: path},
#: and the register's chunks when the build redoes them all).
View = Callable[[Store, Path], None]


class BuildError(RuntimeError):
    """The build stopped; the previous output is untouched."""

    def __init__(self, message: str, validation: Validation | None = None) -> None:
        super().__init__(message)
        self.validation = validation


@dataclass
class BuildResult:
    """What a build produced, for the command line and for tests."""

    out_dir: Path
    plan: Plan = field(repr=False)
    quads: int
    validation: Validation
    files: list[Path] = field(default_factory=list)
    store: str = ""
    #: The sources whose graphs this build redid (all of them for a full build), and whether it was one.
    redone: list[str] = field(default_factory=list)
    full: bool = True
    #: How many events the graph holds (counted with the roll-ups).
    events: int = 0

    @property
    def dataset(self) -> Dataset:
        """The records of data/ the graph was built from. An edit reads only the sources that changed
        (`Plan.kept_hold`): the others' records are read when asked for, from the build before."""
        self.plan.add_kept()
        return self.plan.dataset

    def counts(self) -> str:
        """What the graph holds, as the command line reports it."""
        entities, sources = len(self.plan.dataset.entities), len(self.plan.manifest.sources)
        return f"{entities} entities, {self.events} events from {sources} sources"


def ontology_quads() -> list[Quad]:
    """The ontology and the SKOS modes, in their own graph so queries can read labels of terms."""
    triples = sorted(ontology_graph(), key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))  # the same order every run
    return [(s, p, o, ONTOLOGY_GRAPH) for s, p, o in triples]  # type: ignore[misc]


def support_quads(dataset: Dataset) -> list[Quad]:
    """What every store holds beside the records: the ontology and the build-time roll-ups."""
    return ontology_quads() + list(rollup_quads(dataset))


def graph_quads(dataset: Dataset) -> list[Quad]:
    """The whole graph a build puts in a store: records (regions with coordinates) plus support quads."""
    return [*dataset_quads(dataset, region_coordinates), *support_quads(dataset)]


def build(
    data_dir: Path, out_dir: Path, store: str | None = None, views: Sequence[View] = (), full: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Build the knowledge graph; `store` is a store spec (default: oxigraph in out/store), `views`
    write files from it that are published together with it (`graphkit.render.page_view`); `jobs`
    processes at once (default: one per core) read data/ when it has many files, and the views of a
    large graph draw in a process of their own when there are two or more."""
    with staged_build(data_dir, out_dir, store, views, full, jobs) as staged:
        return staged.publish()


@dataclass
class StagedBuild:
    """A complete build, not yet published: `publish()` makes it what out/ shows, in one rename."""

    result: BuildResult
    directory: Path

    def publish(self) -> BuildResult:
        self.result.files = publishing.publish(self.result.out_dir, self.directory)
        return self.result


#: The register's graph is written as one chunk per register file, so that an ingest, which adds to
#: the extracted register, rewrites 4 entities' lines and not the 22,000 curated ones.
REGISTER_CHUNKS = {"entities": data_io.REGISTER, "entities-extracted": data_io.EXTRACTED_REGISTER}


@dataclass
class Plan:
    """What a build redoes: every graph (`previous` is None), or the graphs of what changed."""

    dataset: Dataset
    manifest: Manifest
    previous: Path | None = None
    changed: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    register_changed: bool = True
    #: The register as the previous build read it (what the changes are measured against).
    entities_before: dict[str, Entity] = field(default_factory=dict)
    #: The register files (data/'s paths) whose content is as the previous build read it.
    registers_kept: frozenset[str] = frozenset()
    #: The quads of each source graph written as its file was read (`_plan` with `chunks`), by source id.
    written: dict[str, int] = field(default_factory=dict)
    #: The sources that did not change, whose records `add_kept` puts in the dataset, and data/.
    deferred: tuple[str, ...] = ()
    data_dir: Path | None = None
    #: The sources of the previous build.
    before: frozenset[str] = frozenset()
    #: The totals the roll-ups are written from, once counted (`_write_rollups`).
    totals: Totals | None = None

    @cached_property
    def carried(self) -> frozenset[str]:
        """The records' chunks (by name) that are the previous build's: those of what did not change."""
        if self.previous is None:
            return frozenset()
        return frozenset({f"sources/{i}" for i in self.manifest.sources if i not in self.changed} | {
            name for name, register in REGISTER_CHUNKS.items() if str(register) in self.registers_kept})

    @cached_property
    def register_extends(self) -> bool:
        """Whether every entity of the previous build's register is as it was (the register did not
        change, or only gained entities): then what the sources that did not change name is as it
        was, and so are their regions."""
        if not self.register_changed:
            return True
        entities = self.dataset.entities
        return all(entities.get(i) == entity for i, entity in self.entities_before.items())

    @property
    def kept_hold(self) -> bool:
        """Whether the sources that did not change need not be read again: what they name and cite is
        as it was (the register extends the previous one; no source was removed, which one may cite),
        and the roll-ups count the changes (`_recounted`, which reads them when it cannot). At a
        million quads, reading their 4,878 records was 1 s of an edit."""
        return not self.removed and self.register_extends

    def add_kept(self) -> None:
        """The records of the sources that did not change, into the dataset (the previous build's,
        graphkit.manifest), and every reference between sources checked: done once the views draw,
        which read the store and not the records, and only when needed (`kept_hold`)."""
        deferred, self.deferred = self.deferred, ()
        if deferred and self.data_dir is not None:
            records = read_records(self.previous, deferred) if self.previous is not None else None
            data_io.add_kept(self.dataset, self.data_dir, deferred, records[1] if records is not None else {})

    @property
    def incremental(self) -> bool:
        return self.previous is not None


@contextmanager
def staged_build(
    data_dir: Path, out_dir: Path, store: str | None = None, views: Sequence[View] = (), full: bool = False,
    jobs: int | None = None,
) -> Iterator[StagedBuild]:
    """Build into out/.builds/<id>/ with out/'s lock held; unless published inside the block, the
    build is thrown away and out/ is as it was (ingest publishes only after data/ is written)."""
    chosen = StoreSpec.parse(store) if store else StoreSpec.directory(out_dir / STORE_DIR)
    on_disk = chosen.names_directory(out_dir / STORE_DIR)
    jobs = jobs or apart.cores()
    with publishing.locked(out_dir), collector_paused(), _drawer(views, on_disk, out_dir, jobs) as drawer:
        staging = publishing.new_build(out_dir)
        try:
            plan = _plan(Path(data_dir), publishing.current_build(out_dir), str(chosen), full or not on_disk,
                         jobs, staging / CHUNKS)
            staged = StagedBuild(BuildResult(out_dir, plan, 0, Validation(True, Graph(), "")), staging)
            staged.result.full = not plan.incremental
            staged.result.redone = sorted((plan.changed | plan.removed) if plan.incremental else plan.manifest.sources)
            staged.result.quads = quads = _write_graph(staging, plan)
            if drawer.wanted(quads):  # while the store is filled (the page: 11 s less after it at a million quads)
                drawer.ahead("read_graphs_ahead", {i: staging / CHUNKS / f"sources/{i}.nq" for i in plan.written},
                             [] if plan.incremental else [staging / CHUNKS / f"{name}.nq" for name in REGISTER_CHUNKS])
            if not plan.incremental:  # loaded with the rest: one bulk load (2 s less at a million quads)
                _write_rollups(staging, plan)
            plan.manifest.write(staging)  # before the views: they may carry what did not change
            # While Oxigraph fills the store and the views draw: graph.nq, graph.ttl, the records
            # (beside the filling: 5 s of validating less at a million quads), then the builds this
            # one's publishing would leave stale are removed, then an incremental build's roll-ups
            # end graph.nq (in order).
            side = ThreadPoolExecutor(1)
            written = [side.submit(_write_graph_file, staging, plan), side.submit(_write_turtle, staging, plan),
                       side.submit(_records_writer(staging, plan))]
            with side, _fill_store(on_disk, staging, plan) as target:
                with _drawing(target, views, staging, drawer.wanted(quads), drawer.child) as drawn:
                    if not plan.kept_hold:
                        plan.add_kept()
                    written.append(side.submit(publishing.retire, out_dir, staging))
                    if plan.incremental:
                        rollups = _add_rollups(target, staging, plan)
                        written.append(side.submit(_append_chunk, staging / GRAPH_NQ, rollups))
                    staged.result.events = plan.totals.events_counted() if plan.totals is not None else 0
                    staged.result.validation = validation = _validate(target, _focus(plan))
                    try:
                        drawn()
                    finally:  # a view that failed on a graph that does not conform: the shapes say why
                        if not validation.conforms:
                            raise BuildError("the graph does not conform to ontology/shapes.ttl", validation)
                for done in written:
                    done.result()
                (staging / REPORT).write_text(validation.report.serialize(format="turtle"), encoding="utf-8")
                if not on_disk:  # another store is touched only by a graph that conforms
                    with chosen.open() as other:
                        _fill_other(other, target)
                staged.result.store = str(chosen)
                publishing.crash_point("build:store-filled")
            yield staged
        finally:
            if publishing.current_build(out_dir) != staging:
                shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def collector_paused() -> Iterator[None]:
    """CPython's cyclic garbage collector off for the block (as it was after). A build makes millions
    of small objects that live until it ends (records, terms, rows, the page's records), and the
    collector walks them again each time they outlive a generation: a quarter of an incremental
    build's time at a million quads (12.0 -> 9.4 s) and a fifth of a full one's (43 -> 34 s), for
    50-70 MB more at the peak. They hold no cycles that need it: reference counting frees them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_reusing(data_dir: Path, out_dir: Path, jobs: int | None = None) -> Dataset:
    """data/ as `dataset.load` reads it, taking the records of files unchanged since the published
    build from that build (what `graphkit ingest` does before it adds articles); `jobs` processes
    read many files at once (default: one per core)."""
    plan = _plan(Path(data_dir), publishing.current_build(Path(out_dir)), None, False, jobs or apart.cores())
    plan.add_kept()
    return plan.dataset


def load_naming(
    data_dir: Path, out_dir: Path, wanted: Collection[str], jobs: int | None = None
) -> tuple[Dataset, Counter[str] | None]:
    """What `graphkit ingest` reads of data/ before it adds articles: the register, the records of the
    `wanted` sources (those it may replace) and of the files changed since the published build, and
    how many events of data/ name each entity (the published build's totals with those changes
    counted in: graphkit.tallies). When that count cannot be had (no published build, no totals, a
    source removed or an entity changed since: `Plan.kept_hold`), every record is read (as
    `load_reusing`) and the count is None. At a million quads: 0.3 s, where reading every record
    took 1 s."""
    plan = _plan(Path(data_dir), publishing.current_build(Path(out_dir)), None, False, jobs or apart.cores())
    totals = _recounted(plan) if plan.incremental and plan.kept_hold else None
    if totals is None:
        plan.add_kept()
        return plan.dataset, None
    chosen = set(wanted)
    wanted = [i for i in plan.deferred if i in chosen]
    records = read_records(plan.previous, wanted) if plan.previous is not None else None
    data_io.add_kept(plan.dataset, Path(data_dir), wanted, records[1] if records is not None else {},
                     [i for i in plan.deferred if i not in chosen])
    return plan.dataset, Counter(totals.events)


def _plan(
    data_dir: Path, previous: Path | None, store: str | None, full: bool, jobs: int = 1, chunks: Path | None = None
) -> Plan:
    """Read data/, reusing the published build's records for the files that did not change (`store`:
    the store this build fills; None for a read that fills none). With `chunks`, each source read is
    written there as its graph's N-Quads chunk by the process that read it (`Plan.written`): at a
    million quads, 3.3 s of one process shared by the readers. The records of the sources that did
    not change are read by `Plan.add_kept`, which the caller calls when it needs them."""
    data_io.recover_journal(data_dir)
    each = None
    if chunks is not None:
        (chunks / "sources").mkdir(parents=True, exist_ok=True)
        each = data_io.Each(partial(_write_source_chunk, chunks))
    before = None if full else Manifest.read(previous)
    manifest = Manifest.scan(data_dir, store if store is not None else before.store if before else "")
    records = read_records(previous, ()) if previous is not None and manifest.reuses(before) else None  # the register
    if before is None or records is None or not (previous / STORE_DIR).is_dir():  # type: ignore[operator]
        dataset = data_io.load(data_dir, jobs=jobs, each=each)
        manifest.quads = {}
        return Plan(dataset, manifest, written=each.made if each else {})
    entities = records[0]
    changed, removed = manifest.changed_sources(before)
    register_changed = manifest.registers != before.registers
    curated_unchanged = manifest.registers.get(str(data_io.REGISTER)) == before.registers.get(str(data_io.REGISTER))
    deferred = tuple(i for i in manifest.sources if i not in changed)
    dataset = data_io.load(
        data_dir, entities=None if register_changed else entities,
        curated={i: e for i, e in entities.items() if e.status != "extracted"} if curated_unchanged else None,
        jobs=jobs, each=each, deferred=deferred,
    )
    kept = frozenset(name for name, digest in manifest.registers.items() if before.registers.get(name) == digest)
    manifest.quads = {k: v for k, v in before.quads.items() if k not in changed | removed}
    return Plan(dataset, manifest, previous, changed, removed, register_changed, entities, kept,
                each.made if each else {}, deferred, data_dir, frozenset(before.sources))


def _records_writer(staging: Path, plan: Plan) -> Callable[[], None]:
    """Writing the build's records (graphkit.manifest): those read, and the previous build's files
    of the sources that did not change. What it writes is taken now: `Plan.add_kept` may fill the
    dataset while it runs."""
    dataset = plan.dataset
    if not plan.incremental:
        return partial(write_records, staging, dataset.entities, dict(dataset.sources))
    kept = [i for i in plan.manifest.sources if i not in plan.changed]
    return partial(write_records, staging, dataset.entities, {i: dataset.sources[i] for i in plan.changed}, kept,
                   plan.previous, plan.register_changed)


def _focus(plan: Plan) -> set[str] | None:
    """The nodes whose validity the changes can touch (None: every node, for a full build): the
    changed sources' nodes, and when the register changed, its changed entities, the entities that
    point at them and the events naming them."""
    from graphkit.rdf_mapping import entity_iri, event_iri

    if not plan.incremental:
        return None
    dataset, before = plan.dataset, plan.entities_before
    focus = {str(s) for sid in plan.changed for s, _, _ in source_graph_triples(dataset.sources[sid])}
    if plan.register_changed:
        touched = {i for i, e in dataset.entities.items() if before.get(i) != e} | (set(before) - set(dataset.entities))
        touched |= {e.id for e in dataset.entities.values() if {e.part_of, e.located_in, e.member_of} & touched}
        focus |= {str(entity_iri(i)) for i in touched if i in dataset.entities}
        # the events of the sources read: all of them, unless the register only gained entities, which
        # a source that did not change cannot name (its build would have refused it)
        focus |= {str(event_iri(e.id)) for e in dataset.events() if touched.intersection(e.parties)}
    return focus


# --- the graph as N-Quads and Turtle, one chunk per graph ----------------------------------------------

CHUNKS = ".nq"
TURTLE_CHUNKS = ".ttl"
ROLLUPS = "rollups.nq"  # the roll-ups' chunk, in CHUNKS


def _write_graph(staging: Path, plan: Plan) -> int:
    """The chunks of graph.nq, one per graph: the register's, each source's, the ontology's (the
    roll-ups' follows). A chunk of a graph that did not change is the previous build's, hard-linked.
    The store is filled from the chunks, and graph.nq is joined from them beside that
    (`_write_graph_file`: 0.25 s of an edit at a million quads, 0.4 s of a full build, before the
    store could be filled). Returns the number of data quads (register and sources)."""
    dataset, manifest = plan.dataset, plan.manifest
    chunks = staging / CHUNKS
    before, carried = plan.previous, plan.carried

    def chunk(name: str, made: Callable[[], int]) -> int | None:
        """The chunk `name`: the previous build's, hard-linked, if carried (None); else `made` (its quads)."""
        if before and name in carried:
            link(before / CHUNKS / f"{name}.nq", chunks / f"{name}.nq")
            return None
        return made()

    for name, register in REGISTER_CHUNKS.items():
        quads = _register_quads(dataset, register == data_io.EXTRACTED_REGISTER)
        count = chunk(name, partial(_write_chunk, chunks / f"{name}.nq", quads))
        if count is not None:
            manifest.quads[_register_key(name)] = count
    order = sorted(manifest.sources)
    for source_id in order:  # a source read by this build was written as it was read (`_plan`)
        count = chunk(f"sources/{source_id}", partial(plan.written.__getitem__, source_id))
        if count is not None:
            manifest.quads[source_id] = count
    if before:
        link(before / CHUNKS / "ontology.nq", chunks / "ontology.nq")  # the recipe, and so the ontology, is the same
    else:
        _write_chunk(chunks / "ontology.nq", ontology_quads())
    return sum(manifest.quads.get(key, 0) for key in [*map(_register_key, REGISTER_CHUNKS), *order])


def _graph_chunks(staging: Path, plan: Plan) -> list[Path]:
    """The chunks of graph.nq in order: the records' (the register's, then each source's in id order),
    the ontology's, and in a full build the roll-ups' (an incremental build adds those last, when it
    has worked them out: `_add_rollups`)."""
    names = [*(f"{name}.nq" for name in [*_record_chunks(plan), "ontology"]), *([] if plan.incremental else [ROLLUPS])]
    return [staging / CHUNKS / name for name in names]


def _write_graph_file(staging: Path, plan: Plan) -> None:
    """graph.nq, joined from its chunks (`_graph_chunks`)."""
    with (staging / GRAPH_NQ).open("wb") as out:
        _concatenate(out, _graph_chunks(staging, plan))


def _register_key(chunk: str) -> str:
    """A register chunk's key among the manifest's quad counts (a source id never starts with ':')."""
    return ":" + chunk


def _register_quads(dataset: Dataset, extracted: bool) -> Iterator[Quad]:
    """The register graph's quads of the entities of one register file."""
    return ((*t, ENTITIES_GRAPH) for t in register_triples(dataset, region_coordinates, extracted))


def _record_chunks(plan: Plan) -> list[str]:
    """The records' chunks by name, in the order the graph files hold them: the register's, then each
    source's in id order."""
    return [*REGISTER_CHUNKS, *(f"sources/{i}" for i in sorted(plan.manifest.sources))]


def _write_turtle(staging: Path, plan: Plan) -> None:
    """graph.ttl: the records' chunks (the register's and the sources') as Turtle under one prefix
    header, each from its N-Quads chunk, or the previous build's where that chunk is the previous
    build's (hard-linked). Mostly Oxigraph's work: a build runs it beside filling the store."""
    turtle = staging / TURTLE_CHUNKS
    (turtle / "sources").mkdir(parents=True)
    names, carried = _record_chunks(plan), plan.carried
    for name in names:
        if plan.previous and name in carried:
            link(plan.previous / TURTLE_CHUNKS / f"{name}.ttl", turtle / f"{name}.ttl")
        else:
            _write_turtle_chunk(staging / CHUNKS / f"{name}.nq", turtle / f"{name}.ttl")
    with (staging / GRAPH_TTL).open("wb") as out:
        out.write(_turtle_header())
        _concatenate(out, [turtle / f"{name}.ttl" for name in names])


def _write_source_chunk(chunks: Path, source: Source) -> int:
    """A source's graph as its N-Quads chunk in `chunks` (where its file was read: perhaps a child)."""
    graph = source_graph(source.id)
    return _write_chunk(chunks / "sources" / f"{source.id}.nq", ((*t, graph) for t in source_graph_triples(source)))


def _write_chunk(path: Path, quads: Iterable[Quad]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for line in to_nquads(quads):
            handle.write(line)
            count += 1
    return count


def _concatenate(target: BinaryIO, parts: Iterable[Path]) -> None:
    for part in parts:
        with part.open("rb") as chunk:
            shutil.copyfileobj(chunk, target, 1 << 20)


def _turtle_prefixes() -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def _turtle_header() -> bytes:
    """graph.ttl's @prefix lines, once (pyoxigraph writes them atop each chunk, in an order of its own)."""
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in _turtle_prefixes().items()).encode()


def _write_turtle_chunk(nquads: Path, path: Path) -> None:
    """One graph's N-Quads chunk as the body of a Turtle document (its triples, without the prefix
    header graph.ttl writes once), by pyoxigraph: 1.6 s at a million quads where rdflib took 53 s,
    and an incremental build rewrites only the changed graphs' chunks.

    Blank node labels are scoped to the whole of graph.ttl, so a chunk holding blank nodes (graphkit
    writes none) would merge with another's: refused rather than written wrong."""
    import pyoxigraph as ox

    triples = []
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            raise BuildError(f"{nquads.name}: a blank node, which a Turtle chunk cannot hold apart from others")
        triples.append(quad.triple)
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_turtle_prefixes()) or b""
    lines = text.splitlines(keepends=True)
    body = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
    path.write_bytes(b"".join(lines[body:]))  # a triple's line never starts with @prefix


# --- the store and validation -----------------------------------------------------------------------


def _fill_store(on_disk: bool, staging: Path, plan: Plan) -> Store:
    """The store a build draws from and validates: the on-disk store in staging (a checkpoint of the
    previous one with the changed graphs replaced, or bulk-loaded whole), or, for another store, an
    in-memory one that holds the graph until it is validated, before that store is touched. It holds
    the graph's chunks (`_graph_chunks`): an incremental build's roll-ups are added while the views draw."""
    if not on_disk or not plan.incremental:
        target = StoreSpec.directory(staging / STORE_DIR).open() if on_disk else OxigraphStore()
        target.load_files(_graph_chunks(staging, plan))
        return target
    with StoreSpec.directory(plan.previous / STORE_DIR).open(read_only=True) as before:  # type: ignore[operator]
        before.checkpoint(staging / STORE_DIR)
    target = StoreSpec.directory(staging / STORE_DIR).open()
    replaced = [(source_graph(i), [f"sources/{i}.nq"]) for i in sorted(plan.changed | plan.removed)]
    if plan.register_changed:
        replaced.append((ENTITIES_GRAPH, [f"{name}.nq" for name in REGISTER_CHUNKS]))
    for graph, names in replaced:
        was, now = plan.previous / CHUNKS, staging / CHUNKS  # type: ignore[operator]
        lines = _update_graph(target, graph, [was / name for name in names], [now / name for name in names])
        if graph == ENTITIES_GRAPH and lines is not None:  # the entities a view must read again
            write_register_changes(staging, lines)
    return target


def _update_graph(store: Store, graph: URIRef, before: list[Path], after: list[Path]) -> set[bytes] | None:
    """Make the store's `graph` (a copy of the previous build's, written from the chunks `before`)
    hold the chunks `after` (the same names): by their difference, line by line (an N-Quads line is
    one quad), when all exist — four new entities or one changed total touch a few lines, where
    emptying the register's or the roll-ups' graph and loading it again took 10 s at a million
    quads; else emptied and loaded. A chunk that is the previous build's own file is left out of
    the difference, save that a line it holds is never removed (a quad may move between chunks).
    Returns the lines removed and added, or None when the graph was loaded again whole."""
    if not all(path.exists() for path in before):
        store.replace_graph(graph, ())
        for path in after:
            if path.exists():
                store.load_file(path)
        return None
    old: set[bytes] = set()
    new: set[bytes] = set()
    same: list[Path] = []
    for was, now in zip(before, after, strict=True):
        if now.exists() and os.path.samefile(was, now):
            same.append(now)
            continue
        old.update(was.read_bytes().splitlines())
        if now.exists():
            new.update(now.read_bytes().splitlines())
    removed, added = old - new, new - old
    if same and (removed or added):
        kept = {line for path in same for line in path.read_bytes().splitlines()}
        removed, added = removed - kept, added - kept
    store.change_quads(removed=sorted(removed), added=sorted(added))
    return removed | added


def validate_dataset(dataset: Dataset) -> Validation:
    """Validate a dataset's whole graph (in an in-memory store) without building anything."""
    store = OxigraphStore()
    store.add_quads(graph_quads(dataset))
    return _validate(store, None)


def _validate(store: Store, focus: set[str] | None) -> Validation:
    """SHACL, compiled to SPARQL (graphkit.shacl_sparql): over the whole graph, or over `focus`."""
    violations = compiled().run(store, focus=focus)
    return Validation(not violations, report_graph(violations), report_text(violations))


#: Views of a graph of more data quads than this draw in a process of their own, while this one adds
#: the roll-ups and validates (at a million quads: the page 4 s in an edit, 12 s in a full build).
VIEWS_APART = 200_000


class _Drawer:
    """The child process that will draw a large graph's views (`_drawing`), started as soon as the
    build knows it will want one: with views to draw, two jobs or more, and the on-disk store (whose
    checkpoint the child opens). It imports the views' modules (half a second for the page) and
    runs their read-ahead hooks (see `View`) while this process works."""

    def __init__(self, views: Sequence[View], on_disk: bool, jobs: int) -> None:
        self.views = list(views) if on_disk else []
        self.jobs = jobs
        self.child: apart.Call[None] | None = None

    def wanted(self, quads: int) -> bool:
        """Whether a graph of `quads` data quads draws in a child."""
        return bool(self.views) and self.jobs > 1 and quads > VIEWS_APART

    def ahead(self, hook: str, *args: object) -> None:
        """Have the child (started now if it is not yet) run each view module's `hook(*args)`."""
        modules = sorted({getattr(view, "func", view).__module__ for view in self.views})
        if self.child is None:
            self.child = apart.Call[None](__name__, *modules)
        for module in modules:  # imported here too: the views are this process's objects
            function = getattr(sys.modules[module], hook, None)
            if function is not None:
                self.child.ahead(function, *args)


@contextmanager
def _drawer(views: Sequence[View], on_disk: bool, out_dir: Path, jobs: int) -> Iterator[_Drawer]:
    """The build's `_Drawer`; when the published build was large enough to draw apart, its child is
    started now and reads what the views take over from that build (their `read_ahead`) while this
    process reads data/. The child is stopped if left unused."""
    drawer = _Drawer(views, on_disk, jobs)
    previous = publishing.current_build(out_dir) if drawer.views else None
    before = Manifest.read(previous)
    try:
        if previous is not None and before is not None and drawer.wanted(sum(before.quads.values())):
            drawer.ahead("read_ahead", previous)
        yield drawer
    finally:
        if drawer.child is not None:
            drawer.child.cancel()


@contextmanager
def _drawing(
    store: Store, views: Sequence[View], staging: Path, elsewhere: bool, drawer: apart.Call[None] | None = None
) -> Iterator[Callable[[], None]]:
    """The views of the store as it is on entering (the records' graphs and the ontology, and a full
    build's roll-ups: the views read none), drawn while the block runs; what this yields waits for
    them and raises what a view raised.

    For a large graph (`elsewhere`) the views draw in another process (graphkit.apart's, see there
    why not multiprocessing's), from a checkpoint of the store (hard links): threads would share one
    interpreter lock, and the store compacts its files while the block writes to it, so another
    process opening the same folder would find files gone. A small graph's views draw here, at once
    (a process costs more than they do), and their failure is raised when asked for, so that a graph
    that does not conform is reported by its shapes first. `drawer` is a child started ahead
    (`_Drawer`), used if the views draw apart."""
    if views and store.makes_checkpoints and elsewhere:
        snapshot = staging / ".drawn-store"
        store.checkpoint(snapshot)
        try:
            child = drawer if drawer is not None else apart.Call[None]()
            with child.send(_draw_views, list(views), str(StoreSpec.directory(snapshot)), staging) as drawing:
                yield drawing.result
        finally:
            shutil.rmtree(snapshot, ignore_errors=True)
        return
    failure: Exception | None = None
    try:
        for view in views:
            view(store, staging)
    except Exception as exc:  # raised when asked for, after the validation
        failure = exc

    def drawn() -> None:
        if failure is not None:
            raise failure

    yield drawn


def _draw_views(views: list[View], spec: str, staging: Path) -> None:
    """Draw the views from the store `spec` names, opened read-only (in a child process)."""
    from graphkit.store import open_store

    with collector_paused(), open_store(spec, read_only=True) as store:
        for view in views:
            view(store, staging)


#: Beside a build's graph: the totals its roll-ups were written from (graphkit.tallies), which the
#: next build counts its changes into.
TOTALS = ".totals.json"


def _write_rollups(staging: Path, plan: Plan) -> Path:
    """The roll-ups' chunk (graphkit.tallies), and the totals it was written from (`TOTALS`)."""
    totals = _recounted(plan)
    if totals is None:
        plan.add_kept()
        totals = compute_totals(plan.dataset)
    totals.write(staging / TOTALS)
    plan.totals = totals
    chunk = staging / CHUNKS / ROLLUPS
    _write_chunk(chunk, rollup_quads(plan.dataset, totals))
    return chunk


def _recounted(plan: Plan) -> Totals | None:
    """An incremental build's totals, the previous build's with the changed sources counted out as
    that build kept them and in as they are (graphkit.tallies.recount); None when that cannot be:
    a full build, the previous totals or a changed source's previous records unreadable, or an
    entity of the previous register changed or gone (its regions, and so its sums, may change)."""
    if plan.previous is None or (totals := Totals.read(plan.previous / TOTALS)) is None:
        return None
    if not plan.register_extends:
        return None
    redone = sorted(plan.changed | plan.removed)
    records = read_records(plan.previous, [i for i in redone if i in plan.before])
    if records is None or len(records[1]) != len(plan.before.intersection(redone)):
        return None
    return recount(totals, plan.dataset, records[1], redone)


def _add_rollups(store: Store, staging: Path, plan: Plan) -> Path:
    """An incremental build's roll-ups, into the store by their difference from the previous build's
    (a changed total touches a few lines of 135,000 at a million quads). Returns their chunk."""
    chunk = _write_rollups(staging, plan)
    _update_graph(store, ROLLUPS_GRAPH, [plan.previous / CHUNKS / ROLLUPS], [chunk])  # type: ignore[operator]
    return chunk


def _append_chunk(target: Path, chunk: Path) -> None:
    with target.open("ab") as out:
        _concatenate(out, [chunk])


def _fill_other(target: Store, built: Store) -> None:
    """Another store (a server, memory) gets one named graph per graph, each replaced as a unit."""
    graphs = [row["g"] for row in built.records("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")]
    for graph in graphs:
        rows = built.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        target.replace_graph(URIRef(graph), [tuple(row) for row in rows])


def region_coordinates(entity: Entity) -> tuple[float, float] | None:
    """(lon, lat) of a region with an administrative code, from the gazetteer (for the map view)."""
    if entity.type != "Region" or not entity.adcode:
        return None
    division = gazetteer.by_adcode(entity.adcode)
    return gazetteer.coordinates(division) if division else None


__all__ = ["ENTITIES_GRAPH", "BuildError", "BuildResult", "View", "build", "staged_build"]
