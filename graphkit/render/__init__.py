"""Views of the graph for people: a self-contained interactive HTML page (`render_page`, `write_page`),
and `page_view`, the step `graphkit build` and `graphkit ingest` run to publish the page with the graph.

The memos a build leaves beside its page are written and read by orjson (the events' 26 MB at a
million quads written in 0.03 s, where the standard library took 0.2 s, and read in 0.15 s, where
it took 0.25 s).

The page's module (networkx, pyvis, Jinja2: 0.2 s to import) is imported when first used, not with
this package: `graphkit build` names `page_view` in a process that never draws (the page draws in a
child for a large graph, which imports it ahead, in `read_ahead`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from graphkit.files import version as file_version
from graphkit.lazy import exports
from graphkit.store import Store

if TYPE_CHECKING:
    from graphkit.build import View
    from graphkit.manifest import Manifest
    from graphkit.render.evidence import Articles
    from graphkit.render.page import Carried, Drawing, render_page, served_page, write_page

__all__ = [
    "PAGE", "page_view", "page_view_quoting", "read_ahead", "read_graphs_ahead", "render_page", "served_page",
    "write_page",
]

#: The page's file name in the output folder.
PAGE = "index.html"

#: The names this package takes from graphkit.render.page, imported on first use.
__getattr__ = exports(__name__, {name: ("graphkit.render.page", name) for name in ("render_page", "served_page",
                                                                                     "write_page")})


#: Beside a build's page: its events' attributes by source, which the next build's page takes over for
#: every source whose file did not change.
EVENTS_MEMO = ".page-events.json"


def page_view(store: Store, directory: Path) -> None:
    """Draw the interactive page from a filled store into `directory` (a build view)."""
    _draw(store, directory)


def _draw(store: Store, directory: Path, articles: Articles | None = None) -> None:
    """The page of a build, with what the published build worked out carried over (both views):
    the events' and entities' attributes, the JSON of the edges of the sources that did not change
    (`_edges_carried`), the names' pinyin and the components' layouts."""
    from graphkit.render.page import Drawing, write_page

    published = _Published.beside(directory)
    with _memos_carried(directory, published.folder):
        events, before = _events_carried(store, directory, published)
        nodes = _entities_carried(store, directory, published)
        carried = _edges_carried(directory, published, events, articles)
        drawing = Drawing.of_attributes(nodes, {i: e for found in events.values() for i, e in found.items()}, carried)
        drawing.positions = _positions_carried(published, events, before)
        write_page(drawing, directory / PAGE, articles=articles)
        _keep_edges(directory, drawing, articles)
        (directory / POSITIONS_MEMO).write_bytes(orjson.dumps(drawing.laid))


@dataclass(frozen=True)
class _Published:
    """This build's manifest, the published build's folder, and that build's manifest when its
    events' and entities' memos hold for this build (the same code and ontology): found and read once
    for every memo."""

    now: Manifest | None
    folder: Path | None
    before: Manifest | None

    @classmethod
    def beside(cls, directory: Path) -> _Published:
        from graphkit.manifest import Manifest
        from graphkit.publish import published_beside

        now, previous = Manifest.read(directory), published_beside(directory)
        before = Manifest.read(previous)
        same = now is not None and before is not None and before.recipe == now.recipe
        return cls(now, previous, before if same else None)

    @property
    def memos(self) -> tuple[Path, Manifest] | None:
        """The published build's folder and manifest, when its events' and entities' memos hold."""
        return (self.folder, self.before) if self.folder is not None and self.before is not None else None


def _memo(path: Path, parse: Callable[[bytes], Any] = orjson.loads) -> Any:
    """A memo as `parse` reads its bytes (JSON, unless it is the edges': `_edges_read`), or None when
    it cannot be read: a memo is only a cache. What `read_ahead` read of it is taken (once) if the
    file is still the version it read."""
    found = _taken(path)
    if found is not None:
        return found
    try:
        return parse(path.read_bytes())
    except _UNREADABLE:
        return None


#: What reading a memo that is not what it should be raises (gone, not JSON, not the shape expected).
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, IndexError)


#: A file's version (graphkit.files.version): what says a read of it still holds.
_Version = tuple[int, int, int]

#: What the child that will draw the page read ahead (`read_ahead`, `read_graphs_ahead`), by key (a
#: memo's path, a source's id, REGISTER_READ): (the files it was read from, their versions then,
#: what was read).
_AHEAD: dict[Path | str, tuple[tuple[Path, ...], tuple[_Version, ...], Any]] = {}


