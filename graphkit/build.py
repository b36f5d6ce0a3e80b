"""`graphkit build`: data/ -> validated graph (Turtle, N-Quads, SHACL report, store).

Views of the graph (the interactive page) are not this module's business: a caller passes them as
`views`, each writing its files from the filled store into the same build folder, so they are
published with the graph they show (the command line's `build` and `ingest` pass the page).

Everything is produced in a new build folder (out/.builds/<id>/) and published in one rename only
when the whole build has succeeded (graphkit.publish), so a failure (bad data, a graph that breaks
the SHACL shapes) or a kill at any moment never leaves a half-written graph behind and never
replaces the previous good one.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from graphkit import dataset as data_io
from graphkit import gazetteer
from graphkit import publish as publishing
from graphkit.model import Dataset, Entity
from graphkit.ontology import ENTITIES_GRAPH, ONTOLOGY_GRAPH, PREFIXES, ontology_graph
from graphkit.rdf_mapping import Quad, dataset_quads, to_nquads
from graphkit.store import Store, StoreSpec
from graphkit.tallies import rollup_quads
from graphkit.validate import Validation, validate

GRAPH_TTL = "graph.ttl"
GRAPH_NQ = "graph.nq"
REPORT = "validation.ttl"
STORE_DIR = "store"


#: A view of the built graph: writes its files from the filled store into the build folder.
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
    dataset: Dataset
    quads: int
    validation: Validation
    files: list[Path] = field(default_factory=list)
    store: str = ""


def ontology_quads() -> list[Quad]:
    """The ontology and the SKOS modes, in their own graph so queries can read labels of terms."""
    return [(s, p, o, ONTOLOGY_GRAPH) for s, p, o in ontology_graph()]  # type: ignore[misc]


def support_quads(dataset: Dataset) -> list[Quad]:
    """What every store holds beside the records: the ontology and the build-time roll-ups."""
    return ontology_quads() + list(rollup_quads(dataset))


def graph_quads(dataset: Dataset) -> list[Quad]:
    """The whole graph a build puts in a store: records (regions with coordinates) plus support quads."""
    return [*dataset_quads(dataset, region_coordinates), *support_quads(dataset)]


def build(data_dir: Path, out_dir: Path, store: str | None = None, views: Sequence[View] = ()) -> BuildResult:
    """Build the knowledge graph; `store` is a store spec (default: oxigraph in out/store), `views`
    write files from it that are published together with it (`graphkit.render.page_view`)."""
    with staged_build(data_dir, out_dir, store, views) as staged:
        return staged.publish()


@dataclass
class StagedBuild:
    """A complete build, not yet published: `publish()` makes it what out/ shows, in one rename."""

    result: BuildResult
    directory: Path

    def publish(self) -> BuildResult:
        self.result.files = publishing.publish(self.result.out_dir, self.directory)
        return self.result


@contextmanager
def staged_build(
    data_dir: Path, out_dir: Path, store: str | None = None, views: Sequence[View] = ()
) -> Iterator[StagedBuild]:
    """Build into out/.builds/<id>/ with out/'s lock held; unless published inside the block, the
    build is thrown away and out/ is as it was (ingest publishes only after data/ is written)."""
    dataset = data_io.load(data_dir)
    quads = list(dataset_quads(dataset, region_coordinates))
    validation = validate((s, p, o) for s, p, o, _ in quads)
    if not validation.conforms:
        raise BuildError("the graph does not conform to ontology/shapes.ttl", validation)
    with publishing.locked(out_dir):
        staging = publishing.new_build(out_dir)
        staged = StagedBuild(BuildResult(out_dir, dataset, len(quads), validation), staging)
        try:
            everything = quads + support_quads(dataset)
            _write_nquads(staging / GRAPH_NQ, everything)
            _write_turtle(staging / GRAPH_TTL, quads)
            (staging / REPORT).write_text(validation.report.serialize(format="turtle"), encoding="utf-8")
            staged.result.store, target = _fill_store(store, staging, out_dir, everything)
            publishing.crash_point("build:store-filled")
            with target:
                for view in views:
                    view(target, staging)
            yield staged
        finally:
            if publishing.current_build(out_dir) != staging:
                shutil.rmtree(staging, ignore_errors=True)


def region_coordinates(entity: Entity) -> tuple[float, float] | None:
    """(lon, lat) of a region with an administrative code, from the gazetteer (for the map view)."""
    if entity.type != "Region" or not entity.adcode:
        return None
    division = gazetteer.by_adcode(entity.adcode)
    return gazetteer.coordinates(division) if division else None


def _write_nquads(path: Path, quads: list[Quad]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(to_nquads(quads))


def _write_turtle(path: Path, quads: list[Quad]) -> None:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    for s, p, o, _ in quads:
        graph.add((s, p, o))
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")


def _fill_store(spec: str | None, staging: Path, out_dir: Path, quads: list[Quad]) -> tuple[str, Store]:
    """Load the graph into the chosen store and return it open (the page is drawn from it).

    The default on-disk store is built in staging and swapped in with the other outputs; any
    other store gets one named graph per source, each replaced as a unit.
    """
    chosen = StoreSpec.parse(spec) if spec else StoreSpec.directory(out_dir / STORE_DIR)
    if chosen.names_directory(out_dir / STORE_DIR):
        target = StoreSpec.directory(staging / STORE_DIR).open()
        target.load_file(staging / GRAPH_NQ)
        return str(chosen), target
    target = chosen.open()
    by_graph: dict = {}
    for s, p, o, g in quads:
        by_graph.setdefault(g, []).append((s, p, o))
    for graph, triples in by_graph.items():
        target.replace_graph(graph, triples)
    return str(chosen), target


__all__ = ["ENTITIES_GRAPH", "BuildError", "BuildResult", "View", "build"]
