"""The per-entity aggregates the report and the page draw: money given and received, top donors and
recipients, pairing modes, events over time, secondments by host region.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import networkx as nx

from graphkit.analysis.entities import label, type_zh
from graphkit.analysis.events import RELATIONS, donation_amount, event_date, events, giving_regions_side, side_at

if TYPE_CHECKING:  # pandas is imported where a frame is made: the page and build need none
    import pandas as pd

# --- other aggregates the report draws ------------------------------------------------------------


def money_by_entity(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Money and donations given and received per entity (each event once per party).

    A joint gift counts in full for each of its donors, since the article does not split it;
    `joint_given` counts such gifts so a table can flag totals that are shared.
    """
    import pandas as pd

    frame = pd.DataFrame(list(_money_rows(graph).values()), columns=MONEY_COLUMNS)
    return frame.set_index("entity", drop=False).rename_axis(None)


MONEY_COLUMNS = ["entity", "label", "type", "type_zh", "money_given", "money_received", "donations_given",
                 "donations_received", "joint_given", "approximate"]


def _money_rows(graph: nx.MultiDiGraph, once: Mapping[str, Mapping[str, Any]] | None = None,
                described: bool = True) -> dict[str, dict[str, Any]]:
    """money_by_entity's rows by entity, as dicts (the page reads them without a frame); `once` is
    `events(graph)` when the caller has it; without `described`, no label and type (the page's
    sizes: 0.1 s of its 22,660 nodes)."""
    rows: dict[str, dict[str, Any]] = {}
    for event in (events(graph) if once is None else once).values():
        if event.get("relation") != "donation":
            continue
        amount = donation_amount(event) or 0.0
        for side, parties in (("given", event.get("from", ())), ("received", event.get("to", ()))):
            for party in set(parties):
                r = rows.get(party)
                if r is None:  # its label and type looked up once, not on every gift
                    r = rows[party] = {
                        "entity": party, "money_given": 0.0, "money_received": 0.0,
                        "donations_given": 0, "donations_received": 0, "joint_given": 0, "approximate": 0,
                    }
                    if described:
                        r.update(label=label(graph, party), type=graph.nodes[party].get("type"),
                                 type_zh=type_zh(graph, party))
                r[f"money_{side}"] += amount
                r[f"donations_{side}"] += 1
                if side == "given" and len(set(parties)) > 1:
                    r["joint_given"] += 1
                r["approximate"] += bool(event.get("approximate") and event.get("amount") is not None)
    return rows


def money_by_node(
    graph: nx.MultiDiGraph, once: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, dict[str, float]]:
    """money_by_entity as {node: {"given", "received"}}: the sizes and side panel of the page.
    `once` is the graph's `analysis.events.events`, when the caller made it for other totals too."""
    return {
        str(node): {"given": float(row["money_given"]), "received": float(row["money_received"])}
        for node, row in _money_rows(graph, once, described=False).items()
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
    import pandas as pd

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
    import pandas as pd

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
    import pandas as pd

    rows: dict[str | None, dict[str, Any]] = {}
    for event in events(graph).values():
        if event.get("relation") != "secondment":
            continue
        for host in side_at(graph, event.get("to", ()), level):
            r = rows.setdefault(
                host, {"region": host, "label": label(graph, host), "secondments": 0, "people": [], "senders": []}
            )
            r["secondments"] += 1
            for person in event.get("person", ()):
                if label(graph, person) not in r["people"]:
                    r["people"].append(label(graph, person))
            for sender in side_at(graph, giving_regions_side(graph, event), "prefecture"):
                if label(graph, sender) not in r["senders"]:
                    r["senders"].append(label(graph, sender))
    frame = pd.DataFrame(list(rows.values()), columns=["region", "label", "secondments", "people", "senders"])
    for field in ("people", "senders"):
        frame[field] = frame[field].map("、".join)
    return frame.sort_values(["secondments", "label"], ascending=[False, True]).reset_index(drop=True)


