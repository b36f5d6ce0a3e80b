"""Brokers, bridges and communities of the who-helps-whom network.

Assistance moves through people: a seconded cadre or a work team 对接s a donor with a village, and a
few units sit between otherwise separate programmes. These functions answer "who facilitated the
most", "who bridges whom" (betweenness) and "which clusters exist" (modularity communities) on the
MultiDiGraph of `graphkit.networkx_view.to_networkx`, naming every entity in Chinese with its type.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from graphkit import vocabulary
from graphkit.analysis.entities import described, label, type_zh
from graphkit.analysis.events import donation_amount, events, giving_side

if TYPE_CHECKING:  # pandas is imported where a frame is made: the page and build need none
    import pandas as pd


def brokers(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Who facilitated donations (对接, 联系, 协调): one row per broker, most events first.

    `money` sums the brokered donations' amounts, each event once even when it has several donors;
    `donors` and `recipients` name whom the broker connected. A broker's `role` and `member_of`
    (the cadre's sending unit or team) say who they are.
    """
    import pandas as pd

    rows: dict[str, dict[str, Any]] = {}
    for event in events(graph).values():
        for broker in event.get("brokers", ()):
            attrs = graph.nodes.get(broker) or {}
            r = rows.setdefault(
                broker,
                {
                    "broker": broker, "label": label(graph, broker), "type": attrs.get("type"),
                    "type_zh": type_zh(graph, broker), "role": attrs.get("role"),
                    "member_of": label(graph, attrs["member"]) if attrs.get("member") else None,
                    "events": 0, "donations": 0, "money": 0.0, "donors": [], "recipients": [],
                },
            )
            r["events"] += 1
            if event.get("relation") == "donation":
                r["donations"] += 1
                r["money"] += donation_amount(event) or 0.0
            for field, parties in (("donors", giving_side(graph, event)), ("recipients", event.get("to", ()))):
                for party in parties:
                    if label(graph, party) not in r[field]:
                        r[field].append(label(graph, party))
    columns = ["broker", "label", "type", "type_zh", "role", "member_of", "events", "donations", "money", "donors",
               "recipients"]
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    for field in ("donors", "recipients"):
        frame[field] = frame[field].map("、".join)
    frame = frame.sort_values(["events", "money", "label"], ascending=[False, False, True])
    return frame.reset_index(drop=True)


EVENT_RELATIONS = {"pairing", "donation", "secondment", "brokerage"}


def helps_graph(
    graph: nx.MultiDiGraph, include_brokers: bool = False, structure: bool = False, structure_weight: float = 0.5
) -> nx.Graph:
    """The who-helps-whom graph as a simple undirected graph: one edge per linked pair.

    `weight` is the number of events linking the pair and `relations` their types. With
    `include_brokers`, each broker is linked to the donors and recipients of the events they
    facilitated (relation "brokerage"), so facilitators show up as the bridges they are. With
    `structure`, the register's links are added at `structure_weight` each: part of, located in,
    member of (a cadre to their team, an agency to its county, a town to its county).
    """
    simple: nx.Graph[str] = nx.Graph()
    for node, attrs in graph.nodes(data=True):
        simple.add_node(node, label=attrs.get("label", node), type=attrs.get("type"))

    def link(a: str, b: str, relation: str, weight: float = 1.0) -> None:
        if a == b or b not in simple:
            return
        if simple.has_edge(a, b):
            simple[a][b]["weight"] += weight
            simple[a][b]["relations"].add(relation)
        else:
            simple.add_edge(a, b, weight=weight, relations={relation})

    for giver, taker, data in graph.edges(data=True):
        link(giver, taker, data.get("relation", ""))
    if include_brokers:
        for event in events(graph).values():
            for broker in event.get("brokers", ()):
                for party in {*giving_side(graph, event), *event.get("to", ())}:
                    link(broker, party, "brokerage")
    if structure:
        for node, attrs in graph.nodes(data=True):
            for term in vocabulary.REGISTER_LINKS:
                if attrs.get(term.key):
                    link(node, attrs[term.key], term.en.replace(" ", "_"), structure_weight)
    return simple


EXACT_BETWEENNESS_LIMIT = 1500  # nodes; above it betweenness is estimated from a seeded sample


