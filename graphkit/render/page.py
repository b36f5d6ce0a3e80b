"""The interactive explorer: one offline HTML file with a graph, a map, a timeline and (served) SPARQL.

pyvis builds the vis-network nodes, edges and options, but its own templates load vis-network and
bootstrap from CDNs, which fails on air-gapped machines and tells a third party who reads what. So the
page is assembled here: vis-network is read from the installed pyvis package and inlined, the graph goes
in once as escaped JSON (with pinyin search keys, map positions, province roll-ups and totals computed
here), and the scripts of `assets/` (core, graph, map, timeline, sparql, app) build every view from that
data with DOM APIs only (never innerHTML), so names scraped from the web stay text.

A Content-Security-Policy pins the inline scripts by hash. The file page may fetch nothing
(`connect-src 'none'`); the page `graphkit serve` sends (`served=True`, or `served_page` of the file)
differs only in `connect-src 'self'` and a mode flag, which turn on the SPARQL editor.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict
from functools import cache
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
    head, data, tail = _page_parts(graph, title, served, articles)
    return head + data.decode("utf-8") + tail


#: Where the graph's data goes in the rendered template: it is added as the bytes orjson wrote (see
#: `_page_parts`). Never in an asset, and JSON from json_for_script cannot hold it (no `<`).
_DATA_SLOT = "<graphkit-page-data/>"


def _page_parts(
    graph: nx.MultiDiGraph, title: str, served: bool, articles: Articles | None
) -> tuple[str, bytes, str]:
    """The page as (the text before the graph's data, the data as UTF-8 JSON, the text after).

    The data (23 MB at 22,000 entities) stays the bytes orjson wrote: made text, marked safe, joined
    into the page and encoded again, it was four copies more at the page's peak of memory."""
    net, meta = build_network(graph, articles)
    data = _json_bytes_for_script(page_data(net, graph, meta, title))
    del net  # the page's records (a few hundred MB at 22,000 entities) go before the text is made
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
    graph: nx.MultiDiGraph, path: Path, *, title: str = DEFAULT_TITLE, served: bool = False,
    articles: Articles | None = None,
) -> None:
    """Write the page atomically, so a browser or web server never sees half a file."""
    head, data, tail = _page_parts(graph, title, served, articles)
    atomic_write(Path(path), b"".join([head.encode("utf-8"), data, tail.encode("utf-8")]))


# ---------------------------------------------------------------- the pyvis network


def build_network(graph: nx.MultiDiGraph, articles: Articles | None = None) -> tuple[Network, Json]:
    """A pyvis Network of the graph's entities and relations, plus the facts the header shows.

    Besides the assistance relations, each entity is linked to the region or unit it belongs to
    (township -> county, bureau -> its city, cadre -> sending unit): these faint "part of" links keep a
    place's organisations together on screen, so the drawing reads as clusters rather than a hairball.
    """
    once = events(graph)  # each event once, for every total the page shows
    totals = money_by_node(graph, once)
    static = graph.number_of_nodes() > STATIC_LAYOUT_THRESHOLD
    links = _edge_specs(graph, articles, bent=not static)
    sizes = _node_sizes(graph, totals, Counter(n for s in links for n in (s["from"], s["to"])))
    positions = static_positions(graph.nodes, [(s["from"], s["to"]) for s in links]) if static else {}
    net = _network()
    _add_nodes(net, graph, totals, sizes, positions, node_extras(graph, once))
    for spec in links:
        if not static:
            # Springs lengthened by the radii beyond the smallest, so big neighbours never sit on each other.
            spec["length"] = SPRING_LENGTH * (0.7 if spec["gk"]["relation"] == "within" else 1.0)
            spec["length"] += sizes[spec["from"]][0] + sizes[spec["to"]][0] - 2 * MIN_NODE
        net.add_edge(spec.pop("from"), spec.pop("to"), **spec)
    _set_options(net, static, graph.number_of_nodes())
    return net, {"layout": "static" if static else "physics", **_summary(graph, once)}


