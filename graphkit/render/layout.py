"""Static positions for large graphs, computed in Python so the browser need not simulate them.

Above a few hundred entities vis-network's physics takes seconds and settles badly; laying out each
connected component with networkx and packing them gives a stable, readable drawing instead.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

DENSE_LIMIT = 480  # networkx switches to its scipy-only sparse solver at 500


def static_positions(
    nodes: Iterable[str], links: Iterable[tuple[str, str]], spacing: float = 46.0
) -> dict[str, tuple[float, float]]:
    """Positions in screen pixels: each connected component laid out alone, then packed in rows.

    Laying components out together lets small ones drift to the rim and squeezes the big one; packing
    them biggest first gives a stable, readable map even for thousands of entities. Unlinked entities
    share one compact grid instead of each taking a component's margin.
    """
    edges = sorted({(min(u, v), max(u, v)) for u, v in links if u != v})
    components = _components(sorted(nodes), edges)
    used: dict[str, tuple[float, dict[str, tuple[float, float]]]] = {}
    laid = [_remembered_layout(names, own, spacing, used) for names, own in components if len(names) > 1]
    _LAYOUTS.clear()  # only this drawing's components are worth keeping (a long-lived server draws often)
    _LAYOUTS.update(used)
    singles = [names[0] for names, _ in components if len(names) == 1]
    if singles:
        laid.append(_grid(singles, spacing * 0.8))
    return _pack(laid, gap=spacing * 1.5)


def _components(nodes: list[str], edges: list[tuple[str, str]]) -> list[tuple[list[str], list[tuple[str, str]]]]:
    """The connected components as (nodes, edges), both in sorted order (`nodes` and `edges` are
    sorted), biggest first, then by their first node: the same graph gives the same drawing however
    the store listed it. Found by union-find over plain lists, and each component made a networkx
    graph only when its layout must be worked out (`_remembered_layout`): building the whole graph
    and a graph per component took 0.5 s at 22,000 entities, where most components are remembered."""
    parent = {node: node for node in nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for u, v in edges:
        ru, rv = root(u), root(v)
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)
    members: dict[str, list[str]] = {}
    for node in nodes:
        members.setdefault(root(node), []).append(node)
    dealt: dict[str, list[tuple[str, str]]] = {}
    for u, v in edges:
        dealt.setdefault(root(u), []).append((u, v))
    found = [(names, dealt.get(key, [])) for key, names in members.items()]
    return sorted(found, key=lambda c: (-len(c[0]), c[0][0]))


#: Each component's layout once worked out, by the digest of its nodes, edges and spacing: a layout is a
#: function of these alone, and a build that changed an amount, or one source, finds most components
#: as they were (2 s at 22,000 entities). After a drawing it holds that drawing's components; a build
#: carries it to the next (`layout_memo`, `remember_layouts`).
_LAYOUTS: dict[str, tuple[float, dict[str, tuple[float, float]]]] = {}


def _remembered_layout(
    nodes: list[str], edges: list[tuple[str, str]], spacing: float,
    used: dict[str, tuple[float, dict[str, tuple[float, float]]]],
) -> tuple[float, dict[str, tuple[float, float]]]:
    """A component's layout, remembered by the digest of its nodes and edges (sorted) and spacing."""
    text = "\n".join([repr(spacing), *nodes, *(f"{u}\t{v}" for u, v in edges)])
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    found = _LAYOUTS.get(digest)
    if found is None:
        component: nx.Graph[str] = nx.Graph()  # built in sorted order: a spring layout follows the order
        component.add_nodes_from(nodes)
        component.add_edges_from(edges)
        found = _component_layout(component, spacing)
    used[digest] = found
    return found


def layout_memo() -> dict[str, Any]:
    """The layouts of the last drawing, as JSON can hold them (to keep beside its build)."""
    return {k: [r, {n: list(p) for n, p in pos.items()}] for k, (r, pos) in _LAYOUTS.items()}


def remember_layouts(memo: Mapping[str, Any]) -> None:
    """Take over layouts worked out before (a previous build's `layout_memo`)."""
    for digest, (radius, pos) in memo.items():
        _LAYOUTS[str(digest)] = (float(radius), {str(n): (float(x), float(y)) for n, (x, y) in pos.items()})


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


