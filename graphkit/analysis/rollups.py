"""Region roll-ups and flows between regions, computed on the networkx view.

Users ask aggregate questions ("how much reached 黑水县 and its villages", "what flows from 辽宁 to
贵州"), so these functions lift every event to the regions its parties lie in. Two rules keep the
numbers honest:

* an entity counts towards every region containing it: a village towards its township, county,
  prefecture and province, and a school or agency towards the region it is `located_in` (the same
  chain as the materialised `gk:withinRegion` of the RDF, so SPARQL roll-ups agree with these);
* an event is counted once per region (or per pair of regions for flows), never once per party:
  a joint gift of 100000 by three 大连 committees to two 中寨乡 schools adds 100000 to 大连市, to
  中寨乡 and to the 大连市→六盘水市 flow, not 300000 or 600000.

Money is summed by the one rule of every graphkit total (graphkit.model.counted, via
`donation_amount`): approximate amounts (9万余元) and planned gifts at their stated value, counted in
the `approximate` and `planned` columns so a reader sees when a total rests on them; an amount per
period (5000元/月) is a rate, never added, and counted in the `periodic` column.

Like networkx algorithms these are plain functions taking the MultiDiGraph of
`graphkit.network.to_networkx` and returning plain data or pandas DataFrames.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import networkx as nx
import pandas as pd

from graphkit import containment, vocabulary
from graphkit.model import counted
from graphkit.names import name_key

# Region levels by rank; a district is county-level (市辖区), so both share a rank.
LEVEL_RANK: dict[str, int] = {"province": 0, "prefecture": 1, "county": 2, "district": 2, "township": 3, "village": 4}
RELATIONS: tuple[str, ...] = ("pairing", "donation", "secondment")
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


def _side_regions(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> set[str]:
    return {region for node in nodes for region in regions_of(graph, node)}


def _side_at(graph: nx.MultiDiGraph, nodes: Iterable[str], level: str) -> set[str | None]:
    return {region_at(graph, node, level) for node in nodes}


def donation_amount(event: Mapping[str, Any]) -> float | None:
    """The money a total adds for an event (graphkit.model.counted): a donation's stated sum, None
    for other events, donations without an amount and amounts per period."""
    if event.get("relation") != "donation":
        return None
    return counted(event.get("amount"), event.get("period"))


def total_donated(events: Iterable[Mapping[str, Any]]) -> float:
    """The money the given events donated, each once: the figure of the page's header and the report."""
    return sum(donation_amount(event) or 0.0 for event in events)


# --- region roll-ups ------------------------------------------------------------------------------


ROLLUP_COLUMNS = [
    "region", "label", "level", "within", "money_received", "money_given", "donations_received", "donations_given",
    "goods_received", "goods_given", "pairings_received", "pairings_given", "secondments_hosted",
    "secondments_sent", "events_received", "events_given", "approximate", "periodic", "planned", "items_received",
]


def region_rollup(graph: nx.MultiDiGraph, level: str | None = None) -> pd.DataFrame:
    """Money, goods and events given and received per region, everything within it included.

    One row per region (of `level` only, when given): `money_*` sums each donation once per region
    however many of its parties lie there; `goods_*` counts donations of goods (items stated);
    `items_received` lists what was given in kind; `secondments_hosted` counts people seconded to
    units in the region. Sorted by money received.
    """
    rows: dict[str, dict[str, Any]] = {}

    def row(region: str) -> dict[str, Any]:
        if region not in rows:
            attrs = graph.nodes[region]
            chain = containers(graph, region)
            rows[region] = {
                "region": region,
                "label": attrs.get("label", region),
                "level": attrs.get("level"),
                "within": label(graph, chain[0]) if chain else None,
                **{column: 0 for column in ROLLUP_COLUMNS[4:-1]},
                "money_received": 0.0,
                "money_given": 0.0,
                "items_received": [],
            }
        return rows[region]

    for region, attrs in graph.nodes(data=True):
        if attrs.get("type") == "Region":
            row(region)
    for event in events(graph).values():
        relation = event.get("relation")
        amount = donation_amount(event)
        givers = _side_regions(graph, giving_regions_side(graph, event))
        takers = _side_regions(graph, event.get("to", ()))
        for side, regions in (("given", givers), ("received", takers)):
            for region in regions:
                r = row(region)
                r[f"events_{side}"] += 1
                if relation == "pairing":
                    r[f"pairings_{side}"] += 1
                elif relation == "secondment":
                    r["secondments_hosted" if side == "received" else "secondments_sent"] += 1
                elif relation == "donation":
                    r[f"donations_{side}"] += 1
                    if amount is not None:
                        r[f"money_{side}"] += amount
                        if side == "received":
                            r["approximate"] += bool(event.get("approximate"))
                            r["planned"] += bool(event.get("planned"))
                    if side == "received" and event.get("period") and event.get("amount") is not None:
                        r["periodic"] += 1  # a rate: counted here, never added to the money
                    if event.get("items"):
                        r[f"goods_{side}"] += 1
                        if side == "received" and event["items"] not in r["items_received"]:
                            r["items_received"].append(event["items"])
    frame = pd.DataFrame(list(rows.values()), columns=ROLLUP_COLUMNS)
    if level is not None:
        ranks = frame["level"].map(lambda value: LEVEL_RANK.get(value, -1))
        frame = frame[ranks == LEVEL_RANK[level]]
    frame["items_received"] = frame["items_received"].map("；".join)
    frame = frame.sort_values(["money_received", "events_received", "label"], ascending=[False, False, True])
    return frame.set_index("region", drop=False).rename_axis(None)