class _NodeIds(list[str]):
    """pyvis's list of node ids, answering `in` from a set: pyvis asks it on every add_node and (twice)
    on every add_edge, which made drawing quadratic (20 s of a 22,660-entity page's 48 s)."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[str] = set()

    def append(self, node_id: str) -> None:
        super().append(node_id)
        self._members.add(node_id)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._members


def _network() -> Network:
    net = Network(directed=True, cdn_resources="local")
    net.node_ids = _NodeIds()
    return net


def _node_sizes(
    graph: nx.MultiDiGraph, totals: Mapping[str, Mapping[str, float]], degree: Mapping[str, int]
) -> dict[str, tuple[float, int]]:
    """(radius, label size) per node: radius by the money it moved, labels larger for big or busy nodes."""
    top = max((sum(t.values()) for t in totals.values()), default=0.0)
    sizes: dict[str, tuple[float, int]] = {}
    for iri in graph.nodes:
        money = totals.get(iri, {})
        size = node_size(money.get("given", 0.0) + money.get("received", 0.0), top, degree.get(iri, 0))
        sizes[iri] = (size, label_size(size, degree.get(iri, 0)))
    return sizes


def _add_nodes(
    net: Network,
    graph: nx.MultiDiGraph,
    totals: Mapping[str, Mapping[str, float]],
    sizes: Mapping[str, tuple[float, int]],
    positions: Mapping[str, tuple[float, float]],
    extras: Mapping[str, Json],
) -> None:
    """One dot per entity: coloured by type, sized by the money it moved, labelled with its Chinese name."""
    degrees = dict(graph.degree())
    for iri, attrs in graph.nodes(data=True):
        money = totals.get(iri, {"given": 0.0, "received": 0.0})
        style = vocabulary.entity_type(attrs.get("type"))
        # Colour and shape come from the type's group (vis `groups`), so each node carries only its own.
        options: Json = {
            "group": style.key,
            "size": sizes[iri][0],
            "gk": {**_node_record(attrs, money, degrees[iri]), **extras.get(iri, {})},
        }
        if sizes[iri][1] != DEFAULT_LABEL_SIZE:
            options["font"] = {"size": sizes[iri][1]}
        if iri in positions:
            options["x"], options["y"] = positions[iri]
        net.add_node(iri, label=str(attrs.get("label") or iri), **options)


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


def _edge_specs(graph: nx.MultiDiGraph, articles: Articles | None = None, bent: bool = True) -> list[Json]:
    """Keyword arguments for `Network.add_edge`, one per drawn edge, parallel edges bent apart
    (`bent`; a large graph draws straight lines at fixed positions): an assistance relation runs
    helper -> helped and carries its event and source (its colour, arrow, dashes and default width
    come from the relation's style, `edge_styles`, applied by the page script, so they are not
    repeated on every edge)."""
    records: dict[str, Json] = {}  # an event of several givers or takers is one record on each of its edges
    specs = []
    for giver, taker, key, data in graph.edges(keys=True, data=True):
        record = records.get(key)
        if record is None:
            record = records[key] = _event_record(data, articles)
        specs.append({"from": giver, "to": taker, "gk": record})
    specs += [_structure_edge(u, v, kind) for u, v, kind in structure_links(graph)]
    top = max((s["gk"].get("amount", 0.0) for s in specs if s["gk"]["relation"] == "donation"), default=0.0)
    for index, spec in enumerate(specs):
        spec["id"] = f"e{index}"
        if spec["gk"]["relation"] == "donation":
            spec["width"] = edge_width(spec["gk"].get("amount"), top)
    if not bent:
        return specs
    pairs = [frozenset((s["from"], s["to"])) for s in specs]
    parallel = Counter(pairs)
    seen: Counter[frozenset[str]] = Counter()
    for spec, pair in zip(specs, pairs, strict=True):
        if parallel[pair] > 1:
            spec["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.12 + 0.16 * seen[pair]}
            seen[pair] += 1
    return specs


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
    """A faint undirected-looking link that pulls an entity next to the place or unit it belongs to."""
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


def page_data(net: Network, graph: nx.MultiDiGraph, meta: Json, title: str) -> Json:
    """Everything the page script reads: data-driven, so new views need no change here.

    The wire format is compact, because a 10,000-node page is parsed before anything is drawn: an
    edge names its ends by their index in `nodes`, event IRIs drop the common `eventBase`, and what the
    relation's style or the defaults say is not repeated per item. `read_payload` (and the page's
    core.js) expand it back.
    """
    nodes, edges, event_base = compact_items(net.nodes, net.edges)
    return {
        "version": 2,
        "meta": {"title": title, **meta},
        "csv": {"formulaStarts": FORMULA_STARTS, "number": NUMBER_RE.pattern},
        "entityTypes": [asdict(style) for style in _entity_styles()],
        "relations": [asdict(style) for style in _relation_styles()],
        "levels": [asdict(term) for term in vocabulary.levels()],
        "figures": [asdict(term) for term in vocabulary.FIGURES],
        "modes": [{**asdict(term), "broader": vocabulary.mode_parents().get(term.key)} for term in vocabulary.modes()],
        "money": money.short_rule(),
        "registerLinks": [asdict(term) for term in vocabulary.REGISTER_LINKS],
        "edgeStyles": edge_styles(),
        "eventBase": event_base,
        "nodes": nodes,
        "edges": edges,
        "sources": _sources(graph),
        "regions": region_table(graph, {n["id"]: n["gk"] for n in net.nodes}),
        "queries": _named_queries(),
        "options": vis_options(net, graph.number_of_nodes()),
    }


def compact_items(nodes: list[Json], edges: list[Json]) -> tuple[list[Json], list[Json], str]:
    """(nodes, edges, event IRI base) in the page's wire format (see `page_data`), made in place: a
    copy of every item (22,660 nodes and 63,710 edges at a million quads) was 40 MB of the page's
    peak. An event's record is shortened once for all its edges, as it is made once for them."""
    index = {node["id"]: i for i, node in enumerate(nodes)}
    for node in nodes:
        node.pop("shape", None)  # all dots
    events = [e["gk"]["event"] for e in edges if isinstance(e["gk"].get("event"), str)]
    base = os.path.commonprefix(events) if len(events) > 1 else ""  # noqa: RUF071 - a string prefix is meant
    base = base[: base.rfind("/") + 1] if "/" in base else ""
    shortened: dict[str, Json] = {}  # by event
    for edge in edges:
        edge.pop("arrows", None)  # from the relation's style
        edge["from"], edge["to"] = index[edge["from"]], index[edge["to"]]
        event = edge["gk"].get("event")
        if base and isinstance(event, str):
            if event not in shortened:
                shortened[event] = {**edge["gk"], "event": event[len(base) :]}
            edge["gk"] = shortened[event]
    return nodes, edges, base


