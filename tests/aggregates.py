"""The aggregate named queries as they were before the roll-ups: sums and counts over the raw events.

The named queries read totals materialised at build (graphkit/tallies.py) and group listings that
used to be one row per event. These queries compute the same answers from the events themselves,
with GROUP BY and no roll-up, so the tests check the materialised totals against them on every store.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from rdflib import Literal

from graphkit.query import run, with_prefixes
from graphkit.store import Store

PREFIXES = """PREFIX gk: <https://w3id.org/graphkit/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
"""

DONORS = PREFIXES + """
SELECT ?donor (SUM(COALESCE(?amountCNY, 0)) AS ?totalCNY) (COUNT(DISTINCT ?event) AS ?donations) (COUNT(?amountCNY) AS ?withAmount)
WHERE { ?event a gk:Donation ; gk:donor ?donor . OPTIONAL { ?event gk:amountCNY ?amountCNY } }
GROUP BY ?donor
ORDER BY DESC(?totalCNY) DESC(?donations) STR(?donor)
"""

RECIPIENTS = PREFIXES + """
SELECT ?recipient (SUM(COALESCE(?amountCNY, 0)) AS ?totalCNY) (COUNT(DISTINCT ?event) AS ?donations) (COUNT(?amountCNY) AS ?withAmount)
WHERE { ?event a gk:Donation ; gk:recipient ?recipient . OPTIONAL { ?event gk:amountCNY ?amountCNY } }
GROUP BY ?recipient
ORDER BY DESC(?totalCNY) DESC(?donations) STR(?recipient)
"""

BROKERS = PREFIXES + """
SELECT ?broker (COUNT(DISTINCT ?event) AS ?donations) (SUM(COALESCE(?amountCNY, 0)) AS ?totalCNY) (COUNT(?amountCNY) AS ?withAmount)
WHERE { ?event gk:brokeredBy ?broker ; a gk:Donation . OPTIONAL { ?event gk:amountCNY ?amountCNY } }
GROUP BY ?broker
ORDER BY DESC(?donations) DESC(?totalCNY) STR(?broker)
"""

EVENT_COUNTS = PREFIXES + """
SELECT ?class (COUNT(DISTINCT ?event) AS ?events) (SUM(COALESCE(?amountCNY, 0)) AS ?totalCNY) (COUNT(?amountCNY) AS ?withAmount)
WHERE {
  { SELECT ?class WHERE { VALUES ?class { gk:Pairing gk:Donation gk:Secondment } } }
  OPTIONAL { ?event a ?class . OPTIONAL { ?event gk:amountCNY ?amountCNY } }
}
GROUP BY ?class
"""

ENTITY_COUNTS = PREFIXES + """
SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities)
WHERE {
  { SELECT ?class WHERE { VALUES ?class { gk:Region gk:GovernmentAgency gk:PartyOrganization gk:Company gk:School
                                          gk:Hospital gk:SocialOrganization gk:WorkTeam gk:Person } } }
  OPTIONAL { ?entity a ?class }
}
GROUP BY ?class
"""

DONATIONS_OVER_TIME = PREFIXES + """
SELECT ?year (COUNT(DISTINCT ?event) AS ?donations) (SUM(COALESCE(?amountCNY, 0)) AS ?totalCNY) (COUNT(?amountCNY) AS ?withAmount)
WHERE {
  ?event a gk:Donation .
  OPTIONAL { ?event gk:amountCNY ?amountCNY }
  OPTIONAL { ?event dcterms:date ?eventDate }
  OPTIONAL { ?event prov:wasDerivedFrom ?source . ?source dcterms:date ?sourceDate . }
  BIND(SUBSTR(STR(COALESCE(?eventDate, ?sourceDate)), 1, 4) AS ?year)
}
GROUP BY ?year
"""

MONEY_RECEIVED_WITHIN = PREFIXES + """
SELECT ?place (SUM(COALESCE(?amountCNY, 0)) AS ?totalCNY) (COUNT(?event) AS ?donations) (COUNT(?amountCNY) AS ?withAmount)
WHERE {
  {
    SELECT DISTINCT ?place ?event ?amountCNY
    WHERE {
      ?place a gk:Region .
      OPTIONAL { ?event gk:recipient/gk:withinRegion ?place . OPTIONAL { ?event gk:amountCNY ?amountCNY } }
    }
  }
}
GROUP BY ?place
"""

PAIRINGS = PREFIXES + """
SELECT ?mode ?event ?helper ?helped
WHERE { ?event a gk:Pairing ; gk:helper ?helper ; gk:helped ?helped . OPTIONAL { ?event gk:mode ?mode } }
"""

APPROXIMATE = PREFIXES + """
SELECT ?event ?amountCNY ?donor ?recipient
WHERE {
  ?event a gk:Donation ; schema:amount ?money ; gk:donor ?donor ; gk:recipient ?recipient .
  ?money schema:value ?amountCNY ; gk:approximate ?approximate .
  OPTIONAL { ?money gk:perPeriod ?perPeriod }
  FILTER(?approximate = true || BOUND(?perPeriod))
}
ORDER BY DESC(?amountCNY) STR(?event) STR(?donor) STR(?recipient)
"""

PLANNED = PREFIXES + """
SELECT ?event ?donor ?recipient ?amountCNY
WHERE { ?event gk:planned true ; gk:donor ?donor ; gk:recipient ?recipient .
        OPTIONAL { ?event schema:amount/schema:value ?amountCNY } }
