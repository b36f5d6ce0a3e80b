"""What lies within what on the networkx view: `graphkit.containment`'s rule over node attributes.

The regions a node reaches here are exactly its `gk:withinRegion` in the RDF, so networkx and
SPARQL roll-ups agree.
"""

from __future__ import annotations

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

    def container_of(iri: str) -> str | None:
        attrs = graph.nodes.get(iri) or {}
        return containment.direct(attrs.get("parent"), attrs.get("based"))

    return containment.chain(node, container_of)


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


