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
import html
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any, overload

import networkx as nx
import pyvis
from pyvis.network import Network

from graphkit import gazetteer, money, vocabulary
from graphkit.analysis.aggregates import money_by_node
from graphkit.analysis.containment import containers
from graphkit.analysis.events import donation_amount, total_donated
from graphkit.files import atomic_write
from graphkit.names import pinyin_keys
from graphkit.render import geo
from graphkit.results import FORMULA_STARTS, NUMBER_RE

DEFAULT_TITLE = "graphkit — 谁帮助谁"
# Above this many nodes physics in the browser is slow and jittery: positions are computed here instead.
STATIC_LAYOUT_THRESHOLD = 300
# The most nodes one component gets a full spring layout for; the rest are set around their neighbours.
DENSE_LIMIT = 480  # networkx switches to its scipy-only sparse solver at 500
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
    "purpose", "date", "mode", "role", "planned",
)  # fmt: skip
NODE_FIELDS = ("type", "level", "aliases", "parent", "based", "member", "role", "adcode", "lon", "lat")
# The page's scripts, in load order after vis-network: shared core, then each view, then the app.
SCRIPTS = ("core.js", "graph.js", "map.js", "timeline.js", "sparql.js", "app.js")
MODE_META = '<meta name="graphkit-mode" content="{}">'


# ---------------------------------------------------------------- public API


def render_page(graph: nx.MultiDiGraph, *, title: str = DEFAULT_TITLE, served: bool = False) -> str:
    """The whole page as one string: opens from file:// with no network, in any modern browser.

    `served=True` is the page for `graphkit serve`: the same, plus permission to call its own origin
    (the SPARQL endpoint), which turns the SPARQL editor on.
    """
    net, meta = build_network(graph)
    data = page_data(net, graph, meta, title)
    vis_js, vis_css = vis_assets()
    scripts = [vis_js, *(_asset(name) for name in SCRIPTS)]
    values = {
        "TITLE": html.escape(title, quote=True),
        "CSP": html.escape(content_security_policy(*scripts, served=served), quote=True),
        "MODE": MODE_META.format("served" if served else "file"),
        "VIS_CSS": _inline_css(vis_css),
        "PAGE_CSS": _inline_css(_asset("page.css")),
        "DATA": json_for_script(data),
        "GEO": json_for_script(geo.provinces()),
        "SCRIPTS": "\n".join(f"<script>{script}</script>" for script in scripts),
    }
    # One pass, so text inserted for one placeholder is never scanned for another.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda match: values[match.group(1)], _asset("page.html"))


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
        r'(<meta http-equiv="Content-Security-Policy" content="[^"]*?connect-src )&#x27;none&#x27;',
        r"\1&#x27;self&#x27;",
        head,
        count=1,
    )
    return head + sep + body


def write_page(graph: nx.MultiDiGraph, path: Path, *, title: str = DEFAULT_TITLE, served: bool = False) -> None:
    """Write the page atomically, so a browser or web server never sees half a file."""
    path = Path(path)
    text = render_page(graph, title=title, served=served)
    atomic_write(path, text)


# ---------------------------------------------------------------- the pyvis network