def _taken(key: Path | str) -> Any:
    """What was read ahead under `key` (taken once), or None: none, or its files changed since."""
    paths, versions, read = _AHEAD.pop(key, ((), (), None))
    with suppress(OSError):
        if read is not None and versions == tuple(map(file_version, paths)):
            return read
    return None


def read_ahead(previous: Path) -> None:
    """Read the memos of the published build `previous` that the next build's page takes over, for
    `_memo` to find (graphkit.build has a child that will draw the page run this while the build
    reads data/: at a million quads, 0.3 s of an edit's page), and imports what draws it."""
    import graphkit.networkx_view
    import graphkit.render.page  # noqa: F401 - both imported ahead, for `_draw`

    read: dict[str, Callable[[bytes], Any]] = {
        name: orjson.loads for name in (EVENTS_MEMO, ENTITIES_MEMO, POSITIONS_MEMO, *_memos())}
    read[EDGES_MEMO] = _edges_read
    for name, parse in read.items():
        path = previous / name
        with suppress(*_UNREADABLE):
            version = file_version(path)
            _AHEAD[path] = (path,), (version,), parse(path.read_bytes())


#: What `read_graphs_ahead` read: the sources' graphs under their ids, the register's under this.
REGISTER_READ = ""  # no source's id
_Read = dict[str, dict[str, Any]]

#: Chunks read into one in-memory store by `read_graphs_ahead`: a store per source costs more in
#: queries than it reads, and a store of them all holds the whole graph again.
GRAPHS_AHEAD_BATCH = 500


def read_graphs_ahead(sources: Mapping[str, Path], register: Sequence[Path] = ()) -> None:
    """Read what the page reads of the graphs a build wrote from their N-Quads chunks: the events'
    attributes of the source graphs ({source id: chunk}), a few hundred to an in-memory store, and
    the entities' of the register's graph (its chunks, when the build redoes it whole). graphkit.build
    has the child that will draw the page run this while it fills the store. The same queries as
    the page's read of the store (a source's events are told in its graph alone, entities in the
    register's), out of the way of the build's validation: at a million quads, a full build's page
    read the events from the store for 8 s and the entities for 3 s beside it, and reads them here
    in 6-8 s while the store is filled. `_events_carried` and `_entities_carried` take an answer
    only if its files are still the versions read (`_taken`)."""
    from graphkit.networkx_view import entity_attributes, event_attributes
    from graphkit.store.oxigraph import OxigraphStore

    def read(paths: Sequence[Path], attributes: Callable[[Store], _Read]) -> tuple[tuple[_Version, ...], _Read]:
        versions = tuple(map(file_version, paths))
        store = OxigraphStore()
        store.load_files(paths)
        return versions, attributes(store)

    if register:
        versions, nodes = read(register, entity_attributes)
        _AHEAD[REGISTER_READ] = tuple(register), versions, nodes
    ids = sorted(sources)
    for start in range(0, len(ids), GRAPHS_AHEAD_BATCH):
        batch = ids[start : start + GRAPHS_AHEAD_BATCH]
        versions, events = read([sources[i] for i in batch], event_attributes)
        by_source = _by_source(events)
        for source_id, version in zip(batch, versions, strict=True):
            _AHEAD[source_id] = (sources[source_id],), (version,), by_source.get(source_id, {})


def _events_carried(
    store: Store, directory: Path, published: _Published
) -> tuple[dict[str, _Read], Mapping[str, _Read] | None]:
    """The events' attributes the page draws, by source id, and the published build's (None when its
    memo cannot be read): a source's events are told in its own graph, so those of a source whose
    file did not change since the published build (the manifests' hashes, same recipe) are that
    build's, those of a graph read ahead from its chunk are that read's, and only the other sources'
    graphs are read from the store (reading every event took 6 s at 40,000 events). The memo is only
    a cache: one that cannot be read is ignored."""
    from graphkit.networkx_view import event_attributes
    from graphkit.ontology import source_graph

    now = published.now
    if now is None:
        return _by_source(event_attributes(store)), None
    carried: dict[str, _Read] = {}
    memo = None
    if published.memos is not None:
        previous, before = published.memos
        memo = _memo(previous / EVENTS_MEMO)
        try:
            carried = {s: memo[s] for s, digest in now.sources.items() if s in memo and before.sources.get(s) == digest}
        except (TypeError, AttributeError):  # not the memo's shape (or none)
            carried, memo = {}, None
    for source_id in now.sources:
        if source_id not in carried and (events := _taken(source_id)) is not None:
            carried[source_id] = events
    changed = [s for s in now.sources if s not in carried]
    if len(changed) > len(now.sources) // 2:  # most of the graph: one read of everything is quicker
        fresh = event_attributes(store)
    else:
        fresh = event_attributes(store, [str(source_graph(s)) for s in changed])
    by_source = carried  # read from the memo just now: this build's to extend
    for source_id, events in _by_source(fresh).items():
        by_source.setdefault(source_id, {}).update(events)
    with suppress(TypeError):  # a value JSON cannot hold: no memo, and the next build reads every graph
        (directory / EVENTS_MEMO).write_bytes(orjson.dumps(by_source))
    return by_source, memo


