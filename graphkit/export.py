"""`graphkit export`: the graph in the formats other tools read.

* GraphML and GEXF for Gephi, yEd and Cytoscape: nodes with their Chinese name, type, colour and
  money given/received; one edge per (giver, taker, event) with the event's amount, date, mode,
  items and source. Tools read only scalar attributes, so lists are joined with "；" and missing
  values are left out rather than written as "None". GEXF carries the colour as `viz:color`,
  GraphML as a `colour` attribute (hex).
* JSON-LD for linked-data tools: every data triple (entity register and sources, not the
  ontology), with graphkit's prefixes as the @context so IRIs stay short and readable.
* CSV for spreadsheets: one row per event (a joint gift is one row, its donors joined), amounts in
  yuan, with the article it comes from. Files get a UTF-8 byte-order mark so Excel shows Chinese.

Every file is written to a temporary file beside the target and renamed into place, so a failed
export never leaves a truncated file where a good one was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import networkx as nx

from graphkit import vocabulary
from graphkit.analysis.aggregates import money_by_entity
from graphkit.analysis.entities import label, type_zh
from graphkit.analysis.events import donation_amount, events
from graphkit.files import atomic_write
from graphkit.money import written
from graphkit.results import spreadsheet_cell

FORMATS: tuple[str, ...] = ("graphml", "gexf", "jsonld", "csv")
JOIN = "；"

CSV_COLUMNS = [
    "event_id", "type", "from", "to", "person", "amount_cny", "approximate", "items", "quantity", "purpose",
    "date", "mode", "brokers", "source_id", "title", "publisher", "url", "span", "period", "planned", "role", "iri",
    "figure", "recommended_for_aggregates", "counted_cny", "valid_from", "valid_to", "as_of", "review_status",
    "source_kind",
]


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown format)."""


def _rgb(colour: str) -> dict[str, int | float]:
    value = colour.lstrip("#")
    return {"r": int(value[0:2], 16), "g": int(value[2:4], 16), "b": int(value[4:6], 16), "a": 1.0}


def _scalar(value: Any) -> str | int | float | bool | None:
    """A value GraphML/GEXF can hold: lists joined, empty and None dropped (returned as None)."""
    if value is None:
        return None
    if isinstance(value, list | tuple | set):
        items = [str(v) for v in value if v is not None and v != ""]
        return JOIN.join(items) if items else None
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return text or None


def event_id(iri: str, source_id: str | None = None) -> str:
    """`<source>/<local id>` from an event IRI, as the dataset writes it."""
    local = unquote(iri.rsplit("/", 1)[-1])
    if source_id:
        return f"{source_id}/{local}"
    return unquote(iri.split("/event/", 1)[-1])


# --- GraphML and GEXF ------------------------------------------------------------------------------


def gephi_graph(graph: nx.MultiDiGraph, viz: bool = False) -> nx.MultiDiGraph:
    """A copy of the network with scalar attributes only, ready for GraphML or GEXF writers.

    Nodes keep their IRI as id and get `label`, `type`, `type_zh`, `level`, `parent`,
    `located_in`, `member_of` (names, not IRIs), `aliases` (joined), coordinates, `colour` and money
    totals; with `viz`, a GEXF `viz` colour and size. Edges get unique ids (`e0`, `e1`...; a joint
    gift is several edges of one event) and the event's attributes, `event` being its IRI.
    """
    money = money_by_entity(graph)
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="graphkit")
    for node, attrs in graph.nodes(data=True):
        kind = attrs.get("type")
        colour = vocabulary.entity_type(kind).color
        row = money.loc[node] if node in money.index else None
        values: dict[str, Any] = {
            "label": attrs.get("label", node),
            "type": kind,
            "type_zh": type_zh(graph, node),
            "level": attrs.get("level"),
            "parent": label(graph, attrs["parent"]) if attrs.get("parent") else None,
            "located_in": label(graph, attrs["based"]) if attrs.get("based") else None,
            "member_of": label(graph, attrs["member"]) if attrs.get("member") else None,
            "role": attrs.get("role"),
            "adcode": attrs.get("adcode"),
            "aliases": attrs.get("aliases"),
            "lon": attrs.get("lon"),
            "lat": attrs.get("lat"),
            "colour": colour,
            "money_given": float(row["money_given"]) if row is not None else 0.0,
            "money_received": float(row["money_received"]) if row is not None else 0.0,
            "donations_given": int(row["donations_given"]) if row is not None else 0,
            "donations_received": int(row["donations_received"]) if row is not None else 0,
        }
        scalars = {key: _scalar(value) for key, value in values.items()}
        clean: dict[str, Any] = {key: value for key, value in scalars.items() if value is not None}
        if viz:
            clean["viz"] = {"color": _rgb(colour), "size": 10.0}
        out.add_node(node, **clean)
    for number, (giver, taker, key, data) in enumerate(graph.edges(keys=True, data=True)):
        values = {
            "relation": data.get("relation"),
            "event": key,
            "event_id": event_id(key, data.get("sourceId")),
            "amount": data.get("amount"),
            "approximate": bool(data.get("approximate")) if data.get("amount") is not None else None,
            "period": data.get("period"),
            "items": data.get("items"),
            "quantity": data.get("quantity"),
            "purpose": data.get("purpose"),
            "date": data.get("date"),
            "mode": data.get("mode"),
            "role": data.get("role"),
            "planned": bool(data.get("planned")) or None,
            "figure": data.get("figure"),
            "recommended_for_aggregates": data.get("recommended"),
            "valid_from": data.get("validFrom"),
            "valid_to": data.get("validTo"),
            "sending_unit": [label(graph, n) for n in data.get("from", ())] if data.get("relation") == "secondment"
            else None,
            "brokers": data.get("broker_labels"),
            "source_id": data.get("sourceId"),
            "title": data.get("title"),
            "publisher": data.get("publisher"),
            "url": data.get("url"),
            "weight": 1.0,
        }
        edge: dict[str, Any] = {k: v for k, v in ((k, _scalar(v)) for k, v in values.items()) if v is not None}
        if viz:
            edge["viz"] = {"color": _rgb(vocabulary.relation(data.get("relation")).color)}
        out.add_edge(giver, taker, key=f"e{number}", **edge)
    return out


