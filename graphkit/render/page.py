"""The interactive explorer: one offline HTML file with a graph, a map, a timeline and (served) SPARQL.

pyvis sets the vis-network options, but its own templates load vis-network and bootstrap from CDNs,
which fails on air-gapped machines and tells a third party who reads what. So the page is assembled
here: vis-network is read from the installed pyvis package and inlined, the graph goes in once as
escaped JSON (with pinyin search keys, map positions, province roll-ups and totals computed here; its
edges in pieces by source, which a build carries over: `Drawing`), and the scripts of `assets/`
(core, graph, map, timeline, sparql, app) build every view from that data with DOM APIs only (never
innerHTML), so names scraped from the web stay text.

A Content-Security-Policy pins the inline scripts by hash. The file page may fetch nothing
(`connect-src 'none'`); the page `graphkit serve` sends (`served=True`, or `served_page` of the file)
differs only in `connect-src 'self'` and a mode flag, which turn on the SPARQL editor.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, overload

import jinja2
import networkx as nx
import orjson
import pyvis
from markupsafe import Markup
from pyvis.network import Network

from graphkit import money, vocabulary
from graphkit.analysis.aggregates import money_by_node
from graphkit.analysis.events import RELATIONS, donation_amount, events, total_donated
from graphkit.files import atomic_write
from graphkit.networkx_view import edge_data, event_edges
from graphkit.ontology import ID
from graphkit.render import geo
from graphkit.render.evidence import Articles, quote
from graphkit.render.layout import static_positions
from graphkit.render.places import node_extras, region_table
from graphkit.results import FORMULA_STARTS, NUMBER_RE

DEFAULT_TITLE = "graphkit — 谁帮助谁"
# Above this many nodes physics in the browser is slow and jittery: positions are computed here instead.
STATIC_LAYOUT_THRESHOLD = 300
# The most nodes one component gets a full spring layout for; the rest are set around their neighbours.
ASSETS = Path(__file__).resolve().parent / "assets"
VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
FONT_STACK = (
    'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", '
    '"PingFang SC", "Microsoft YaHei", sans-serif'
)
MIN_NODE, MAX_NODE = 9.0, 46.0
DEFAULT_LABEL_SIZE = 13
SPRING_LENGTH = 85.0
MIN_WIDTH, MAX_WIDTH = 1.6, 10.0
Json = dict[str, Any]


def _entity_styles() -> tuple[vocabulary.Term, ...]:
    """The legend's entity types (graphkit.vocabulary) and the catch-all for an unknown one."""
    return (*vocabulary.entity_types(), vocabulary.OTHER)


def _relation_styles() -> tuple[vocabulary.Term, ...]:
    return (*vocabulary.relations(), vocabulary.WITHIN)


# Edge attributes copied into the page as they are (the rest are restructured or dropped).
EVENT_FIELDS = (
    "relation", "event", "sourceId", "amount", "approximate", "period", "statedAs", "items", "quantity",
    "purpose", "date", "mode", "modeKey", "role", "planned", "figure", "validFrom", "validTo", "asOf",
    "inForceFrom", "inForceTo",
)  # fmt: skip
NODE_FIELDS = ("type", "level", "aliases", "parent", "based", "member", "role", "adcode", "lon", "lat")
# The page's scripts, in load order after vis-network: shared core, each view, exports and permalinks, the app.
SCRIPTS = (
    "core.js", "graph.js", "map.js", "timeline.js", "table.js", "sparql.js", "export.js", "permalink.js", "app.js",
)
MODE_META = '<meta name="graphkit-mode" content="{}">'


# ---------------------------------------------------------------- public API


def render_page(
    graph: nx.MultiDiGraph, *, title: str = DEFAULT_TITLE, served: bool = False, articles: Articles | None = None
) -> str:
    """The whole page as one string: opens from file:// with no network, in any modern browser.

    `served=True` is the page for `graphkit serve`: the same, plus permission to call its own origin
    (the SPARQL endpoint), which turns the SPARQL editor on. With `articles` (the texts the sources
    were read from), each event's panel quotes the sentence that states it (graphkit.render.evidence).
    """
    head, data, tail = _page_parts(Drawing.of(graph), title, served, articles)
    return head + data.decode("utf-8") + tail


#: Where the graph's data goes in the rendered template: it is added as the bytes orjson wrote (see
#: `_page_parts`). Never in an asset, and JSON from json_for_script cannot hold it (no `<`).
_DATA_SLOT = "<graphkit-page-data/>"


