"""Analysis-ready panels: one row per unit and year, the tables difference-in-differences studies of
these programmes rebuild by hand.

- `region-year`: each region (with an administrative code) and year: money received and given by it
  and everything within it (each donation once per region, by the aggregation rule of every total,
  graphkit.model.counted), the gifts received and given, the pairings in force where it or a place
  within it is helped or helping, and the cadres and teams seconded to it;
- `donor-year`: each donor and year: money given, gifts, gifts with an amount;
- `pair-year`: each pair of a pairing (helper, helped) and year: whether a pairing of the two is in
  force, and the money and gifts from the helper (and what lies within it) to the helped (and within).

A year is the event's own date, else its article's; a pairing is in force in a year by
`graphkit.model.in_force` (its stated period, else the date a source states it, else its article's
year), the rule the named query pairings-in-force applies. Years run from the first to the last year
the data dates anything, so the panel is balanced. Each panel comes with its codebook (`CODEBOOKS`):
every column defined, and the licence of the data (`LICENCE`), written into every file's metadata.

pandas writes CSV, Parquet (through pyarrow) and Stata .dta; nothing here is hand-rolled but the
counting, which is graphkit's own.

>>> sorted(PANELS)
['donor-year', 'pair-year', 'region-year']
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from graphkit.analysis.containment import regions_of
from graphkit.analysis.entities import label
from graphkit.analysis.events import donation_amount, event_date, events
from graphkit.files import atomic_write
from graphkit.model import in_force

#: The licence of graphkit's curated data, stated in the README and in every export's metadata.
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/): the curated data of graphkit's data/"

_REGION = [
    ("region_id", "str", "The region's IRI in the graph (stable across builds)."),
    ("region", "str", "The region's Chinese name."),
    ("adcode", "str", "The region's 6-digit administrative code (GB/T 2260) as the register holds it."),
    ("level", "str", "province, prefecture, county, district, township or village."),
    ("province_adcode", "str", "The 6-digit code of the province it lies in (itself for a province)."),
    ("year", "int", "Calendar year."),
    ("money_received", "float", "Yuan received by the region and everything within it that year, each donation "
     "once, counting only amounts recommended for aggregates (no pledges, cumulative totals, annual budgets, "
     "rates)."),
    ("money_given", "float", "Yuan given by the region and everything within it that year, by the same rule."),
    ("gifts_received", "int", "Donations received by the region or within it that year (with or without an amount)."),
    ("gifts_given", "int", "Donations given by the region or within it that year."),
    ("pairings_in_force_helped", "int", "Distinct pairs (helper, helped) of pairings in force that year where the "
     "helped party is the region or within it."),
    ("pairings_in_force_helping", "int", "Distinct pairs of pairings in force that year where the helper is the "
     "region or within it."),
    ("cadres_seconded_to", "int", "Secondments (persons or teams) hosted by the region or within it that year."),
]
_DONOR = [
    ("donor_id", "str", "The donor's IRI in the graph."),
    ("donor", "str", "The donor's Chinese name."),
    ("type", "str", "The donor's entity type (Region, GovernmentAgency, Company, ...)."),
    ("adcode", "str", "The donor's administrative code when it is a region, else empty."),
    ("year", "int", "Calendar year."),
    ("money_given", "float", "Yuan given that year, counting only amounts recommended for aggregates; a joint gift "
     "counts in full for each donor."),
    ("gifts", "int", "Donations given that year."),
    ("gifts_with_amount", "int", "Donations given that year whose amount counts in totals."),
]
_PAIR = [
    ("helper_id", "str", "The helping party's IRI."),
    ("helper", "str", "The helping party's Chinese name."),
    ("helped_id", "str", "The helped party's IRI."),
    ("helped", "str", "The helped party's Chinese name."),
    ("helper_adcode", "str", "The helper's administrative code when it is a region."),
    ("helped_adcode", "str", "The helped party's administrative code when it is a region."),
    ("year", "int", "Calendar year."),
    ("in_force", "int", "1 when a pairing of the two is in force that year (graphkit.model.in_force), else 0."),
    ("money", "float", "Yuan given that year by the helper or anything within it to the helped or anything within it, "
     "counting only amounts recommended for aggregates."),
    ("gifts", "int", "Donations that year from the helper (or within) to the helped (or within)."),
]
#: Each panel's columns: (name, type, definition).
CODEBOOKS: dict[str, list[tuple[str, str, str]]] = {"region-year": _REGION, "donor-year": _DONOR, "pair-year": _PAIR}
PANELS = tuple(CODEBOOKS)
FORMATS = ("csv", "parquet", "dta")


def _year(date: Any) -> int | None:
    text = str(date or "")
    return int(text[:4]) if text[:4].isdigit() else None


#: Each event once (graphkit.analysis.events.events), as every builder reads them.
Events = dict[str, dict[str, Any]]


def _years(found_events: Events) -> range:
    """Every year the data dates something: events, their articles, pairings' periods."""
    found = set()
    for event in found_events.values():
        for key in ("date", "sourceDate", "validFrom", "validTo", "asOf"):
            year = _year(event.get(key))
            if year is not None:
                found.add(year)
    return range(min(found), max(found) + 1) if found else range(0)