def graphml_bytes(graph: nx.MultiDiGraph) -> bytes:
    """The network as GraphML (UTF-8)."""
    buffer = io.BytesIO()
    nx.write_graphml(gephi_graph(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def gexf_bytes(graph: nx.MultiDiGraph) -> bytes:
    """The network as GEXF 1.2 with viz colours (UTF-8)."""
    buffer = io.BytesIO()
    nx.write_gexf(gephi_graph(graph, viz=True), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


# --- JSON-LD ---------------------------------------------------------------------------------------


# The entity register and the sources' graphs: the data, not the ontology nor derived totals.
DATA_TRIPLES = """
SELECT DISTINCT ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(?g = <https://w3id.org/graphkit/id/graph/entities>
         || STRSTARTS(STR(?g), "https://w3id.org/graphkit/id/graph/source/"))
}"""


def data_graph(store):
    """The data triples of a store (entity register and sources; not the ontology or the build's
    roll-up totals, which are derived) as an rdflib Graph."""
    from rdflib import Graph

    from graphkit.ontology import PREFIXES

    rdf = Graph()
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, namespace, override=True)
    for s, p, o in store.query(DATA_TRIPLES).rows:
        rdf.add((s, p, o))
    return rdf


def jsonld_bytes(store) -> bytes:
    """The data triples as JSON-LD, compacted with graphkit's prefixes as the @context."""
    from graphkit.ontology import PREFIXES

    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    text = data_graph(store).serialize(format="json-ld", context=context, indent=2, ensure_ascii=False)
    return text.encode("utf-8") if isinstance(text, str) else text


# --- CSV -------------------------------------------------------------------------------------------


def event_rows(graph: nx.MultiDiGraph) -> list[dict[str, str]]:
    """One row per event, parties by Chinese name (several joined with "；"), amounts in yuan."""
    rows = []
    for iri, event in events(graph).items():
        names = {role: JOIN.join(label(graph, n) for n in event.get(role, ())) for role in ("from", "to", "person")}
        span = f"{event['start']}-{event['end']}" if event.get("start") is not None else ""
        amount = event.get("amount")
        rows.append(
            {
                "event_id": event_id(iri, event.get("sourceId")),
                "type": event.get("relation", ""),
                **names,
                "amount_cny": written(amount),
                "approximate": ("true" if event.get("approximate") else "false") if amount is not None else "",
                "items": event.get("items") or "",
                "quantity": event.get("quantity") or "",
                "purpose": event.get("purpose") or "",
                "date": event.get("date") or "",
                "mode": event.get("mode") or "",
                "brokers": JOIN.join(event.get("broker_labels") or ()),
                "source_id": event.get("sourceId") or "",
                "title": event.get("title") or "",
                "publisher": event.get("publisher") or "",
                "url": event.get("url") or "",
                "span": span,
                "period": event.get("period") or "",
                "planned": "true" if event.get("planned") else "",
                "role": event.get("role") or "",
                "iri": iri,
                "figure": (event.get("figure") or "gift") if event.get("relation") == "donation" else "",
                "recommended_for_aggregates": "" if event.get("relation") != "donation"
                else "false" if event.get("recommended") is False else "true",
                "counted_cny": written(donation_amount(event)),
                "valid_from": event.get("validFrom") or "",
                "valid_to": event.get("validTo") or "",
                "as_of": event.get("asOf") or "",
                "review_status": event.get("sourceStatus") or "",
                "source_kind": event.get("sourceKind") or "",
            }
        )
    return rows


def events_csv(graph: nx.MultiDiGraph, bom: bool = False, guard_formulas: bool = True) -> bytes:
    """The events as CSV (UTF-8, with a byte-order mark for Excel when `bom`); names and titles that
    a spreadsheet would read as formulas are neutralised unless `guard_formulas` is False."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    cell = spreadsheet_cell if guard_formulas else str
    writer.writerows({key: cell(value) for key, value in row.items()} for row in event_rows(graph))
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


# --- files -----------------------------------------------------------------------------------------


def render(kg, fmt: str, for_file: bool = True, raw_csv: bool = False) -> bytes:
    """The bytes of an export of a KnowledgeGraph (its networkx view, or its store for JSON-LD)."""
    makers: dict[str, Callable[[], bytes]] = {
        "graphml": lambda: graphml_bytes(kg.network()),
        "gexf": lambda: gexf_bytes(kg.network()),
        "jsonld": lambda: jsonld_bytes(kg.store),
        "csv": lambda: events_csv(kg.network(), bom=for_file, guard_formulas=not raw_csv),
    }
    if fmt not in makers:
        raise ExportError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    return makers[fmt]()


def export(kg, fmt: str, path: Path | str | None = None, raw_csv: bool = False) -> bytes:
    """Export a KnowledgeGraph in `fmt`; written atomically to `path` when given. Returns the bytes."""
    data = render(kg, fmt, for_file=path is not None, raw_csv=raw_csv)
    if path is not None:
        atomic_write(path, data)
    return data