def _page_parts(drawing: Drawing, title: str, served: bool, articles: Articles | None) -> tuple[str, bytes, str]:
    """The page as (the text before the graph's data, the data as UTF-8 JSON, the text after).

    The data (23 MB at 22,000 entities) stays the bytes orjson wrote: made text, marked safe, joined
    into the page and encoded again, it was four copies more at the page's peak of memory."""
    data = page_bytes(drawing, title, articles)
    vis_js, vis_css = vis_assets()
    scripts = [vis_js, *(_asset(name) for name in SCRIPTS)]
    # Autoescaping escapes the title and the CSP; what is marked Markup is checked to be inert where
    # it goes (see _inline_css, json_for_script) or is our own script, pinned by hash in the CSP.
    text = _templates().get_template("page.html").render(
        title=title,
        csp=content_security_policy(*scripts, served=served),
        mode="served" if served else "file",
        vis_css=Markup(_inline_css(vis_css)),
        page_css=Markup(_inline_css(_asset("page.css"))),
        data=Markup(_DATA_SLOT),
        geo=Markup(json_for_script(geo.provinces())),
        scripts=[Markup(script) for script in scripts],
    )
    head, slot, tail = text.partition(_DATA_SLOT)
    if not slot or _DATA_SLOT in tail:
        raise RuntimeError("the page template must hold the graph's data once")
    return head, data, tail