def _pairings_by_year(found_events: Events, years: range) -> dict[int, set[tuple[str, str]]]:
    """Per year, the (helper, helped) pairs of the pairings in force."""
    out: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for event in found_events.values():
        if event.get("relation") != "pairing":
            continue
        stated = event.get("asOf") or event_date(event)
        for year in years:
            if in_force(event.get("validFrom"), event.get("validTo"), stated, year):
                out[year].update((h, t) for h in event.get("from", ()) for t in event.get("to", ()))
    return out


def _regions(graph: nx.MultiDiGraph) -> list[str]:
    return sorted(n for n, a in graph.nodes(data=True) if a.get("type") == "Region" and a.get("adcode"))


def _province(graph: nx.MultiDiGraph, region: str) -> str:
    for place in regions_of(graph, region):
        attrs = graph.nodes[place]
        if attrs.get("level") == "province" and attrs.get("adcode"):
            return str(attrs["adcode"])
    return ""


def region_year(graph: nx.MultiDiGraph) -> pd.DataFrame:
    found_events = events(graph)
    years = _years(found_events)
    cells: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for event in found_events.values():
        year = _year(event_date(event))
        kind = event.get("relation")
        if year is None or kind not in ("donation", "secondment"):
            continue
        received = {r for party in event.get("to", ()) for r in regions_of(graph, party)}
        if kind == "secondment":
            for region in received:
                cells[region, year]["cadres_seconded_to"] += 1
            continue
        given = {r for party in event.get("from", ()) for r in regions_of(graph, party)}
        amount = donation_amount(event) or 0.0
        for region in received:
            cells[region, year]["money_received"] += amount
            cells[region, year]["gifts_received"] += 1
        for region in given:
            cells[region, year]["money_given"] += amount
            cells[region, year]["gifts_given"] += 1
    for year, pairs in _pairings_by_year(found_events, years).items():
        helped: dict[str, set[tuple[str, str]]] = defaultdict(set)
        helping: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for pair in pairs:
            for region in regions_of(graph, pair[1]):
                helped[region].add(pair)
            for region in regions_of(graph, pair[0]):
                helping[region].add(pair)
        for region, found in helped.items():
            cells[region, year]["pairings_in_force_helped"] = len(found)
        for region, found in helping.items():
            cells[region, year]["pairings_in_force_helping"] = len(found)
    rows = []
    for region in _regions(graph):
        attrs = graph.nodes[region]
        head = {"region_id": region, "region": label(graph, region), "adcode": str(attrs["adcode"]),
                "level": attrs.get("level") or "", "province_adcode": _province(graph, region)}
        for year in years:
            rows.append({**head, "year": year, **cells.get((region, year), {})})
    return _frame(rows, _REGION)


def donor_year(graph: nx.MultiDiGraph) -> pd.DataFrame:
    found_events = events(graph)
    cells: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for event in found_events.values():
        year = _year(event_date(event))
        if event.get("relation") != "donation" or year is None:
            continue
        amount = donation_amount(event)
        for donor in set(event.get("from", ())):
            cell = cells[donor, year]
            cell["money_given"] += amount or 0.0
            cell["gifts"] += 1
            cell["gifts_with_amount"] += amount is not None
    years = _years(found_events)
    rows = []
    for donor in sorted({d for d, _ in cells}):
        attrs = graph.nodes[donor]
        head = {"donor_id": donor, "donor": label(graph, donor), "type": attrs.get("type") or "",
                "adcode": str(attrs.get("adcode") or "")}
        rows += [{**head, "year": year, **cells.get((donor, year), {})} for year in years]
    return _frame(rows, _DONOR)