def build_network(graph: nx.MultiDiGraph) -> tuple[Network, Json]:
    """A pyvis Network of the graph's entities and relations, plus the facts the header shows.

    Besides the assistance relations, each entity is linked to the region or unit it belongs to
    (township -> county, bureau -> its city, cadre -> sending unit): these faint "part of" links keep a
    place's organisations together on screen, so the drawing reads as clusters rather than a hairball.
    """
    totals = money_by_node(graph)
    links = _edge_specs(graph)
    sizes = _node_sizes(graph, totals, Counter(n for s in links for n in (s["from"], s["to"])))
    static = graph.number_of_nodes() > STATIC_LAYOUT_THRESHOLD
    positions = static_positions(graph.nodes, [(s["from"], s["to"]) for s in links]) if static else {}
    net = Network(directed=True, cdn_resources="local")
    _add_nodes(net, graph, totals, sizes, positions, node_extras(graph))
    for spec in links:
        if static:  # no springs and no curves: a large graph draws straight lines at fixed positions
            spec.pop("smooth", None)
        else:
            # Springs lengthened by the radii beyond the smallest, so big neighbours never sit on each other.
            spec["length"] = SPRING_LENGTH * (0.7 if spec["gk"]["relation"] == "within" else 1.0)
            spec["length"] += sizes[spec["from"]][0] + sizes[spec["to"]][0] - 2 * MIN_NODE
        net.add_edge(spec.pop("from"), spec.pop("to"), **spec)
    _set_options(net, static, graph.number_of_nodes())
    return net, {"layout": "static" if static else "physics", **_summary(graph)}


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
    for iri, attrs in graph.nodes(data=True):
        money = totals.get(iri, {"given": 0.0, "received": 0.0})
        style = vocabulary.entity_type(attrs.get("type"))
        # Colour and shape come from the type's group (vis `groups`), so each node carries only its own.
        options: Json = {
            "group": style.key,
            "size": sizes[iri][0],
            "gk": {**_node_record(attrs, money, graph.degree(iri)), **extras.get(iri, {})},
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
    for key, value in (("given", money["given"]), ("received", money["received"]), ("degree", degree)):
        if value:  # zeros are left out: at 10,000 nodes every byte is paid for in load time
            record[key] = value
    return record


def _edge_specs(graph: nx.MultiDiGraph) -> list[Json]:
    """Keyword arguments for `Network.add_edge`, one per drawn edge, parallel edges bent apart."""
    specs = [_event_edge(u, v, data) for u, v, data in graph.edges(data=True)]
    specs += [_structure_edge(u, v, kind) for u, v, kind in structure_links(graph)]
    top = max((s["gk"].get("amount", 0.0) for s in specs if s["gk"]["relation"] == "donation"), default=0.0)
    parallel: dict[frozenset[str], int] = Counter(frozenset((s["from"], s["to"])) for s in specs)
    seen: Counter[frozenset[str]] = Counter()
    for index, spec in enumerate(specs):
        spec["id"] = f"e{index}"
        if spec["gk"]["relation"] == "donation":
            spec["width"] = edge_width(spec["gk"].get("amount"), top)
        pair = frozenset((spec["from"], spec["to"]))
        if parallel[pair] > 1:
            spec["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.12 + 0.16 * seen[pair]}
            seen[pair] += 1
    return specs


def _event_edge(giver: str, taker: str, data: Mapping[str, Any]) -> Json:
    """An assistance relation: helper -> helped, carrying its event and source.

    Its colour, arrow, dashes and default width come from the relation's style (`edge_styles`), applied
    by the page script, so they are not repeated on every edge.
    """
    return {"from": giver, "to": taker, "gk": _event_record(data)}


def _event_record(data: Mapping[str, Any]) -> Json:
    """The event's attributes, its parties and its brokers, as plain JSON values."""
    record = {key: _plain(data[key]) for key in EVENT_FIELDS if data.get(key) not in (None, "")}
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
    when, stated = event_when(data)
    if when:
        record["when"] = when  # the page reads the year from it
        if not stated:
            record["whenSource"] = True  # dated by its article, not by the event itself
    return record


def event_when(data: Mapping[str, Any]) -> tuple[str | None, bool]:
    """(date as yyyy[-mm[-dd]], whether the event states it) from the event's date, else its source's."""
    for key, stated in (("date", True), ("sourceDate", False)):
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


# ---------------------------------------------------------------- search keys, places and roll-ups


def node_extras(graph: nx.MultiDiGraph) -> dict[str, Json]:
    """Per node: pinyin search keys, where it sits on the map, its province and prefecture, and the
    money given and received by everything it contains (sub-regions, agencies based there, their staff)."""
    extras: dict[str, Json] = {iri: {} for iri in graph.nodes}
    for iri, attrs in graph.nodes(data=True):
        keys = pinyin_keys([str(attrs.get("label") or ""), *(str(a) for a in attrs.get("aliases") or [])])
        if keys:
            extras[iri]["py"] = keys
    for iri, place in places(graph).items():
        extras[iri].update(place)
    for iri, inside in contained_money(graph).items():
        extras[iri].update(inside)
    return extras


def _placement(graph: nx.MultiDiGraph, iri: str) -> list[str]:
    """Where a node's map position comes from, in order: itself, what contains it, and for someone
    contained in nothing (a cadre), the unit they belong to and what contains that."""
    found = [iri, *containers(graph, iri)]
    member = graph.nodes[iri].get("member")
    if len(found) == 1 and member in graph and member != iri:
        found += [str(member), *containers(graph, str(member))]
    return found


def places(graph: nx.MultiDiGraph) -> dict[str, Json]:
    """Map position and administrative roll-up per node.

    `geo` is [lon, lat], the entity's own or, failing that, the nearest container's that has them
    (`at` names it): a township without coordinates sits at its county, a bureau at its city, a cadre
    at the unit that sent them. `prov` and `pref` are the 6-digit adcodes of the province and
    prefecture of that place, from the gazetteer, so the map and filters can roll up by them.
    """
    out: dict[str, Json] = {}
    for iri in graph.nodes:
        chain = _placement(graph, str(iri))
        at = next((i for i, n in enumerate(chain) if graph.nodes[n].get("lon") is not None
                   and graph.nodes[n].get("lat") is not None), None)
        if at is None:
            continue
        anchor = chain[at]
        data = graph.nodes[anchor]
        place: Json = {"geo": [round(float(data["lon"]), 4), round(float(data["lat"]), 4)]}
        if anchor != iri:
            place["at"] = anchor
        # the administrative roll-up comes from the nearest adcode at or above the anchor
        adcode = next((graph.nodes[n]["adcode"] for n in chain[at:] if graph.nodes[n].get("adcode")), None)
        division = gazetteer.by_adcode(str(adcode)) if adcode else None
        if division is not None:
            parents = [division, *gazetteer.parents(division)]
            for level, key in (("province", "prov"), ("prefecture", "pref")):
                found = next((d for d in parents if d.level == level), None)
                if found is not None:
                    place[key] = found.code6
        out[str(iri)] = place
    return out


def region_table(graph: nx.MultiDiGraph, extras: Mapping[str, Json]) -> dict[str, Json]:
    """The provinces and prefectures the nodes roll up to: name, level, coordinates, and the drawn
    node of that region if there is one (so an aggregated map point can open the region's panel)."""
    by_code = {str(a["adcode"])[:6]: str(iri) for iri, a in graph.nodes(data=True) if a.get("adcode")}
    codes = {extra[key] for extra in extras.values() for key in ("prov", "pref") if key in extra}
    table: dict[str, Json] = {}
    for code in sorted(codes):
        division = gazetteer.by_adcode(code)
        if division is None:
            continue
        row: Json = {"name": division.name, "level": division.level}
        if division.lon is not None and division.lat is not None:
            row["geo"] = [round(division.lon, 4), round(division.lat, 4)]
        if code in by_code:
            row["id"] = by_code[code]
        table[code] = row
    return table


def contained_money(graph: nx.MultiDiGraph) -> dict[str, Json]:
    """Money given and received by each container together with everything within it.

    Containment is the project's one rule (`graphkit.containment`), as in gk:withinRegion. Each donation counts once
    per container even when several of its parties sit inside (a county's bureau and its township
    giving together), with the same rule as the node's own totals. Only containers are returned, with
    `within` (how many entities they contain), `givenAll` and `receivedAll`.
    """
    ancestors = {str(iri): containers(graph, str(iri)) for iri in graph.nodes}

    within: Counter[str] = Counter()
    for iri in graph.nodes:
        for container in ancestors[str(iri)]:
            within[container] += 1
    totals: dict[str, Json] = {c: {"within": n, "givenAll": 0.0, "receivedAll": 0.0} for c, n in within.items()}
    counted: set[tuple[str, str, str]] = set()
    for giver, taker, key, data in graph.edges(keys=True, data=True):
        amount = donation_amount(data)
        if amount is None:
            continue
        for party, side in ((giver, "givenAll"), (taker, "receivedAll")):
            for container in {str(party), *ancestors[str(party)]}:
                if container in totals and (container, side, key) not in counted:
                    counted.add((container, side, key))
                    totals[container][side] += float(amount)
    return totals


# ---------------------------------------------------------------- static layout for large graphs


def static_positions(
    nodes: Iterable[str], links: Iterable[tuple[str, str]], spacing: float = 46.0
) -> dict[str, tuple[float, float]]:
    """Positions in screen pixels: each connected component laid out alone, then packed in rows.

    Laying components out together lets small ones drift to the rim and squeezes the big one; packing
    them biggest first gives a stable, readable map even for thousands of entities. Unlinked entities
    share one compact grid instead of each taking a component's margin.
    """
    simple: nx.Graph[str] = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from((u, v) for u, v in links if u != v)
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    laid = [_component_layout(simple.subgraph(c), spacing) for c in components if len(c) > 1]
    singles = sorted(next(iter(c)) for c in components if len(c) == 1)
    if singles:
        laid.append(_grid(singles, spacing * 0.8))
    return _pack(laid, gap=spacing * 1.5)


def _grid(names: list[str], step: float) -> tuple[float, dict[str, tuple[float, float]]]:
    """(radius, positions) of a square grid centred on 0."""
    side = math.ceil(math.sqrt(len(names)))
    offset = (side - 1) * step / 2
    pos = {name: (i % side * step - offset, i // side * step - offset) for i, name in enumerate(names)}
    return max(offset * math.sqrt(2), step / 2), pos


def _component_layout(component: nx.Graph, spacing: float) -> tuple[float, dict[str, tuple[float, float]]]:
    """(radius, positions centred on 0) of one connected component.

    Up to DENSE_LIMIT nodes, a spring layout (networkx's dense solver: numpy only, about a second).
    Beyond that a dense solver is quadratic in time and memory, so only the best-connected nodes get a
    spring layout and the others are set around the neighbour that reaches them first, which is how
    these graphs look anyway: counties and cities with their donors and agencies around them.
    """
    count = len(component)
    if count <= DENSE_LIMIT:
        radius = spacing * math.sqrt(count) * 0.9
        pos = nx.spring_layout(component, seed=7, iterations=80 if count < 200 else 50)
        return radius, _scaled(pos, radius)
    core = sorted(component, key=lambda n: (-component.degree(n), n))[:DENSE_LIMIT]
    radius = spacing * math.sqrt(count) * 0.9
    placed = _scaled(nx.spring_layout(_skeleton(component, core), seed=7, iterations=50), radius * 0.8)
    _attach_around(component, placed, spacing * 0.7)
    return radius, placed


def _skeleton(component: nx.Graph, core: list[str]) -> nx.Graph:
    """The core nodes, linked when the regions of the component nearest to them touch.

    Each node belongs to the core node a breadth-first search from all of them reaches it from, so the
    skeleton is connected whenever the component is, and core nodes joined only through other nodes
    still pull together instead of flying to the rim.
    """
    owner = {node: node for node in core}
    frontier = list(core)
    while frontier:
        following = []
        for node in frontier:
            for neighbour in sorted(component[node]):
                if neighbour not in owner:
                    owner[neighbour] = owner[node]
                    following.append(neighbour)
        frontier = following
    skeleton: nx.Graph[str] = nx.Graph()
    skeleton.add_nodes_from(core)
    skeleton.add_edges_from((owner[u], owner[v]) for u, v in component.edges if owner[u] != owner[v])
    return skeleton


def _scaled(pos: Mapping[Any, Any], radius: float) -> dict[str, tuple[float, float]]:
    """networkx positions rescaled to `radius` pixels, as plain floats."""
    return {node: (float(x), float(y)) for node, (x, y) in nx.rescale_layout_dict(dict(pos), scale=radius).items()}


def _attach_around(component: nx.Graph, placed: dict[str, tuple[float, float]], step: float) -> None:
    """Place every unplaced node on a sunflower spiral around the placed neighbour found first (BFS)."""
    frontier = sorted(placed)
    children: Counter[str] = Counter()
    golden = math.pi * (3 - math.sqrt(5))
    while frontier:
        following: list[str] = []
        for parent in frontier:
            for node in sorted(n for n in component[parent] if n not in placed):
                children[parent] += 1
                k = children[parent]
                px, py = placed[parent]
                distance = step * (0.9 + 0.45 * math.sqrt(k))
                placed[node] = (px + distance * math.cos(k * golden), py + distance * math.sin(k * golden))
                following.append(node)
        frontier = following


def _pack(laid: list[tuple[float, dict[str, tuple[float, float]]]], gap: float) -> dict[str, tuple[float, float]]:
    """Shelf-pack component discs into rows about as wide as the total is tall, centred on 0."""
    width = math.sqrt(sum((2 * r + gap) ** 2 for r, _ in laid)) * 1.15
    if laid and 2 * laid[0][0] + gap > width / 2:  # one dominant component: the rest go in rows beneath it
        width = 2 * laid[0][0] + gap
    placed: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for radius, pos in laid:
        side = 2 * radius + gap
        if x > 0 and x + side > width:
            x, y, row = 0.0, y + row, 0.0
        cx, cy = x + side / 2, y + side / 2
        placed.update({node: (round(cx + px, 1), round(cy + py, 1)) for node, (px, py) in pos.items()})
        x, row = x + side, max(row, side)
    if not placed:
        return placed
    mx = sum(p[0] for p in placed.values()) / len(placed)
    my = sum(p[1] for p in placed.values()) / len(placed)
    return {node: (round(px - mx, 1), round(py - my, 1)) for node, (px, py) in placed.items()}


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
    """(nodes, edges, event IRI base) in the page's wire format (see `page_data`)."""
    index = {node["id"]: i for i, node in enumerate(nodes)}
    slim_nodes = []
    for node in nodes:
        node = {key: value for key, value in node.items() if key != "shape"}  # every node is a dot
        slim_nodes.append(node)
    events = [e["gk"]["event"] for e in edges if isinstance(e["gk"].get("event"), str)]
    base = os.path.commonprefix(events) if len(events) > 1 else ""  # noqa: RUF071 - a string prefix is meant
    base = base[: base.rfind("/") + 1] if "/" in base else ""
    slim_edges = []
    for edge in edges:
        edge = {key: value for key, value in edge.items() if key != "arrows"}  # from the relation's style
        edge["from"], edge["to"] = index[edge["from"]], index[edge["to"]]
        if base and isinstance(edge["gk"].get("event"), str):
            edge["gk"] = {**edge["gk"], "event": edge["gk"]["event"][len(base) :]}
        slim_edges.append(edge)
    return slim_nodes, slim_edges, base


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
        fields = {"title": "title", "publisher": "publisher", "date": "sourceDate", "url": "url"}
        sources[str(source_id)] = {
            key: _plain(data[attr]) for key, attr in fields.items() if data.get(attr) not in (None, "")
        }
    return sources


def _summary(graph: nx.MultiDiGraph) -> Json:
    """Counts for the header: entities, events by relation, sources, and the money donated in yuan,
    counted by the one rule of every total (graphkit.model.counted)."""
    events: dict[str, Json] = {}
    for _, _, key, data in graph.edges(keys=True, data=True):
        events.setdefault(str(key), data)
    by_relation = Counter(str(data.get("relation")) for data in events.values())
    donated = total_donated(events.values())
    sources = {str(data["sourceId"]) for data in events.values() if data.get("sourceId") is not None}
    return {
        "entities": graph.number_of_nodes(),
        "events": len(events),
        "eventsByRelation": dict(by_relation),
        "sources": len(sources),
        "donated": donated,
    }


def _plain(value: Any) -> Any:
    """A JSON-ready value: numbers and booleans kept, everything else (dates, Decimals, IRIs) as text."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


def json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element or be read as markup: <, >, & and line separators escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):  # fmt: skip
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