@cache
def _templates() -> jinja2.Environment:
    """The page's template, from the package's assets, escaping everything not marked Markup."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(ASSETS), autoescape=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


@overload
def served_page(page: str) -> str: ...
@overload
def served_page(page: bytes) -> bytes: ...
def served_page(page: str | bytes) -> str | bytes:
    """A page written by `render_page` (served=False) turned into the served one, without the graph.

    For `graphkit serve`, which sends out/index.html: only the mode flag and the CSP's connect-src
    change (the scripts and their hashes are the same), so `served_page(render_page(g))` equals
    `render_page(g, served=True)`. Anything else is returned unchanged.
    """
    if isinstance(page, bytes):
        return served_page(page.decode("utf-8")).encode("utf-8")
    head, sep, body = page.partition("</head>")
    if not sep or MODE_META.format("file") not in head:
        return page
    head = head.replace(MODE_META.format("file"), MODE_META.format("served"), 1)
    head = re.sub(
        r'(<meta http-equiv="Content-Security-Policy" content="[^"]*?connect-src )&#39;none&#39;',
        r"\1&#39;self&#39;",
        head,
        count=1,
    )
    return head + sep + body


def write_page(
    graph: nx.MultiDiGraph | Drawing, path: Path, *, title: str = DEFAULT_TITLE, served: bool = False,
    articles: Articles | None = None,
) -> None:
    """Write the page atomically, so a browser or web server never sees half a file. A build passes
    a `Drawing` of what it read, with the edges it carries over from the build before."""
    drawing = graph if isinstance(graph, Drawing) else Drawing.of(graph)
    head, data, tail = _page_parts(drawing, title, served, articles)
    atomic_write(Path(path), b"".join([head.encode("utf-8"), data, tail.encode("utf-8")]))


# ---------------------------------------------------------------- what the page draws


@dataclass
class Drawing:
    """What the page draws: the entities' attributes by IRI (a node each, in this order), each event
    that has an edge once, by IRI (the attributes its edges carry), and the (giver, taker) pairs of
    its edges.

    A build draws from what it read of the store and from what the build before drew: `carried`
    holds, by source id, the JSON of the edges of sources that did not change, taken as they are
    (`page_bytes`: the per-event work of a page was most of an edit's at a million quads), and
    `made` gets the JSON of every source's edges, for the next build to carry."""

    nodes: dict[str, Json]
    events: dict[str, Json]
    pairs: dict[str, list[tuple[str, str]]]
    carried: Carried | None = None
    #: What the pieces in `made` were made for (as `Carried.made_for`), and the pieces.
    made_for: tuple[bool, str, str] = (False, "", "")
    made: dict[str, bytes] = field(default_factory=dict)
    #: A static layout's positions of these nodes, carried from the page before (taken when they
    #: place every node), and the positions the page drew (`laid`).
    positions: Mapping[str, tuple[float, float]] | None = None
    laid: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> Drawing:
        """The drawing of a networkx view (graphkit.networkx_view), edge for edge."""
        pairs: dict[str, list[tuple[str, str]]] = {}
        for giver, taker, key in graph.edges(keys=True):
            pairs.setdefault(str(key), []).append((str(giver), str(taker)))
        return cls({str(node): attrs for node, attrs in graph.nodes(data=True)}, events(graph), pairs)

    @classmethod
    def of_attributes(
        cls, nodes: Mapping[str, Json], attributes: Mapping[str, Json], carried: Carried | None = None
    ) -> Drawing:
        """The drawing of what `to_networkx` would make of the store's entity and event attributes
        (graphkit.networkx_view), without making the networkx graph: the same nodes, in the same
        order (a party the register does not hold is a node without attributes), and edges. An
        event's attributes are taken as they are: what its edges carry beside them
        (networkx_view.edge_data) is added where its edges are written (`_source_edges`)."""
        drawn: dict[str, Json] = dict(nodes)
        once: dict[str, Json] = {}
        pairs: dict[str, list[tuple[str, str]]] = {}
        for iri, event in sorted(attributes.items()):
            found = event_edges(event)
            if found:
                once[iri], pairs[iri] = event, found
                for giver, taker in found:
                    drawn.setdefault(giver, {})
                    drawn.setdefault(taker, {})
        return cls(drawn, once, pairs, carried)

    def label(self, iri: str) -> str | None:
        """A node's label (None for a node without attributes)."""
        attrs = self.nodes.get(iri)
        return attrs.get("label") if attrs else None

    @cached_property
    def by_source(self) -> dict[str, list[str]]:
        """The events by source id (in id order), each source's in IRI order: the order of the
        page's edges, so that a source's are together and can be carried as one piece."""
        found: dict[str, list[str]] = {}
        for iri in sorted(self.pairs):
            found.setdefault(str(self.events[iri].get("sourceId") or ""), []).append(iri)
        return dict(sorted(found.items()))


@dataclass(frozen=True)
class Carried:
    """The JSON of sources' edges a build carries over from the page of the build before, by source
    id, and what they were made for: whether the layout was static (a physics layout's edges say how
    they bend), and the `nodeBase` and `eventBase` they are written without. Taken only for a page
    drawn the same way."""

    made_for: tuple[bool, str, str]
    pieces: Mapping[str, bytes]


#: What the IRIs of entities and events begin with in a graph graphkit built: the page names nodes
#: and events without it (`nodeBase`, `eventBase`), a fifth of its data at a million quads.
NODE_BASE, EVENT_BASE = str(ID["entity/"]), str(ID["event/"])


def _base(iris: Iterable[str], base: str) -> str:
    """`base` if every IRI begins with it, else nothing (a graph of other IRIs)."""
    return base if all(iri.startswith(base) for iri in iris) else ""


def page_bytes(drawing: Drawing, title: str = DEFAULT_TITLE, articles: Articles | None = None) -> bytes:
    """The page's data (see `page_data`) as the UTF-8 JSON the page embeds, safe in a <script>.

    The edges are written source by source, each source's edges as one piece of JSON (`Drawing.made`),
    the piece `Drawing.carried` holds for it when there is one: an edge names its ends and its event
    without the IRIs' common beginnings and says nothing that depends on the rest of the graph (its
    place among the edges is its id, its width is in `widths`), so a source's piece is the same in
    every page that draws it (with a static layout: a physics layout bends parallel edges apart)."""
    data, pieces = page_data(drawing, title, articles)
    text = _json_bytes_for_script(data)
    opening = b'{"edges":[]'
    if not text.startswith(opening):
        raise RuntimeError("the page's data must open with its edges")
    return b"".join([b'{"edges":[', b",".join(piece for piece in pieces if piece), b"]", text[len(opening) :]])


def page_data(
    drawing: Drawing, title: str = DEFAULT_TITLE, articles: Articles | None = None
) -> tuple[Json, list[bytes]]:
    """Everything the page script reads, data-driven so new views need no change here, and the JSON
    of its edges in pieces (`page_bytes` puts them in `edges`, which this leaves empty).

    The wire format is compact, because a 10,000-node page is parsed before anything is drawn: edges
    name their ends by node id and their event by IRI without `nodeBase` and `eventBase`, an edge's id
    is its place among them and its width is in `widths` (null for none); what the relation's style or
    the defaults say is not repeated per item. `read_payload` (and the page's core.js) expand it back.

    Beside the assistance relations, each entity is linked to the region or unit it belongs to
    (township -> county, bureau -> its city, cadre -> sending unit): these faint "part of" links keep a
    place's organisations together on screen, so the drawing reads as clusters rather than a hairball.
    """
    static = len(drawing.nodes) > STATIC_LAYOUT_THRESHOLD
    bases = _base(drawing.nodes, NODE_BASE), _base(drawing.pairs, EVENT_BASE)
    drawing.made_for = (static, *bases)
    carried = drawing.carried.pieces if drawing.carried and tuple(drawing.carried.made_for) == drawing.made_for else {}
    entities: nx.MultiDiGraph[str] = nx.MultiDiGraph()  # the nodes alone, for what reads containment
    entities.add_nodes_from(drawing.nodes.items())
    order = drawing.by_source
    drawn = [pair for iris in order.values() for iri in iris for pair in drawing.pairs[iri]]
    structure = structure_links(entities)
    degree = Counter(end for pair in drawn for end in pair)
    linked = degree + Counter(end for child, container, _ in structure for end in (child, container))
    totals = money_by_node(entities, drawing.events)
    sizes = _node_sizes(drawing.nodes, totals, linked)
    laid_before = drawing.positions
    if not static:
        positions: Mapping[str, tuple[float, float]] = {}
    elif laid_before is not None and laid_before.keys() == drawing.nodes.keys():
        positions = laid_before
    else:
        positions = static_positions(drawing.nodes, [*drawn, *((u, v) for u, v, _ in structure)])
    drawing.laid = positions
    extras = node_extras(entities, drawing.events)
    nodes = [_node_item(iri, attrs, totals, sizes, positions, degree, extras) for iri, attrs in drawing.nodes.items()]
    within = [_structure_edge(u[len(bases[0]) :], v[len(bases[0]) :], kind) for u, v, kind in structure]
    if static:
        pieces = [_source_piece(drawing, source_id, carried.get(source_id), iris, articles, bases)
                  for source_id, iris in order.items()]
        pieces.append(_json_bytes_for_script(within)[1:-1])
    else:
        pieces = _bent_pieces(drawing, order, within, articles, bases, sizes)
    return {
        "edges": [],
        "version": 3,
        "meta": {"title": title, "layout": "static" if static else "physics", **_summary(drawing)},
        "csv": {"formulaStarts": FORMULA_STARTS, "number": NUMBER_RE.pattern},
        "entityTypes": [asdict(style) for style in _entity_styles()],
        "relations": [asdict(style) for style in _relation_styles()],
        "levels": [asdict(term) for term in vocabulary.levels()],
        "figures": [asdict(term) for term in vocabulary.FIGURES],
        "modes": [{**asdict(term), "broader": vocabulary.mode_parents().get(term.key)} for term in vocabulary.modes()],
        "money": money.short_rule(),
        "registerLinks": [asdict(term) for term in vocabulary.REGISTER_LINKS],
        "edgeStyles": edge_styles(),
        "nodeBase": bases[0],
        "eventBase": bases[1],
        "widths": [*_widths(drawing, order), *([None] * len(within))],
        "nodes": nodes,
        "sources": _sources(drawing),
        "regions": region_table(entities, {node["id"]: node["gk"] for node in nodes}),
        "queries": _named_queries(),
        "options": vis_options(_network(static, len(nodes)), len(nodes)),
    }, pieces


def _source_piece(
    drawing: Drawing, source_id: str, carried: bytes | None, iris: list[str], articles: Articles | None,
    bases: tuple[str, str],
) -> bytes:
    """The JSON of a source's edges (without the list's brackets): `carried`, or made (`_source_edges`)."""
    piece = _json_bytes_for_script(_source_edges(drawing, iris, articles, bases))[1:-1] if carried is None else carried
    drawing.made[source_id] = piece
    return piece


def _source_edges(drawing: Drawing, iris: list[str], articles: Articles | None, bases: tuple[str, str]) -> list[Json]:
    """A source's edges: an assistance relation runs helper -> helped and carries its event's record
    (its colour, arrow, dashes and default width come from the relation's style, `edge_styles`,
    applied by the page script, so they are not repeated on every edge)."""
    nodes, events = bases
    edges = []
    for iri in iris:
        record = _event_record(edge_data(iri, drawing.events[iri], drawing.label), articles)  # one for all its edges
        if events and isinstance(record.get("event"), str):
            record["event"] = record["event"][len(events) :]
        edges += [{"from": giver[len(nodes) :], "to": taker[len(nodes) :], "gk": record}
                  for giver, taker in drawing.pairs[iri]]
    return edges


def _bent_pieces(
    drawing: Drawing, order: Mapping[str, list[str]], within: list[Json], articles: Articles | None,
    bases: tuple[str, str], sizes: Mapping[str, tuple[float, int]],
) -> list[bytes]:
    """The sources' edges and the "part of" links for a physics layout (a small graph, drawn anew
    every time: no build carries its edges): springs lengthened by the radii beyond the smallest, so
    big neighbours never sit on each other, and parallel edges bent apart."""
    made = {source_id: _source_edges(drawing, iris, articles, bases) for source_id, iris in order.items()}
    edges = [*(edge for found in made.values() for edge in found), *within]
    pairs = [frozenset((edge["from"], edge["to"])) for edge in edges]
    parallel, seen = Counter(pairs), Counter[frozenset[str]]()
    for edge, pair in zip(edges, pairs, strict=True):
        edge["length"] = SPRING_LENGTH * (0.7 if edge["gk"]["relation"] == "within" else 1.0)
        edge["length"] += sizes[bases[0] + edge["from"]][0] + sizes[bases[0] + edge["to"]][0] - 2 * MIN_NODE
        if parallel[pair] > 1:
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.12 + 0.16 * seen[pair]}
            seen[pair] += 1
    return [_json_bytes_for_script(found)[1:-1] for found in [*made.values(), within]]