def _by_source(events: _Read) -> dict[str, _Read]:
    """Events' attributes by the id of their source."""
    found: dict[str, _Read] = {}
    for iri, event in events.items():
        found.setdefault(str(event.get("sourceId", "")), {})[iri] = event
    return found


#: Beside a build's page: the JSON of each source's edges (graphkit.render.page.Drawing), which the
#: next build's page takes over for every source whose file did not change. One line of JSON (what
#: the pieces were made for, and each source's: the key of the article quoted, where its piece
#: starts and how long it is), then the pieces, as bytes.
EDGES_MEMO = ".page-edges"


def _edges_carried(
    directory: Path, published: _Published, events: Mapping[str, _Read], articles: Articles | None
) -> Carried | None:
    """The published build's JSON of the edges of each source whose file did not change (same
    recipe), that quotes the article the page would quote now (`Articles.found`), and none of whose
    brokers (named on its edges) changed in the register. None when there are none."""
    from graphkit.manifest import read_register_changes
    from graphkit.render.page import Carried

    now = published.now
    if published.memos is None or now is None:
        return None
    previous, before = published.memos
    memo: _EdgesMemo | None = _memo(previous / EDGES_MEMO, _edges_read)
    changed = [] if before.registers == now.registers else read_register_changes(directory)
    if memo is None or changed is None:
        return None
    made_for, kept, blob = memo
    gone = set(changed)
    pieces: dict[str, bytes] = {}
    for source_id, (key, start, length) in kept.items():
        found = events.get(source_id)
        if found is None or before.sources.get(source_id) != now.sources.get(source_id):
            continue
        if key != _quoted(next(iter(found.values()), None), articles) or any(
                gone.intersection(e.get("brokers", ())) for e in found.values()):
            continue
        pieces[source_id] = blob[start : start + length]
    return Carried(tuple(made_for), pieces)


def _quoted(event: Mapping[str, Any] | None, articles: Articles | None) -> str | None:
    """Which article a source's events (`event`, one of them) would quote (graphkit.render.evidence),
    as `Articles.found` keys it."""
    if articles is None or event is None:
        return None
    return articles.found(event.get("sha256"), [f"{event.get('sourceId')}.txt"])


def _keep_edges(directory: Path, drawing: Drawing, articles: Articles | None) -> None:
    """Write the page's edges by source beside it (`EDGES_MEMO`), for the next build to carry (as
    the other memos, flushed when the build is published)."""
    kept: dict[str, tuple[str | None, int, int]] = {}
    start, order = 0, drawing.by_source
    for source_id, piece in drawing.made.items():
        kept[source_id] = (_quoted(drawing.events[order[source_id][0]], articles), start, len(piece))
        start += len(piece)
    head = orjson.dumps({"for": list(drawing.made_for), "sources": kept})
    (directory / EDGES_MEMO).write_bytes(b"".join([head, b"\n", *drawing.made.values()]))


#: An `EDGES_MEMO` read: (what its pieces were made for, {source id: (key, start, length)}, the pieces).
_EdgesMemo = tuple[list[Any], dict[str, tuple[str | None, int, int]], bytes]


def _edges_read(text: bytes) -> _EdgesMemo:
    """An `EDGES_MEMO`'s bytes read; ValueError when its pieces are not what its index says."""
    head, _, blob = text.partition(b"\n")
    index = orjson.loads(head)
    kept = {str(k): (v[0], int(v[1]), int(v[2])) for k, v in index["sources"].items()}
    if sum(length for _, _, length in kept.values()) != len(blob):
        raise ValueError("an edges memo whose pieces are not its index's")
    return list(index["for"]), kept, blob


#: Beside a build's page: where its static layout put each node, which the next build's page takes
#: over while the graph's structure is the same (`_positions_carried`).
POSITIONS_MEMO = ".page-positions.json"


