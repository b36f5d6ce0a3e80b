"""Finding entities in the networkx view by name, alias or IRI, and naming them for tables."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphkit import vocabulary
from graphkit.names import name_key

#: How a table names the side of an event whose parties lie in no region.
UNPLACED = "（未定位）"


class EntityNotFound(LookupError):
    """A name that matches no entity of the graph."""


class AmbiguousEntity(LookupError):
    """A name that matches several entities; the message lists them."""


# --- entities -------------------------------------------------------------------------------------


def label(graph: nx.MultiDiGraph, node: str | None) -> str:
    """The Chinese name of a node (its IRI's last segment when it has no label)."""
    if node is None:
        return UNPLACED
    attrs = graph.nodes.get(node) or {}
    return attrs.get("label") or node.rsplit("/", 1)[-1]


def type_zh(graph: nx.MultiDiGraph, node: str) -> str:
    """The entity type in Chinese (graphkit.vocabulary), a region by its level: 县级, 乡级, 学校与科研机构, 个人."""
    attrs = graph.nodes.get(node) or {}
    return vocabulary.label(attrs.get("type"), "zh", attrs.get("level"))


def described(graph: nx.MultiDiGraph, node: str) -> str:
    """`name（type）`, the way results name entities: 彭州市综合执法局（政府机关）."""
    return f"{label(graph, node)}（{type_zh(graph, node)}）"


def resolve(graph: nx.MultiDiGraph, name: str) -> str:
    """The node a user means by a Chinese name, an alias, an id or an IRI.

    Exact name first, then aliases, then (traditional or simplified, spaced or not) folded forms,
    then a unique name containing the query. Several matches raise AmbiguousEntity listing them, so a
    command never silently picks one of two 新华村.
    """
    if name in graph:
        return name
    for field in ("label", "aliases"):
        hits = [n for n, a in graph.nodes(data=True) if _matches(a.get(field), name)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise AmbiguousEntity(_ambiguity(graph, name, hits))
    folded = name_key(name)
    hits = [
        n
        for n, a in graph.nodes(data=True)
        if folded in {name_key(x) for x in (a.get("label", ""), *a.get("aliases", ()), n.rsplit("/", 1)[-1])}
    ]
    if not hits and len(folded) >= 2:
        hits = [n for n, a in graph.nodes(data=True) if folded in name_key(a.get("label", ""))]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise AmbiguousEntity(_ambiguity(graph, name, hits))
    raise EntityNotFound(f"no entity named {name!r}")


def _matches(value: Any, name: str) -> bool:
    if isinstance(value, str):
        return value == name
    return bool(value) and name in value


def _ambiguity(graph: nx.MultiDiGraph, name: str, hits: list[str]) -> str:
    shown = "、".join(sorted(described(graph, n) for n in hits)[:12])
    return f"{name!r} matches {len(hits)} entities: {shown}"