def _widths(drawing: Drawing, order: Mapping[str, list[str]]) -> list[float | None]:
    """Each event edge's width, in the edges' order: a donation's by its amount against the largest
    (`edge_width`), none for the others (their relation's style says it)."""
    donations = [drawing.events[iri] for iris in order.values() for iri in iris
                 if drawing.events[iri].get("relation") == "donation"]
    top = max((float(event.get("amount") or 0.0) for event in donations), default=0.0)
    widths: list[float | None] = []
    for iris in order.values():
        for iri in iris:
            event = drawing.events[iri]
            width = edge_width(event.get("amount"), top) if event.get("relation") == "donation" else None
            widths += [width] * len(drawing.pairs[iri])
    return widths


def _network(static: bool, count: int) -> Network:
    """pyvis's network, for its options (the layout's, set by `_set_options`)."""
    net = Network(directed=True, cdn_resources="local")
    _set_options(net, static, count)
    return net


def _node_sizes(
    nodes: Mapping[str, Any], totals: Mapping[str, Mapping[str, float]], degree: Mapping[str, int]
) -> dict[str, tuple[float, int]]:
    """(radius, label size) per node: radius by the money it moved, labels larger for big or busy nodes."""
    top = max((sum(t.values()) for t in totals.values()), default=0.0)
    sizes: dict[str, tuple[float, int]] = {}
    for iri in nodes:
        money = totals.get(iri, {})
        size = node_size(money.get("given", 0.0) + money.get("received", 0.0), top, degree.get(iri, 0))
        sizes[iri] = (size, label_size(size, degree.get(iri, 0)))
    return sizes