def read_payload(page: str) -> Json:
    """The graph data of a rendered page, expanded as the page script does (for tests and tools)."""
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.DOTALL)
    if not match:
        raise ValueError("not a graphkit page: no graph-data element")
    data = json.loads(match.group(1))
    ids = [node["id"] for node in data["nodes"]]
    base = data.get("eventBase", "")
    for edge in data["edges"]:
        edge["from"], edge["to"] = ids[edge["from"]], ids[edge["to"]]
        if "event" in edge["gk"]:
            edge["gk"]["event"] = base + edge["gk"]["event"]
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


def _sources(graph: nx.MultiDiGraph) -> dict[str, Json]:
    """Each cited article once, by source id, rather than repeated on every edge it supports."""
    sources: dict[str, Json] = {}
    for _, _, data in graph.edges(data=True):
        source_id = data.get("sourceId")
        if source_id is None or str(source_id) in sources:
            continue
        fields = {"title": "title", "publisher": "publisher", "date": "sourceDate", "url": "url",
                  "status": "sourceStatus", "kind": "sourceKind"}
        sources[str(source_id)] = {
            key: _plain(data[attr]) for key, attr in fields.items() if data.get(attr) not in (None, "")
        }
    return sources


def _summary(graph: nx.MultiDiGraph, once: Mapping[str, Mapping[str, Any]]) -> Json:
    """Counts for the header: entities, events by relation, sources, and the money donated in yuan,
    counted by the one rule of every total (graphkit.model.counted), from each event once (`once`,
    the graph's `analysis.events.events`, as the report's)."""
    by_relation = Counter(str(data.get("relation")) for data in once.values())
    donated = total_donated(once.values())
    sources = {str(data["sourceId"]) for data in once.values() if data.get("sourceId") is not None}
    dates = [str(data["sourceDate"])[:10] for data in once.values() if data.get("sourceDate")]
    return {
        "entities": graph.number_of_nodes(),
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