def region_summary(graph: nx.MultiDiGraph, region: str) -> dict[str, Any]:
    """One region's roll-up (by name, alias or IRI) as a dict, with the events received listed.

    `received` lists each donation, pairing and secondment reaching the region or anything within
    it, once, with the party inside the region it reached, so the total can be checked by hand.
    """
    node = resolve(graph, region)
    frame = region_rollup(graph)
    summary = frame.loc[node].to_dict()
    inside = within(graph, node)
    received = []
    for iri, event in events(graph).items():
        takers = [t for t in event.get("to", ()) if t in inside]
        if takers:
            received.append(
                {
                    "event": iri,
                    "relation": event.get("relation"),
                    "from": [label(graph, g) for g in giving_side(graph, event)],
                    "to": [label(graph, t) for t in takers],
                    "amount": donation_amount(event),
                    "items": event.get("items"),
                    "date": event_date(event),
                    "title": event.get("title"),
                }
            )
    summary["received"] = received
    return {str(key): value for key, value in summary.items()}


# --- flows between regions ------------------------------------------------------------------------


FLOW_COLUMNS = [
    "from_region", "from_label", "to_region", "to_label", "events", "pairings", "donations", "secondments",
    "money", "approximate", "modes", "items",
]


def flows(
    graph: nx.MultiDiGraph, level: str = "province", relations: Iterable[str] = RELATIONS, internal: bool = True
) -> pd.DataFrame:
    """Who helps whom between regions: one row per (helper's region, helped region) at a level.

    Each event counts once per pair of regions, so a joint gift of three 大连市 committees to two
    六盘水市 schools adds its amount once to 大连市→六盘水市 (and once to 辽宁省→贵州省).
    `modes` lists the pairing modes (对口支援, 东西部协作...), `items` what was given in kind.
    Parties placed in no region appear under （未定位）. `internal=False` drops flows within one region.
    """
    wanted = set(relations)
    rows: dict[tuple[str | None, str | None], dict[str, Any]] = {}
    for event in events(graph).values():
        relation = event.get("relation")
        if relation not in wanted:
            continue
        amount = donation_amount(event)
        for source in _side_at(graph, giving_regions_side(graph, event), level):
            for target in _side_at(graph, event.get("to", ()), level):
                if not internal and source == target:
                    continue
                r = rows.setdefault(
                    (source, target),
                    {
                        "from_region": source, "from_label": label(graph, source),
                        "to_region": target, "to_label": label(graph, target),
                        "events": 0, "pairings": 0, "donations": 0, "secondments": 0, "money": 0.0,
                        "approximate": 0, "modes": [], "items": [],
                    },
                )
                r["events"] += 1
                r[f"{relation}s"] += 1
                if amount is not None:
                    r["money"] += amount
                    r["approximate"] += bool(event.get("approximate"))
                for field, value in (("modes", event.get("mode")), ("items", event.get("items"))):
                    if value and value not in r[field]:
                        r[field].append(value)
    frame = pd.DataFrame(list(rows.values()), columns=FLOW_COLUMNS)
    for field in ("modes", "items"):
        frame[field] = frame[field].map("；".join)
    frame = frame.sort_values(["money", "events", "from_label", "to_label"], ascending=[False, False, True, True])
    return frame.reset_index(drop=True)