def _node_item(
    iri: str, attrs: Mapping[str, Any], totals: Mapping[str, Mapping[str, float]],
    sizes: Mapping[str, tuple[float, int]], positions: Mapping[str, tuple[float, float]], degree: Mapping[str, int],
    extras: Mapping[str, Json],
) -> Json:
    """One dot per entity: coloured by type, sized by the money it moved, labelled with its Chinese name."""
    money = totals.get(iri, {"given": 0.0, "received": 0.0})
    # Colour and shape come from the type's group (vis `groups`), so each node carries only its own.
    item: Json = {
        "id": iri, "label": str(attrs.get("label") or iri), "group": vocabulary.entity_type(attrs.get("type")).key,
        "size": sizes[iri][0], "gk": {**_node_record(attrs, money, degree.get(iri, 0)), **extras.get(iri, {})},
    }
    if sizes[iri][1] != DEFAULT_LABEL_SIZE:
        item["font"] = {"size": sizes[iri][1]}
    if iri in positions:
        item["x"], item["y"] = positions[iri]
    return item


def _node_record(attrs: Mapping[str, Any], money: Mapping[str, float], degree: int) -> Json:
    """What the tooltip, panel and search read about a node (kept apart from vis's own keys)."""
    record = {key: _plain(attrs[key]) for key in NODE_FIELDS if attrs.get(key) not in (None, "", [])}
    if vocabulary.entity_type(record.get("type")) is vocabulary.OTHER:  # still drawn, filtered as "other"
        record["type"] = vocabulary.OTHER.key
    record["aliases"] = [str(alias) for alias in attrs.get("aliases", [])]
    if not record["aliases"]:
        del record["aliases"]
    if attrs.get("label_en"):
        record["en"] = str(attrs["label_en"])  # the English toggle's name (name_en of the register)
    for key, value in (("given", money["given"]), ("received", money["received"]), ("degree", degree)):
        if value:  # zeros are left out: at 10,000 nodes every byte is paid for in load time
            record[key] = value
    return record