def centrality(
    graph: nx.MultiDiGraph,
    include_brokers: bool = True,
    structure: bool = False,
    top: int | None = None,
    sample: int | None = None,
) -> pd.DataFrame:
    """Degree and betweenness centrality on the who-helps-whom graph, most central bridges first.

    Betweenness is computed on the undirected graph (help flows one way, but a unit that links
    an eastern donor city to a western county is a bridge either way) without weights: it counts
    shortest paths in hops. `partners` is the number of distinct entities linked; `given` and
    `received` count the relation edges leaving and reaching the node. Isolated entities (in the
    register but in no event) are left out. `structure` adds the register's links (see
    `helps_graph`), which makes counties and work teams the bridges of their programmes.

    Exact betweenness costs O(nodes × edges); on graphs above EXACT_BETWEENNESS_LIMIT nodes (or
    when `sample` is given) it is estimated from `sample` (default 300) seeded source nodes, so
    reruns agree.
    """
    import pandas as pd

    simple = helps_graph(graph, include_brokers=include_brokers, structure=structure)
    simple.remove_nodes_from([n for n in list(simple) if simple.degree(n) == 0])
    if simple.number_of_nodes() == 0:
        return pd.DataFrame(columns=["entity", "label", "type", "type_zh", "partners", "given", "received",
                                     "degree_centrality", "betweenness"])
    degree = nx.degree_centrality(simple)
    if sample is None and simple.number_of_nodes() > EXACT_BETWEENNESS_LIMIT:
        sample = 300
    k = sample if sample is not None and sample < simple.number_of_nodes() else None
    between = nx.betweenness_centrality(simple, k=k, normalized=True, seed=7 if k else None)
    rows = [
        {
            "entity": node,
            "label": label(graph, node),
            "type": graph.nodes[node].get("type"),
            "type_zh": type_zh(graph, node),
            "partners": simple.degree(node),
            "given": graph.out_degree(node),
            "received": graph.in_degree(node),
            "degree_centrality": degree[node],
            "betweenness": between[node],
        }
        for node in simple
    ]
    frame = pd.DataFrame(rows).sort_values(
        ["betweenness", "degree_centrality", "label"], ascending=[False, False, True]
    )
    frame = frame.reset_index(drop=True)
    return frame.head(top) if top else frame


def communities(
    graph: nx.MultiDiGraph, method: str = "louvain", include_brokers: bool = True, structure: bool = True, seed: int = 7
) -> list[dict[str, Any]]:
    """Clusters of entities that help one another more than they help others (modularity).

    By default the register's links count too (at half an event's weight): gifts are made by an
    agency or a cadre rather than by the county itself, so without "located in" and "member of" a
    programme such as 彭州市→黑水县 falls apart into one star per gift; with them the communities
    are the programmes.

    `method` is "louvain" (networkx's Louvain, seeded so reruns agree) or "greedy" (Clauset-Newman-
    Moore greedy modularity, deterministic). Each community comes with its `hub` (the member with
    the most events), its members named in Chinese with their type, and the money given inside it.
    Largest first; isolated entities are left out.
    """
    simple = helps_graph(graph, include_brokers=include_brokers, structure=structure)
    # Entities in no event (a province only containing others) would merge unrelated programmes.
    active = [n for n in simple if any(d["relations"] & EVENT_RELATIONS for *_, d in simple.edges(n, data=True))]
    simple = simple.subgraph(active).copy()
    if simple.number_of_nodes() == 0:
        return []
    found: Sequence[Collection[str]]
    if method == "louvain":
        found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    elif method == "greedy":
        found = nx.community.greedy_modularity_communities(simple, weight="weight")
    else:
        raise ValueError(f"unknown community method {method!r} (louvain or greedy)")
    community_of = {node: number for number, members in enumerate(found) for node in members}
    money_inside = [0.0] * len(found)
    for event in events(graph).values():
        givers = {community_of.get(p) for p in event.get("from", ())}
        takers = {community_of.get(p) for p in event.get("to", ())}
        for number in givers & takers:
            if number is not None:
                money_inside[number] += donation_amount(event) or 0.0
    result: list[dict[str, Any]] = []
    for number, members in enumerate(found):
        strength = {node: simple.degree(node, weight="weight") for node in members}
        ordered = sorted(members, key=lambda n: (-strength[n], label(graph, n)))
        result.append(
            {
                "size": len(members),
                "hub": label(graph, ordered[0]),
                "members": [described(graph, n) for n in ordered],
                "nodes": ordered,
                "money_inside": money_inside[number],
            }
        )
    result.sort(key=lambda c: (-c["size"], c["hub"]))
    for number, community in enumerate(result, start=1):
        community["community"] = number
    return result


def communities_frame(
    graph: nx.MultiDiGraph, method: str = "louvain", include_brokers: bool = True, structure: bool = True
) -> pd.DataFrame:
    """`communities` as a table: community number, size, hub, money inside and members joined."""
    import pandas as pd

    rows = [
        {**{k: c[k] for k in ("community", "size", "hub", "money_inside")}, "members": "、".join(c["members"])}
        for c in communities(graph, method, include_brokers, structure)
    ]
    return pd.DataFrame(rows, columns=["community", "size", "hub", "money_inside", "members"])
