"""The networkx view: entities as nodes, derived relations as edges carrying their event's attributes.

Built from any store by SPARQL, so the same view comes from an in-memory graph, the on-disk store
or a remote server. It is a MultiDiGraph because two parties can be linked by many events; the edge
key is the event's IRI, which keeps every edge traceable to its source.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import networkx as nx
from rdflib import URIRef

from graphkit.store.base import Graphs, Store

ENTITY_QUERY = """
SELECT ?entity ?type ?label WHERE {
  ?entity a ?class ; rdfs:label ?label .
  FILTER(LANG(?label) = "zh")
  VALUES (?class ?type) {
    (gk:Region "Region") (gk:GovernmentAgency "GovernmentAgency") (gk:PartyOrganization "PartyOrganization")
    (gk:Company "Company") (gk:School "School") (gk:Hospital "Hospital")
    (gk:SocialOrganization "SocialOrganization") (gk:WorkTeam "WorkTeam") (gk:Person "Person")
  }
}"""

# An entity's other attributes in one query of simple patterns, joined here (as for events).
ENTITY_ATTRIBUTE_QUERY = """
SELECT ?entity ?key ?value WHERE {
  VALUES (?property ?key) {
    (gk:level "level") (schema:containedInPlace "parent") (org:subOrganizationOf "parent") (gk:basedIn "based")
    (schema:longitude "lon") (schema:latitude "lat") (gk:adcode "adcode") (schema:jobTitle "role")
    (org:memberOf "member")
  }
  ?entity ?property ?value .
}"""

ALIAS_QUERY = "SELECT ?entity ?alias WHERE { ?entity skos:altLabel ?alias }"

ENGLISH_QUERY = 'SELECT ?entity ?label WHERE { ?entity rdfs:label ?label . FILTER(LANG(?label) = "en") }'

# An event's attributes come in a few simple queries joined here rather than one query with a dozen
# OPTIONALs: each is one index scan, and together they take a fifth of the time at 40,000 events.
EVENT_QUERY = """
SELECT ?event ?relation ?source WHERE {
  VALUES (?class ?relation) { (gk:Pairing "pairing") (gk:Donation "donation") (gk:Secondment "secondment") }
  ?event a ?class ; prov:wasDerivedFrom ?source .
}"""

SOURCE_QUERY = """
SELECT ?source ?sourceId ?title ?publisher ?sourceDate ?url ?sourceStatus ?sourceKind ?sha256 WHERE {
  ?source a gk:Source ; dcterms:identifier ?sourceId .
  OPTIONAL { ?source gk:sourceKind ?sourceKind }
  OPTIONAL { ?source gk:reviewStatus ?sourceStatus }
  OPTIONAL { ?source gk:sha256 ?sha256 }
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source dcterms:date ?sourceDate }
  OPTIONAL { ?source schema:url ?url }
}"""

ATTRIBUTE_QUERY = """
SELECT ?event ?key ?value WHERE {
  VALUES (?property ?key) {
    (gk:items "items") (gk:quantity "quantity") (gk:purpose "purpose") (dcterms:date "date") (gk:modeLabel "mode")
    (gk:mode "modeKey") (gk:role "role") (gk:planned "planned") (gk:figure "figure")
    (gk:recommendedForAggregates "recommended") (gk:validFrom "validFrom") (gk:validTo "validTo") (gk:asOf "asOf")
    (gk:inForceFrom "inForceFrom") (gk:inForceTo "inForceTo")
  }
  ?event ?property ?value .
}"""

AMOUNT_QUERY = """
SELECT ?event ?amount ?approximate ?period ?statedAs WHERE {
  ?event schema:amount ?money . ?money schema:value ?amount ; gk:approximate ?approximate .
  OPTIONAL { ?money gk:perPeriod ?period }
  OPTIONAL { ?money gk:statedAs ?statedAs }
}"""

SPAN_QUERY = "SELECT ?event ?start ?end WHERE { ?event gk:statedAt ?span . ?span oa:start ?start ; oa:end ?end }"

PARTY_QUERY = """
SELECT ?event ?role ?party WHERE {
  VALUES (?property ?role) {
    (gk:helper "from") (gk:donor "from") (gk:sendingUnit "from")
    (gk:helped "to") (gk:recipient "to") (gk:hostUnit "to")
    (gk:secondee "person") (gk:brokeredBy "brokers")
  }
  ?event ?property ?party .
}"""


def _rows(store: Store, sparql: str, graphs: Graphs | None = None) -> list[dict[str, Any]]:
    from graphkit.query import with_prefixes

    return store.records(with_prefixes(sparql), graphs)


def entity_attributes(store: Store, only: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every entity's attributes, keyed by IRI in IRI order; with `only`, those entities' alone, each
    looked up by its IRI bound in the queries (an ingest that adds four entities reads four, not
    22,000: 1.1 s at a million quads)."""
    from graphkit.ontology import LEVELS

    def rows(sparql: str) -> list[dict[str, Any]]:
        if only is None:
            return _rows(store, sparql)
        from graphkit.query import with_prefixes

        text = with_prefixes(sparql)
        return [row for iri in sorted(only) for row in store.query(text, {"entity": URIRef(iri)}).dicts()]

    level_of = {str(iri): key for key, iri in LEVELS.items()}
    nodes: dict[str, dict[str, Any]] = {}
    for row in rows(ENTITY_QUERY):
        nodes.setdefault(row["entity"], {"label": row["label"], "type": row["type"], "aliases": []})
    place: dict[str, dict[str, Any]] = {}
    for row in rows(ENTITY_ATTRIBUTE_QUERY):
        attrs = nodes.get(row["entity"])
        if attrs is None:
            continue
        if row["key"] in ("lon", "lat"):  # a point needs both
            place.setdefault(row["entity"], {})[row["key"]] = float(row["value"])
        elif row["key"] == "level":
            attrs["level"] = level_of.get(row["value"], row["value"])
        else:
            attrs[row["key"]] = row["value"]
    for iri, point in place.items():
        if len(point) == 2:
            nodes[iri]["lon"], nodes[iri]["lat"] = point["lon"], point["lat"]
    for row in rows(ALIAS_QUERY):
        if row["entity"] in nodes and row["alias"] != nodes[row["entity"]]["label"]:
            nodes[row["entity"]]["aliases"].append(row["alias"])
    for row in rows(ENGLISH_QUERY):
        if row["entity"] in nodes:
            nodes[row["entity"]]["label_en"] = row["label"]
    for attrs in nodes.values():
        attrs["aliases"] = sorted(set(attrs["aliases"]))
    return dict(sorted(nodes.items()))  # an order of their own, not the store's: a page carries them over