def _event_record(data: Mapping[str, Any], articles: Articles | None = None) -> Json:
    """The event's attributes, its parties and its brokers, as plain JSON values."""
    record = {key: value if type(value) in _JSON_SCALARS else _plain(value)
              for key in EVENT_FIELDS if (value := data.get(key)) is not None and value != ""}
    if "modeKey" in record:  # the mode's concept, by the local name the page's mode filter uses
        record["modeKey"] = str(record["modeKey"]).rsplit("/", 1)[-1]
    counted = donation_amount(data)
    if counted is not None:
        record["counted"] = counted  # what the map's flows add (a rate adds nothing)
    labels = list(data.get("broker_labels") or [])
    brokers = list(data.get("brokers") or [])
    if brokers:
        record["brokers"] = [
            {"id": str(iri), "label": str(labels[i] if i < len(labels) else iri)} for i, iri in enumerate(brokers)
        ]
    if record.get("relation") == "secondment" and data.get("from"):  # the edge runs from the person
        record["unit"] = [str(p) for p in data["from"]]  # so the sending unit is kept beside it
    if data.get("start") is not None and data.get("end") is not None:
        record["span"] = [int(data["start"]), int(data["end"])]
        text = articles.text(data.get("sha256"), [f"{data.get('sourceId')}.txt"]) if articles else None
        if text is not None:
            record["evidence"] = quote(text, *record["span"])
    when, stated = event_when(data)
    if when:
        record["when"] = when  # the page reads the year from it
        if not stated:
            record["whenSource"] = True  # dated by its article, not by the event itself
    return record


