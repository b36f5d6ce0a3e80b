"""Events on the networkx view: each event once (a joint gift is several edges), its sides, its date,
and the money it counts by the project's one rule (`graphkit.model.counted`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from graphkit.analysis.containment import region_at, regions_of
from graphkit.model import counted

RELATIONS: tuple[str, ...] = ("pairing", "donation", "secondment")


# --- events ---------------------------------------------------------------------------------------


def events(graph: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    """Each event once, keyed by IRI: the attributes its edges share (parties under from/to/person).

    A joint gift is several edges but one event; everything that sums money starts from here.
    """
    found: dict[str, dict[str, Any]] = {}
    for _, _, key, data in graph.edges(keys=True, data=True):
        found.setdefault(key, data)
    return dict(sorted(found.items()))


def event_date(event: dict[str, Any]) -> str | None:
    """The event's own date, else its article's (a report that a gift was made is dated)."""
    return event.get("date") or event.get("sourceDate")


def giving_side(graph: nx.MultiDiGraph, event: dict[str, Any]) -> list[str]:
    """Who gives: the helpers or donors; for a secondment the sending unit, else the person sent."""
    if event.get("from"):
        return list(event["from"])
    return list(event.get("person") or [])


def giving_regions_side(graph: nx.MultiDiGraph, event: dict[str, Any]) -> list[str]:
    """The entities whose regions are the giving side's: `giving_side`, except that a person or team
    sent with no sending unit stated, and placed in no region, stands for the unit they belong to."""
    if event.get("from"):
        return list(event["from"])
    placed: list[str] = []
    for person in event.get("person") or ():
        member = (graph.nodes.get(person) or {}).get("member")
        placed.append(str(member) if not regions_of(graph, person) and member in graph else str(person))
    return placed


def side_regions(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> set[str]:
    return {region for node in nodes for region in regions_of(graph, node)}


def side_at(graph: nx.MultiDiGraph, nodes: Iterable[str], level: str) -> set[str | None]:
    return {region_at(graph, node, level) for node in nodes}


def donation_amount(event: Mapping[str, Any]) -> float | None:
    """The money a total adds for an event (graphkit.model.counted): a donation's stated sum, None
    for other events, donations without an amount, amounts per period and figures the build found not
    recommended for aggregates (gk:recommendedForAggregates false: a pledge, a cumulative total, an
    annual budget)."""
    if event.get("relation") != "donation":
        return None
    return counted(event.get("amount"), event.get("period"), recommended=event.get("recommended") is not False)


def total_donated(events: Iterable[Mapping[str, Any]]) -> float:
    """The money the given events donated, each once: the figure of the page's header and the report."""
    return sum(donation_amount(event) or 0.0 for event in events)