def pair_year(graph: nx.MultiDiGraph) -> pd.DataFrame:
    found_events = events(graph)
    years = _years(found_events)
    by_year = _pairings_by_year(found_events, years)
    pairs = sorted({(h, t) for e in found_events.values() if e.get("relation") == "pairing"
                    for h in e.get("from", ()) for t in e.get("to", ())})
    helped_by: dict[str, set[str]] = defaultdict(set)  # each helper's partners, so a gift looks up its givers only
    for helper, helped in pairs:
        helped_by[helper].add(helped)
    money: dict[tuple[str, str, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for event in found_events.values():
        year = _year(event_date(event))
        if event.get("relation") != "donation" or year is None:
            continue
        givers = {r for party in event.get("from", ()) for r in [party, *regions_of(graph, party)]}
        takers = {r for party in event.get("to", ()) for r in [party, *regions_of(graph, party)]}
        for helper in givers & helped_by.keys():
            for helped in helped_by[helper] & takers:
                cell = money[helper, helped, year]
                cell[0] += donation_amount(event) or 0.0
                cell[1] += 1
    rows = []
    for helper, helped in pairs:
        head = {"helper_id": helper, "helper": label(graph, helper),
                "helped_id": helped, "helped": label(graph, helped),
                "helper_adcode": str(graph.nodes[helper].get("adcode") or ""),
                "helped_adcode": str(graph.nodes[helped].get("adcode") or "")}
        for year in years:
            cell = money.get((helper, helped, year), [0.0, 0])
            rows.append({**head, "year": year, "in_force": int((helper, helped) in by_year.get(year, set())),
                         "money": cell[0], "gifts": cell[1]})
    return _frame(rows, _PAIR)


def _frame(rows: Iterable[dict[str, Any]], codebook: list[tuple[str, str, str]]) -> pd.DataFrame:
    """The rows as a frame with the codebook's columns, in its order and types (missing counts are 0)."""
    frame = pd.DataFrame(list(rows), columns=[name for name, _, _ in codebook])
    for name, kind, _ in codebook:
        if kind == "int":
            frame[name] = frame[name].fillna(0).astype("int64")
        elif kind == "float":
            frame[name] = frame[name].fillna(0.0).astype("float64")
        else:
            frame[name] = frame[name].fillna("").astype(str)
    return frame


BUILDERS = {"region-year": region_year, "donor-year": donor_year, "pair-year": pair_year}


def panel(graph: nx.MultiDiGraph, kind: str) -> pd.DataFrame:
    """The panel `kind` (one of PANELS) of the networkx view."""
    if kind not in BUILDERS:
        raise ValueError(f"unknown panel {kind!r} (one of: {', '.join(PANELS)})")
    return BUILDERS[kind](graph)


def metadata(kind: str) -> dict[str, Any]:
    """What every file of a panel says about itself: what it is, its columns and the data's licence."""
    return {"panel": kind, "producer": "graphkit", "licence": LICENCE,
            "codebook": [{"variable": n, "type": t, "definition": d} for n, t, d in CODEBOOKS[kind]]}


def write_panel(frame: pd.DataFrame, kind: str, path: Path, fmt: str) -> list[Path]:
    """Write a panel as CSV, Parquet (codebook and licence in the schema's metadata) or Stata .dta
    (the definitions as variable labels, the licence in the dataset label), each with its codebook
    beside it; returns the files written, each published atomically."""
    path = Path(path)
    meta = metadata(kind)
    codebook = path.with_name(path.stem + ".codebook.csv")
    written = [path, codebook]
    book = pd.DataFrame(meta["codebook"])
    book.loc[len(book)] = {"variable": "(licence)", "type": "", "definition": LICENCE}
    atomic_write(codebook, book.to_csv(index=False))
    if fmt == "csv":
        atomic_write(path, frame.to_csv(index=False))
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"graphkit": json.dumps(meta).encode()})
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        atomic_write(path, buffer.getvalue())
    elif fmt == "dta":
        labels = {n: d[:80] for n, _, d in CODEBOOKS[kind]}
        buffer = io.BytesIO()
        frame.to_stata(buffer, write_index=False, version=118, variable_labels=labels,
                       data_label=f"graphkit {kind} panel; data CC BY 4.0"[:80])
        atomic_write(path, buffer.getvalue())
    else:
        raise ValueError(f"unknown panel format {fmt!r} (one of: {', '.join(FORMATS)})")
    return written


__all__ = ["CODEBOOKS", "FORMATS", "LICENCE", "PANELS", "metadata", "panel", "write_panel"]