def event_when(data: Mapping[str, Any]) -> tuple[str | None, bool]:
    """(date as yyyy[-mm[-dd]], whether the event states it) from the event's date (a pairing's start,
    else the date a source states it in force), else its source's."""
    for key, stated in (("date", True), ("validFrom", True), ("asOf", True), ("sourceDate", False)):
        match = re.match(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", str(data.get(key) or ""))
        if match:
            return match.group(0), stated
    return None, False


def structure_links(graph: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    """(entity, container, kind) for each part-of, based-in and member-of link between drawn entities."""
    links: list[tuple[str, str, str]] = []
    for iri, attrs in graph.nodes(data=True):
        targets: set[str] = set()
        for kind in (link.key for link in vocabulary.REGISTER_LINKS):
            target = attrs.get(kind)
            if target and target != iri and target in graph and target not in targets:
                targets.add(target)
                links.append((iri, str(target), kind))
    return links


def _structure_edge(child: str, container: str, kind: str) -> Json:
    """A faint undirected-looking link that pulls an entity next to the place or unit it belongs to
    (its ends named as the page names nodes: without `nodeBase`)."""
    return {"from": child, "to": container, "gk": {"relation": "within", "kind": kind}}


def edge_styles() -> dict[str, Json]:
    """vis edge options per relation, applied to each edge by the page script."""
    styles: dict[str, Json] = {}
    for style in _relation_styles():
        within = style.key == "within"
        styles[style.key] = {
            "color": _edge_color(style.color, opacity=0.8 if within else 0.85),
            "width": {"pairing": 2.2, "within": 1.0}.get(style.key, 1.6),
            "arrows": {"to": {"enabled": not within, "scaleFactor": 0.55}},
        }
        if within or style.key == "secondment":
            styles[style.key]["dashes"] = [2, 4] if within else [6, 4]
    return styles


def node_size(money: float, top: float, degree: int) -> float:
    """Radius on a square-root scale of money, so area (what the eye compares) is proportional to it.

    Clamped, so the biggest donor does not swallow the screen and entities without reported money stay
    visible, a little larger when they are hubs of pairings and secondments.
    """
    if money > 0 and top > 0:
        size = MIN_NODE + 4 + (MAX_NODE - MIN_NODE - 4) * math.sqrt(money / top)
        return round(min(MAX_NODE, size), 1)
    return MIN_NODE + 0.6 * min(degree, 6)


def label_size(size: float, degree: int) -> int:
    """Bigger labels for big or busy nodes, so the main actors stay named when the whole graph is in view."""
    return int(min(26, 12 + (size - MIN_NODE) * 0.4 + 1.0 * min(degree, 8)))


def edge_width(amount: float | None, top: float) -> float:
    """Donation line width on a square-root scale of its amount; unpriced gifts get the thinnest line."""
    if not amount or top <= 0:
        return MIN_WIDTH
    return round(MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * math.sqrt(min(amount, top) / top), 2)


def _node_color(color: str) -> Json:
    """vis colour object: a white ring keeps overlapping dots apart; highlight keeps the type's colour."""
    return {
        "background": color,
        "border": "#ffffff",
        "highlight": {"background": color, "border": "#1f2733"},
        "hover": {"background": color, "border": "#1f2733"},
    }


def _edge_color(color: str, opacity: float = 0.85) -> Json:
    """vis edge colour: the relation's colour everywhere, so selection never recolours a relation."""
    return {"color": color, "highlight": color, "hover": color, "opacity": opacity, "inherit": False}


def _set_options(net: Network, static: bool, count: int) -> None:
    """Layout: tuned forceAtlas2 then frozen for small graphs; precomputed positions for large ones."""
    net.force_atlas_2based(
        gravity=-60,
        central_gravity=0.022,
        spring_length=SPRING_LENGTH,
        spring_strength=0.08,
        damping=0.55,
        overlap=0.6,
    )
    net.toggle_physics(not static)
    net.toggle_stabilization(not static)
    net.options.physics.stabilization.iterations = 900
    net.options.physics.stabilization.updateInterval = 30
    net.set_edge_smooth("continuous")
    net.options.edges.smooth.enabled = not static
    net.inherit_edge_colors(False)
    net.toggle_hide_edges_on_drag(count > 1000)


def vis_options(net: Network, count: int) -> Json:
    """pyvis's options plus the look and interaction pyvis has no setter for."""
    options = json.loads(net.options.to_json())
    options["physics"].update(minVelocity=0.8, maxVelocity=40, timestep=0.4)
    options["layout"] = {"randomSeed": 7, "improvedLayout": count <= 150}
    options["groups"] = {
        style.key: {"color": _node_color(style.color), "shape": "dot"} for style in _entity_styles()
    }
    options["nodes"] = {
        "shape": "dot",
        "borderWidth": 1.5,
        "borderWidthSelected": 3,
        # Labels smaller than 8px on screen are skipped: the overview names hubs, zooming in names all.
        "scaling": {"label": {"enabled": False, "drawThreshold": 8, "maxVisible": 40}},
        "font": {"face": FONT_STACK, "size": 13, "color": "#1f2733", "strokeWidth": 3, "strokeColor": "#ffffff"},
    }
    options["edges"].update(selectionWidth=1.5, hoverWidth=0.6, arrowStrikethrough=False)
    options["interaction"].update(hover=True, tooltipDelay=120, multiselect=False, navigationButtons=False)
    return options


# ---------------------------------------------------------------- the page's data


def read_payload(page: str) -> Json:
    """The graph data of a rendered page, expanded as the page script does (for tests and tools)."""
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.DOTALL)
    if not match:
        raise ValueError("not a graphkit page: no graph-data element")
    data = json.loads(match.group(1))
    nodes, events, widths = data.get("nodeBase", ""), data.get("eventBase", ""), data.get("widths", [])
    for index, edge in enumerate(data["edges"]):
        edge["id"] = f"e{index}"
        edge["from"], edge["to"] = nodes + edge["from"], nodes + edge["to"]
        if index < len(widths) and widths[index] is not None:
            edge["width"] = widths[index]
        if "event" in edge["gk"]:
            edge["gk"]["event"] = events + edge["gk"]["event"]
        if "when" in edge["gk"]:
            edge["gk"]["year"] = int(edge["gk"]["when"][:4])
    return data


def _named_queries() -> list[Json]:
    """The library of named queries, as examples for the served page's SPARQL editor."""
    try:
        from graphkit.query import named_queries

        library = named_queries()
    except Exception:  # a page without examples is still a page
        return []
    return [
        {
            "name": q.name,
            "description": q.description,
            "text": q.text,
            "params": [
                {"name": p.name, "kind": p.kind, "description": p.description, "default": p.default} for p in q.params
            ],
        }
        for q in sorted(library.values(), key=lambda q: q.name)
    ]


def _sources(drawing: Drawing) -> dict[str, Json]:
    """Each cited article once, by source id, rather than repeated on every edge it supports."""
    sources: dict[str, Json] = {}
    fields = {"title": "title", "publisher": "publisher", "date": "sourceDate", "url": "url",
              "status": "sourceStatus", "kind": "sourceKind"}
    for data in drawing.events.values():
        source_id = data.get("sourceId")
        if source_id is None or str(source_id) in sources:
            continue
        sources[str(source_id)] = {
            key: _plain(data[attr]) for key, attr in fields.items() if data.get(attr) not in (None, "")
        }
    return dict(sorted(sources.items()))


def _summary(drawing: Drawing) -> Json:
    """Counts for the header: entities, events by relation, sources, and the money donated in yuan,
    counted by the one rule of every total (graphkit.model.counted), from each event once (as the
    report's, `analysis.events.events`)."""
    once = drawing.events
    by_relation = Counter(str(data.get("relation")) for data in once.values())
    donated = total_donated(once.values())
    sources = {str(data["sourceId"]) for data in once.values() if data.get("sourceId") is not None}
    dates = [str(data["sourceDate"])[:10] for data in once.values() if data.get("sourceDate")]
    return {
        "entities": len(drawing.nodes),
        "events": len(once),
        "eventsByRelation": {**{r: by_relation[r] for r in RELATIONS if r in by_relation}, **by_relation},
        "sources": len(sources),
        "donated": donated,
        "asOf": max(dates, default=None),  # the latest article: what a caption calls the data's date
    }


#: The types `_plain` returns as they are (most of an event's values), asked before calling it.
_JSON_SCALARS = frozenset({bool, int, float, str})


def _plain(value: Any) -> Any:
    """A JSON-ready value: numbers and booleans kept, everything else (dates, Decimals, IRIs) as text."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


def json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element or be read as markup: <, >, & and line separators escaped.

    Written by orjson (a 23 MB page's data in 0.06 s, where the standard library took 0.45 s), which
    refuses what JSON cannot hold as the standard library does, save NaN and infinities, which it
    writes as null (the page's numbers are amounts, counts and positions, never those)."""
    return _json_bytes_for_script(data).decode("utf-8")


def _json_bytes_for_script(data: Any) -> bytes:
    """`json_for_script` as the UTF-8 bytes it is made of."""
    text = orjson.dumps(data)
    for char, escape in ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"),
                         ("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029")):  # fmt: skip
        text = text.replace(char, escape)
    return text