def event_attributes(store: Store, graphs: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every event's attributes and parties (lists of IRIs under from/to/person/brokers); with
    `graphs`, only those stated in these sources' graphs (a source's events are told in its graph
    alone, so an incremental build reads only the graphs that changed)."""
    chosen = Graphs(default=tuple(graphs)) if graphs is not None else None
    if chosen is not None and not chosen:
        return {}
    sources = {row["source"]: row for row in _rows(store, SOURCE_QUERY, chosen)}
    events: dict[str, dict[str, Any]] = {}
    for row in _rows(store, EVENT_QUERY, chosen):
        event = {"relation": row["relation"], "source": row["source"]}
        event.update({k: v for k, v in sources.get(row["source"], {}).items() if v is not None and k != "source"})
        event.update({"from": [], "to": [], "person": [], "brokers": []})
        events[row["event"]] = event
    for row in _rows(store, ATTRIBUTE_QUERY, chosen):
        if row["event"] in events:
            events[row["event"]][row["key"]] = row["value"]
    for query in (AMOUNT_QUERY, SPAN_QUERY):
        for row in _rows(store, query, chosen):
            if row["event"] in events:
                events[row["event"]].update({k: v for k, v in row.items() if v is not None and k != "event"})
    for event in events.values():
        if "amount" in event:
            event["amount"] = float(event["amount"])
        for key in ("sourceDate", "date", "validFrom", "validTo", "asOf"):
            if key in event:
                event[key] = str(event[key])
    for row in _rows(store, PARTY_QUERY, chosen):
        if row["event"] in events:
            events[row["event"]][row["role"]].append(row["party"])
    for event in events.values():
        for role in ("from", "to", "person", "brokers"):
            event[role] = sorted(set(event[role]))
    return events


def to_networkx(
    store: Store, events: Mapping[str, dict[str, Any]] | None = None, nodes: Mapping[str, dict[str, Any]] | None = None
) -> nx.MultiDiGraph:
    """Entities and the relations derived from events, one edge per (giver, taker, event); `events`
    and `nodes`, when given, are the store's `event_attributes` and `entity_attributes` read before
    (the page's carried ones).

    The giver of a secondment edge is the person or team sent; the sending unit stays an attribute
    (`from`). Edge attributes hold the event's amount, items, date, mode, brokers and source.
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    if nodes is None:
        nodes = entity_attributes(store)
    for iri, attrs in nodes.items():
        graph.add_node(iri, **attrs)
    labels = {iri: attrs["label"] for iri, attrs in nodes.items()}
    for iri, event in sorted((event_attributes(store) if events is None else events).items()):
        pairs = event_edges(event)
        if pairs:
            attrs = edge_data(iri, event, labels.get)
            for giver, taker in pairs:
                graph.add_edge(giver, taker, key=iri, **attrs)
    return graph


def event_edges(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (giver, taker) of each edge an event (its `event_attributes`) makes: one per giver and
    taker, the giver of a secondment the person or team sent."""
    givers = event["person"] if event["relation"] == "secondment" else event["from"]
    return [(giver, taker) for giver in givers for taker in event["to"]]


def edge_data(iri: str, event: Mapping[str, Any], label: Callable[[str], str | None]) -> dict[str, Any]:
    """What an event's edges carry: its attributes, its IRI (`event`) and its brokers' labels (`label`
    of an entity's IRI; the IRI itself where it has none)."""
    return dict(event, event=iri, broker_labels=[label(b) or b for b in event.get("brokers", ())])


__all__ = ["edge_data", "entity_attributes", "event_attributes", "event_edges", "to_networkx"]
