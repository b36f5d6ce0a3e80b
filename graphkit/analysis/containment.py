"""What lies within what on the networkx view: `graphkit.containment`'s rule over node attributes.

The regions a node reaches here are exactly its `gk:withinRegion` in the RDF, so networkx and
SPARQL roll-ups agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from graphkit import containment

# Region levels by rank; a district is county-level (市辖区), so both share a rank.
LEVEL_RANK: dict[str, int] = {"province": 0, "prefecture": 1, "county": 2, "district": 2, "township": 3, "village": 4}


# --- containment ----------------------------------------------------------------------------------


def containers(graph: nx.MultiDiGraph, node: str) -> list[str]:
    """What contains a node, nearest first (the rule: `graphkit.containment`).

    The networkx view of `Dataset.ancestors`, so the regions it reaches are exactly the node's
    `gk:withinRegion` in the RDF.
    """

    return containment.chain(node, lambda iri: _container_of(graph.nodes.get(iri) or {}))


def every_containers(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """`containers` of every node at once, each node's direct container read once (the page asks
    for all of them: 0.2 s at 22,000 entities one by one, a quarter of that so)."""
    direct = {str(iri): _container_of(attrs) for iri, attrs in graph.nodes(data=True)}
    return {iri: containment.chain(iri, direct.get) for iri in direct}


def _container_of(attrs: Mapping[str, Any]) -> str | None:
    """What a node (its attributes) lies directly within: its parent, else where it is based."""
    return containment.direct(attrs.get("parent"), attrs.get("based"))


def regions_of(graph: nx.MultiDiGraph, node: str) -> list[str]:
    """The regions a node lies in, most specific first, including itself when it is a region."""
    chain = [node, *containers(graph, node)]
    return [n for n in chain if (graph.nodes.get(n) or {}).get("type") == "Region"]


def region_at(graph: nx.MultiDiGraph, node: str, level: str, exact: bool = False) -> str | None:
    """The region at `level` containing a node (县级 matches county and district).

    Without `exact`, a node placed only above that level (an agency of 辽宁省 itself, asked for its
    prefecture) gets its most specific region above it, so its flows still show, under 辽宁省,
    instead of vanishing. None when the node lies in no region at all.
    """
    rank = LEVEL_RANK[level]
    above = None
    for region in regions_of(graph, node):
        region_rank = LEVEL_RANK.get(graph.nodes[region].get("level", ""), 99)
        if region_rank == rank:
            return region
        if region_rank < rank and above is None:
            above = region
    return None if exact else above


def within(graph: nx.MultiDiGraph, region: str) -> set[str]:
    """Every node lying in a region (the region itself included): its towns, villages, schools..."""
    return {n for n in graph.nodes if region in regions_of(graph, n)}