ORDER BY DESC(?amountCNY) STR(?event) STR(?donor) STR(?recipient)
"""

HELP_FOR_REGION = PREFIXES + """
SELECT ?region ?helper ?helperProperty ?helped ?type ?event ?amountCNY
WHERE {
  { SELECT ?region ?place WHERE { ?place rdfs:label|skos:altLabel ?region } }
  ?helped gk:withinRegion ?place .
  ?event gk:helped|gk:recipient|gk:hostUnit ?helped ; a ?type ; ?helperProperty ?helper .
  FILTER(?type IN (gk:Pairing, gk:Donation, gk:Secondment))
  FILTER(?helperProperty IN (gk:helper, gk:donor, gk:sendingUnit, gk:secondee))
  OPTIONAL { ?event gk:amountCNY ?amountCNY }
}
"""

REGION_FLOWS = PREFIXES + """
SELECT ?fromRegion ?toRegion (SUM(COALESCE(?amountCNY, 0)) AS ?totalCNY) (COUNT(DISTINCT ?event) AS ?donations)
WHERE {
  {
    SELECT DISTINCT ?event ?fromRegion ?toRegion
    WHERE {
      ?event gk:donor ?donor ; gk:recipient ?recipient .
      ?donor gk:withinRegion ?fromRegion .
      ?recipient gk:withinRegion ?toRegion .
      ?fromRegion gk:level ?level .
      ?toRegion gk:level ?level .
      FILTER(?level IN (gk:ProvinceLevel, gk:PrefectureLevel))
    }
  }
  OPTIONAL { ?event gk:amountCNY ?amountCNY }
}
GROUP BY ?fromRegion ?toRegion
"""

EVERYONE = "1000000000"


def rows(store: Store, sparql: str, **params: str) -> list[dict[str, Any]]:
    return run(store, sparql, params).dicts()


def _ranked(store: Store, reference: str, query: str, party: str) -> tuple[list, list]:
    expected = [(r[party], Decimal(r["totalCNY"]), r["donations"], r["withAmount"]) for r in rows(store, reference)]
    got = [(r[party], Decimal(r["totalCNY"]), r["donations"], r["withAmount"])
           for r in rows(store, query, top=EVERYONE)]
    return got, expected


def check_rollups_against_events(store: Store, region: str, flow_region: str = "四川省") -> None:
    """Every named query that reads a roll-up gives what the aggregate over the raw events gives."""
    for query, reference, party in (("donors-ranked", DONORS, "donor"), ("recipients-ranked", RECIPIENTS, "recipient"),
                                    ("brokers", BROKERS, "broker")):
        got, expected = _ranked(store, reference, query, party)
        assert got == expected, query
        ranks = [r["rank"] for r in rows(store, query, top=EVERYONE)]
        assert ranks == list(range(1, len(ranks) + 1)), query
        assert len(rows(store, query, top="2")) == min(2, len(expected)), query

    events = {r["class"]: (r["events"], Decimal(r["totalCNY"]), r["withAmount"]) for r in rows(store, EVENT_COUNTS)}
    assert {r["class"]: (r["events"], Decimal(r["totalCNY"]), r["withAmount"])
            for r in rows(store, "event-counts")} == events
    entities = {r["class"]: r["entities"] for r in rows(store, ENTITY_COUNTS)}
    assert {r["class"]: r["entities"] for r in rows(store, "entity-counts")} == entities

    years = {r["year"]: (r["donations"], Decimal(r["totalCNY"]), r["withAmount"]) for r in rows(store, DONATIONS_OVER_TIME)}
    assert {r["year"]: (r["donations"], Decimal(r["totalCNY"]), r["withAmount"])
            for r in rows(store, "donations-over-time")} == years

    within = {r["place"]: (Decimal(r["totalCNY"]), r["donations"], r["withAmount"])
              for r in rows(store, MONEY_RECEIVED_WITHIN)}
    got = rows(store, "money-received-within", region=region)
    assert got and all(within[r["place"]] == (Decimal(r["totalCNY"]), r["donations"], r["withAmount"]) for r in got)

    flows = {(r["fromRegion"], r["toRegion"]): (Decimal(r["totalCNY"]), r["donations"]) for r in rows(store, REGION_FLOWS)}
    got = rows(store, "region-flows", region=flow_region)
    assert got, flow_region
    place = got[0]["place"]
    assert {(r["fromRegion"], r["toRegion"]): (Decimal(r["totalCNY"]), r["donations"]) for r in got} == {
        key: value for key, value in flows.items() if place in key
    }

    _check_pairings(store)
    _check_listing(store, "approximate-amounts", APPROXIMATE)
    _check_listing(store, "planned-gifts", PLANNED)
    _check_help_for_region(store, region)


def _check_pairings(store: Store) -> None:
    modes: dict[Any, dict[str, set]] = defaultdict(lambda: {"events": set(), "helpers": set(), "helped": set()})
    for r in rows(store, PAIRINGS):
        tally = modes[r["mode"]]
        tally["events"].add(r["event"])
        tally["helpers"].add(r["helper"])
        tally["helped"].add(r["helped"])
    expected = {mode: (len(t["events"]), len(t["helpers"]), len(t["helped"])) for mode, t in modes.items()}
    got = rows(store, "pairings-by-mode")
    assert {r["mode"]: (r["pairings"], r["helperCount"], r["helpedCount"]) for r in got} == expected
    for r in got:  # the example is a pairing of its mode, with its parties
        assert r["event"] in modes[r["mode"]]["events"]
        assert r["helper"] in modes[r["mode"]]["helpers"] and r["helped"] in modes[r["mode"]]["helped"]


def _check_listing(store: Store, query: str, reference: str) -> None:
    expected = [(r["event"], r["donor"], r["recipient"], _amount(r["amountCNY"])) for r in rows(store, reference)]
    got = [(r["event"], r["donor"], r["recipient"], _amount(r["amountCNY"])) for r in rows(store, query, top=EVERYONE)]
    assert got == expected, query
    events = list(dict.fromkeys(event for event, *_ in expected))
    top = {r["event"] for r in rows(store, query, top="1")}
    assert top == set(events[:1]), query


def _check_help_for_region(store: Store, region: str) -> None:
    """The grouped help-for-region equals the old one-row-per-event listing, grouped in Python."""
    groups: dict[tuple, dict[str, Any]] = defaultdict(lambda: {"events": set(), "total": Decimal(0), "with": 0})
    listing = store.query(with_prefixes(HELP_FOR_REGION), {"region": Literal(region, lang="zh")}).dicts()
    for r in listing:
        group = groups[(r["helper"], r["helperProperty"], r["helped"], r["type"])]
        group["events"].add(r["event"])
        if r["amountCNY"] is not None:
            group["total"] += Decimal(r["amountCNY"])
            group["with"] += 1
    expected = sorted((h, d, t, len(g["events"]), g["total"], g["with"]) for (h, _, d, t), g in groups.items())
    got = sorted((r["helper"], r["helped"], r["type"], r["events"], Decimal(r["totalCNY"]), r["withAmount"])
                 for r in rows(store, "help-for-region", region=region))
    assert listing and got == expected


def _amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)
