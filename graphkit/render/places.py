"""Per-entity facts the page computes at build time: pinyin search keys, where an entity sits on the map
(its own coordinates or its nearest container's), its province and prefecture, and the money given
and received by everything it contains (`graphkit.containment`'s rule)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graphkit import gazetteer
from graphkit.analysis.containment import every_containers
from graphkit.analysis.events import donation_amount, events
from graphkit.names import pinyin_keys

Json = dict[str, Any]


def node_extras(graph: nx.MultiDiGraph, once: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Json]:
    """Per node: pinyin search keys, what it lies directly within, where it sits on the map, its province
    and prefecture, and the money given and received by everything it contains (sub-regions, agencies
    based there, their staff). `once` is the graph's `analysis.events.events`, when the caller has it."""
    extras: dict[str, Json] = {iri: {} for iri in graph.nodes}
    ancestors = every_containers(graph)  # nearest first, worked out once for the three uses here
    for iri, attrs in graph.nodes(data=True):
        keys = pinyin_keys([str(attrs.get("label") or ""), *(str(a) for a in attrs.get("aliases") or [])])
        if keys:
            extras[iri]["py"] = keys
    for iri, chain in ancestors.items():
        if chain:
            extras[iri]["inside"] = chain[0]  # what it lies directly within: the page's path steps by it
    for iri, place in places(graph, ancestors).items():
        extras[iri].update(place)
    for iri, inside in contained_money(graph, ancestors, once).items():
        extras[iri].update(inside)
    return extras


def _placement(graph: nx.MultiDiGraph, iri: str, ancestors: Mapping[str, list[str]]) -> list[str]:
    """Where a node's map position comes from, in order: itself, what contains it, and for someone
    contained in nothing (a cadre), the unit they belong to and what contains that."""
    found = [iri, *ancestors[iri]]
    member = graph.nodes[iri].get("member")
    if len(found) == 1 and member in graph and member != iri:
        found += [str(member), *ancestors[str(member)]]
    return found


def places(graph: nx.MultiDiGraph, ancestors: Mapping[str, list[str]]) -> dict[str, Json]:
    """Map position and administrative roll-up per node.

    `geo` is [lon, lat], the entity's own or, failing that, the nearest container's that has them
    (`at` names it): a township without coordinates sits at its county, a bureau at its city, a cadre
    at the unit that sent them. `prov` and `pref` are the 6-digit adcodes of the province and
    prefecture of that place, from the gazetteer, so the map and filters can roll up by them.
    """
    out: dict[str, Json] = {}
    nodes = dict(graph.nodes(data=True))  # looked up several times per node: a dict, not networkx's view
    for iri in nodes:
        chain = _placement(graph, str(iri), ancestors)
        at = next((i for i, n in enumerate(chain) if nodes[n].get("lon") is not None
                   and nodes[n].get("lat") is not None), None)
        if at is None:
            continue
        anchor = chain[at]
        data = nodes[anchor]
        place: Json = {"geo": [round(float(data["lon"]), 4), round(float(data["lat"]), 4)]}
        if anchor != iri:
            place["at"] = anchor
        # the administrative roll-up comes from the nearest adcode at or above the anchor
        adcode = next((nodes[n]["adcode"] for n in chain[at:] if nodes[n].get("adcode")), None)
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


def contained_money(
    graph: nx.MultiDiGraph, ancestors: Mapping[str, list[str]] | None = None,
    once: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Json]:
    """Money given and received by each container together with everything within it.

    Containment is the project's one rule (`graphkit.containment`), as in gk:withinRegion. Each donation counts once
    per container even when several of its parties sit inside (a county's bureau and its township
    giving together), with the same rule as the node's own totals. Only containers are returned, with
    `within` (how many entities they contain), `givenAll` and `receivedAll`.
    """
    ancestors = every_containers(graph) if ancestors is None else ancestors

    within: Counter[str] = Counter()
    for iri in graph.nodes:
        for container in ancestors[str(iri)]:
            within[container] += 1
    totals: dict[str, Json] = {c: {"within": n, "givenAll": 0.0, "receivedAll": 0.0} for c, n in within.items()}
    for event in (events(graph) if once is None else once).values():  # each gift once, as money_by_node
        amount = donation_amount(event)
        if amount is None:
            continue
        for parties, side in ((event.get("from", ()), "givenAll"), (event.get("to", ()), "receivedAll")):
            for container in {c for party in map(str, parties) for c in (party, *ancestors[party])}:  # each once
                if container in totals:
                    totals[container][side] += float(amount)
    return totals