def flow_matrix(
    graph: nx.MultiDiGraph,
    level: str = "province",
    value: str = "money",
    relations: Iterable[str] = RELATIONS,
    internal: bool = True,
) -> pd.DataFrame:
    """The flows table as a helper-region × helped-region matrix of `value` (money, events...).

    Rows are giving regions, columns receiving ones, both by Chinese name, zeros where nothing flows.
    """
    table = flows(graph, level, relations, internal)
    if table.empty:
        return pd.DataFrame(dtype=float)
    matrix = table.pivot_table(index="from_label", columns="to_label", values=value, aggfunc="sum", fill_value=0)
    matrix = matrix.loc[
        matrix.sum(axis=1).sort_values(ascending=False).index, matrix.sum(axis=0).sort_values(ascending=False).index
    ]
    matrix.index.name, matrix.columns.name = "from", "to"
    return matrix


# --- other aggregates the report draws ------------------------------------------------------------


def money_by_entity(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Money and donations given and received per entity (each event once per party).

    A joint gift counts in full for each of its donors, since the article does not split it;
    `joint_given` counts such gifts so a table can flag totals that are shared.
    """
    rows: dict[str, dict[str, Any]] = {}
    for event in events(graph).values():
        if event.get("relation") != "donation":
            continue
        amount = donation_amount(event) or 0.0
        for side, parties in (("given", event.get("from", ())), ("received", event.get("to", ()))):
            for party in set(parties):
                r = rows.setdefault(
                    party,
                    {"entity": party, "label": label(graph, party), "type": graph.nodes[party].get("type"),
                     "type_zh": type_zh(graph, party), "money_given": 0.0, "money_received": 0.0,
                     "donations_given": 0, "donations_received": 0, "joint_given": 0, "approximate": 0},
                )
                r[f"money_{side}"] += amount
                r[f"donations_{side}"] += 1
                if side == "given" and len(set(parties)) > 1:
                    r["joint_given"] += 1
                r["approximate"] += bool(event.get("approximate") and event.get("amount") is not None)
    columns = ["entity", "label", "type", "type_zh", "money_given", "money_received", "donations_given",
               "donations_received", "joint_given", "approximate"]
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    return frame.set_index("entity", drop=False).rename_axis(None)


def money_by_node(graph: nx.MultiDiGraph) -> dict[str, dict[str, float]]:
    """money_by_entity as {node: {"given", "received"}}: the sizes and side panel of the page."""
    frame = money_by_entity(graph)
    return {
        str(node): {"given": float(given), "received": float(received)}
        for node, given, received in zip(frame["entity"], frame["money_given"], frame["money_received"], strict=True)
    }


def top_donors(graph: nx.MultiDiGraph, n: int = 10) -> pd.DataFrame:
    """The entities that gave the most money (then the most donations)."""
    frame = money_by_entity(graph)
    frame = frame[frame["donations_given"] > 0]
    return frame.sort_values(["money_given", "donations_given", "label"], ascending=[False, False, True]).head(n)


def top_recipients(graph: nx.MultiDiGraph, n: int = 10) -> pd.DataFrame:
    """The entities that received the most money (then the most donations)."""
    frame = money_by_entity(graph)
    frame = frame[frame["donations_received"] > 0]
    return frame.sort_values(
        ["money_received", "donations_received", "label"], ascending=[False, False, True]
    ).head(n)


@cache
def mode_concepts() -> dict[str, str]:
    """Every stated mode label -> the preferred Chinese label of its concept in ontology/modes.ttl.

    东西部扶贫协作 and 粤桂协作 are both 东西部协作; 点对点精准帮扶 is 结对帮扶.
    """
    try:
        from rdflib import Graph
        from rdflib.namespace import SKOS

        from graphkit.ontology import mode_index, ontology_dir

        scheme = Graph().parse(ontology_dir() / "modes.ttl", format="turtle")
        zh = [(concept, label) for concept, label in scheme.subject_objects(SKOS.prefLabel)
              if getattr(label, "language", None) == "zh"]
        preferred = {concept: str(label) for concept, label in zh}
        return {stated: preferred.get(concept, stated) for stated, concept in mode_index().items()}
    except (OSError, ValueError):  # no ontology at hand: modes stay as stated
        return {}


def pairing_modes(graph: nx.MultiDiGraph, grouped: bool = True) -> pd.DataFrame:
    """Pairings per mode, with the terms the articles used and a few example pairs.

    `grouped` counts by the controlled vocabulary's concept (东西部扶贫协作 and 粤桂协作 under
    东西部协作), which is what a comparison across programmes needs; otherwise by the stated term.
    """
    concepts = mode_concepts() if grouped else {}
    counts: dict[str, dict[str, Any]] = {}
    for event in events(graph).values():
        if event.get("relation") != "pairing":
            continue
        stated = event.get("mode") or "（未说明）"
        mode = concepts.get(stated, stated)
        r = counts.setdefault(mode, {"mode": mode, "pairings": 0, "stated": [], "examples": []})
        r["pairings"] += 1
        if stated not in r["stated"]:
            r["stated"].append(stated)
        pair = "、".join(label(graph, n) for n in event.get("from", ())) + "→" + "、".join(
            label(graph, n) for n in event.get("to", ())
        )
        if len(r["examples"]) < 4 and pair not in r["examples"]:
            r["examples"].append(pair)
    frame = pd.DataFrame(list(counts.values()), columns=["mode", "pairings", "stated", "examples"])
    for field in ("stated", "examples"):
        frame[field] = frame[field].map("；".join)
    return frame.sort_values(["pairings", "mode"], ascending=[False, True]).reset_index(drop=True)


def events_over_time(graph: nx.MultiDiGraph, freq: str = "year") -> pd.DataFrame:
    """Events per period (year or month) and type, dated by the event or else its article.

    Rows are periods in order, columns the relation types plus `money`; undated events are left out
    and counted in the frame's `attrs["undated"]`.
    """
    width = 4 if freq == "year" else 7
    counts: dict[str, dict[str, Any]] = {}
    undated = 0
    for event in events(graph).values():
        date = event_date(event)
        if not date or len(date) < width:
            undated += 1
            continue
        r = counts.setdefault(date[:width], {"period": date[:width], **dict.fromkeys(RELATIONS, 0), "money": 0.0})
        r[event["relation"]] += 1
        r["money"] += donation_amount(event) or 0.0
    rows = sorted(counts.values(), key=lambda r: str(r["period"]))
    frame = pd.DataFrame(rows, columns=["period", *RELATIONS, "money"])
    frame.attrs["undated"] = undated
    return frame


def secondments_by_host(graph: nx.MultiDiGraph, level: str = "county") -> pd.DataFrame:
    """Cadres and teams seconded, per host region at a level, with who was sent and from where."""
    rows: dict[str | None, dict[str, Any]] = {}
    for event in events(graph).values():
        if event.get("relation") != "secondment":
            continue
        for host in _side_at(graph, event.get("to", ()), level):
            r = rows.setdefault(
                host, {"region": host, "label": label(graph, host), "secondments": 0, "people": [], "senders": []}
            )
            r["secondments"] += 1
            for person in event.get("person", ()):
                if label(graph, person) not in r["people"]:
                    r["people"].append(label(graph, person))
            for sender in _side_at(graph, giving_regions_side(graph, event), "prefecture"):
                if label(graph, sender) not in r["senders"]:
                    r["senders"].append(label(graph, sender))
    frame = pd.DataFrame(list(rows.values()), columns=["region", "label", "secondments", "people", "senders"])
    for field in ("people", "senders"):
        frame[field] = frame[field].map("、".join)
    return frame.sort_values(["secondments", "label"], ascending=[False, True]).reset_index(drop=True)


def money_within(graph: nx.MultiDiGraph, region: str, side: str = "received") -> float:
    """Total money received (or given) by a region and everything in it, each donation once."""
    node = resolve(graph, region)
    inside = within(graph, node)
    total = 0.0
    for event in events(graph).values():
        parties = event.get("to", ()) if side == "received" else giving_regions_side(graph, event)
        if any(p in inside for p in parties):
            total += donation_amount(event) or 0.0
    return total
