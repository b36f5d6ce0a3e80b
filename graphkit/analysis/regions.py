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
`donation_amount`): approximate amounts (9万余元) at their stated value, counted in the `approximate`
column so a reader sees when a total rests on them; pledges, cumulative totals and annual budgets are
not recommended for aggregates and never added (pledges are counted in the `planned` column); an
amount per period (5000元/月) is a rate, never added, and counted in the `periodic` column.

Like networkx algorithms these are plain functions taking the MultiDiGraph of
`graphkit.networkx_view.to_networkx` and returning plain data or pandas DataFrames.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from graphkit.analysis.containment import LEVEL_RANK, containers, within
from graphkit.analysis.entities import label, resolve
from graphkit.analysis.events import (
    RELATIONS,
    donation_amount,
    event_date,
    events,
    giving_regions_side,
    giving_side,
    side_at,
    side_regions,
)

if TYPE_CHECKING:  # pandas is imported where a frame is made: the page and build need none
    import pandas as pd

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
    import pandas as pd

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
        givers = side_regions(graph, giving_regions_side(graph, event))
        takers = side_regions(graph, event.get("to", ()))
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
    import pandas as pd

    wanted = set(relations)
    rows: dict[tuple[str | None, str | None], dict[str, Any]] = {}
    for event in events(graph).values():
        relation = event.get("relation")
        if relation not in wanted:
            continue
        amount = donation_amount(event)
        for source in side_at(graph, giving_regions_side(graph, event), level):
            for target in side_at(graph, event.get("to", ()), level):
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
    import pandas as pd

    table = flows(graph, level, relations, internal)
    if table.empty:
        return pd.DataFrame(dtype=float)
    matrix = table.pivot_table(index="from_label", columns="to_label", values=value, aggfunc="sum", fill_value=0)
    matrix = matrix.loc[
        matrix.sum(axis=1).sort_values(ascending=False).index, matrix.sum(axis=0).sort_values(ascending=False).index
    ]
    matrix.index.name, matrix.columns.name = "from", "to"
    return matrix


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