def _positions_carried(
    published: _Published, events: Mapping[str, _Read], before: Mapping[str, _Read] | None
) -> dict[str, tuple[float, float]] | None:
    """The published page's node positions, when the layout (a function of the nodes and of which
    pairs of them are linked) must be the same: the same registers (so the same nodes and "part of"
    links), no source removed, and each source whose file changed linking the same pairs as before
    (an amount edited; an ingest adds entities and so lays out again). None otherwise: the page lays
    its graph out (0.34 s at a million quads, where most components are remembered; 4 s at 10M)."""
    from graphkit.networkx_view import event_edges

    now = published.now
    if published.memos is None or now is None or before is None:
        return None
    previous, manifest = published.memos
    if manifest.registers != now.registers or set(manifest.sources) - set(now.sources):
        return None

    def pairs(found: _Read) -> set[frozenset[str]]:
        return {frozenset(pair) for event in found.values() for pair in event_edges(event) if pair[0] != pair[1]}

    for source_id, digest in now.sources.items():
        if manifest.sources.get(source_id) != digest and pairs(before.get(source_id, {})) != pairs(
                events.get(source_id, {})):
            return None
    memo = _memo(previous / POSITIONS_MEMO)
    try:
        return {str(iri): (float(x), float(y)) for iri, (x, y) in memo.items()}
    except (TypeError, ValueError, AttributeError):  # not the memo's shape (or none)
        return None


#: Beside a build's page: its entities' attributes, which the next build's page takes over when the
#: registers did not change.
ENTITIES_MEMO = ".page-entities.json"


#: Above this many entities with changed register lines, the page reads every entity (four queries
#: in all) rather than each of those (four queries each).
ENTITIES_READ_ONE_BY_ONE = 200


def _entities_carried(store: Store, directory: Path, published: _Published) -> dict[str, dict[str, Any]]:
    """The entities' attributes the page draws: told in the register's graph alone, so the published
    build's (same recipe), but for those whose lines there changed (graphkit.manifest's
    REGISTER_CHANGES; none when neither register file changed): reading them all took 1.2 s at
    22,000 entities. The memo is only a cache: one that cannot be read is ignored."""
    from graphkit.manifest import read_register_changes
    from graphkit.networkx_view import entity_attributes

    now, nodes = published.now, None
    if published.memos is not None and now is not None:
        memo = _memo(published.memos[0] / ENTITIES_MEMO)
        changed = [] if published.memos[1].registers == now.registers else read_register_changes(directory)
        if isinstance(memo, dict) and changed is not None and len(changed) <= ENTITIES_READ_ONE_BY_ONE:
            gone = set(changed)
            nodes = dict(sorted({**{k: v for k, v in memo.items() if k not in gone},
                                 **(entity_attributes(store, changed) if changed else {})}.items()))
    if nodes is None:
        nodes = _taken(REGISTER_READ)
    if nodes is None:
        nodes = entity_attributes(store)
    if now is not None:
        with suppress(TypeError):  # a value JSON cannot hold: no memo, and the next build reads them
            (directory / ENTITIES_MEMO).write_bytes(orjson.dumps(nodes))
    return nodes


@contextmanager
def _memos_carried(directory: Path, previous: Path | None) -> Iterator[None]:
    """The published build's (`previous`) memos in, this build's out: a name's pinyin and a
    component's layout are functions of the name and of the component alone (whatever the code's
    version), and working them out was half of an incremental build's page at 22,000 entities. A
    memo that cannot be read is ignored (it is only a cache)."""
    for name, (_, remember) in _memos().items():
        memo = _memo(previous / name) if previous is not None else None
        if memo is not None:
            with suppress(ValueError, TypeError, AttributeError):  # not the memo's shape
                remember(memo)
    yield
    for name, (memo, _) in _memos().items():
        (directory / name).write_bytes(orjson.dumps(memo()))


def _memos() -> dict[str, tuple[Callable[[], Any], Callable[[Any], None]]]:
    """Beside a build's page, by file name: what the next build's page takes over."""
    from graphkit import names
    from graphkit.render import layout

    def pinyin(memo: Any) -> None:
        names.remember_pinyin({str(k): tuple(map(str, v)) for k, v in memo.items()})

    return {".pinyin.json": (names.pinyin_memo, pinyin), ".layout.json": (layout.layout_memo, layout.remember_layouts)}


def page_view_quoting(*articles: Path) -> View:
    """The page view, quoting each event's sentence from the article texts in `articles`, folders
    or files (`graphkit build --articles DIR`, and the files `graphkit ingest` reads; see
    graphkit.render.evidence)."""
    from graphkit.render.evidence import Articles

    return partial(_draw, articles=Articles.scan(*articles))  # a partial: a build may draw in a child