# ---------------------------------------------------------------- embedded assets


@cache
def _asset(name: str) -> str:
    """A file of `assets/`, read once per process."""
    return (ASSETS / name).read_text(encoding="utf-8")


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet from the installed pyvis, ready to inline.

    The source-map comment goes (a browser with devtools open would try to fetch it) and any `</script`
    is broken up, so the library cannot close its own <script> element early.
    """
    js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    js = re.sub(r"^\s*//[#@] sourceMappingURL=.*$", "", js, flags=re.MULTILINE)
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    css = re.sub(r"/\*[#@] sourceMappingURL=.*?\*/", "", css)
    return js, css


def _inline_css(css: str) -> str:
    """A stylesheet safe inside <style>: refuses one that would close the element."""
    if re.search(r"</style", css, flags=re.IGNORECASE):
        raise ValueError("stylesheet contains </style and cannot be inlined")
    return css


def content_security_policy(*scripts: str, served: bool = False) -> str:
    """Only these inline scripts may run, and nothing may be fetched: the page is sealed offline.

    Hash-pinning the scripts also means an injected `onerror=` attribute could never execute, even if
    some future change wrote data into the DOM as markup. The served page may call its own origin
    (`connect-src 'self'`, for /sparql) and nothing else; the file page may call nothing at all.
    """
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)
    connect = "'self'" if served else "'none'"
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; font-src data:; "
        f"connect-src {connect}; base-uri 'none'; form-action 'none'; object-src 'none'"
    )
