"""Exports: GraphML and GEXF for Gephi, JSON-LD for linked-data tools, CSV of events; atomic writes."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic

from graphkit import export as ex
from graphkit import files, vocabulary
from graphkit.rdf_mapping import dataset_quads
from tests.conftest import REPO, graphkit_cli
from tests.test_analysis import XSS, iri, kg_of, records


@pytest.fixture(scope="module")
def kg():
    return kg_of(records(xss=True))


def read_graph(data: bytes, fmt: str, tmp_path: Path) -> nx.MultiDiGraph:
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(data)
    return nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_gephi_formats_read_back_with_types_and_amounts(kg, fmt, tmp_path: Path) -> None:
    graph = read_graph(ex.render(kg, fmt), fmt, tmp_path)
    source = kg.network()
    assert graph.number_of_nodes() == source.number_of_nodes()
    assert graph.number_of_edges() == source.number_of_edges()
    for node, attrs in source.nodes(data=True):
        assert graph.nodes[node]["type"] == attrs["type"]
        assert graph.nodes[node]["label"] == attrs["label"]
    agency = graph.nodes[iri("彭州市综合执法局")]
    assert agency["money_given"] == 150000 and agency["type_zh"] == vocabulary.entity_type("GovernmentAgency").zh == "政府机关"
    assert agency["located_in"] == "彭州市" and agency["colour"] == vocabulary.entity_type("GovernmentAgency").color
    assert graph.nodes[iri(XSS)]["label"] == XSS  # text survives, escaped by the XML writer
    gift = [d for _, _, d in graph.edges(data=True) if d.get("event_id") == "t1/d1"]
    assert len(gift) == 1
    assert gift[0]["amount"] == 150000 and gift[0]["relation"] == "donation" and gift[0]["brokers"] == "魏国庆"
    joint = [d for _, _, d in graph.edges(data=True) if d.get("event_id") == "t2/d1"]
    assert len(joint) == 4  # two donors × two schools, one event
    for _, attrs in graph.nodes(data=True):  # scalars only: lists were joined
        assert all(not isinstance(v, list | dict) or k == "viz" for k, v in attrs.items())
    assert graph.nodes[iri("黑水县")]["aliases"] == "黑水"


def test_gexf_has_viz_colours(kg, tmp_path: Path) -> None:
    data = ex.render(kg, "gexf")
    assert b"viz:color" in data
    graph = read_graph(data, "gexf", tmp_path)
    colour = graph.nodes[iri("黑水县")]["viz"]["color"]
    expected = vocabulary.entity_type("Region").color.lstrip("#")
    assert (colour["r"], colour["g"], colour["b"]) == tuple(int(expected[i:i + 2], 16) for i in (0, 2, 4))


def test_jsonld_round_trips_with_a_context(kg) -> None:
    data = ex.render(kg, "jsonld")
    document = json.loads(data)
    assert document["@context"]["gk"] == "https://w3id.org/graphkit/ontology#"
    assert document["@context"]["schema"] == "https://schema.org/"
    parsed = rdflib.Graph().parse(data=data, format="json-ld")
    expected = ex.data_graph(kg.store)
    triples = {(s, p, o) for s, p, o, _ in dataset_quads(records(xss=True))}
    assert len(parsed) == len(expected) == len(triples)
    assert isomorphic(parsed, expected)


def test_csv_one_row_per_event(kg) -> None:
    rows = list(csv.DictReader(io.StringIO(ex.render(kg, "csv", for_file=False).decode("utf-8"))))
    dataset = records(xss=True)
    assert len(rows) == sum(1 for _ in dataset.events())
    assert list(rows[0]) == ex.CSV_COLUMNS
    by_id = {row["event_id"]: row for row in rows}
    gift = by_id["t1/d1"]
    assert (gift["type"], gift["from"], gift["to"], gift["amount_cny"]) == (
        "donation", "彭州市综合执法局", "黑水县知木林镇人民政府", "150000"
    )
    assert (gift["brokers"], gift["date"], gift["source_id"], gift["title"]) == (
        "魏国庆", "2021-10", "t1", "测试文章：彭州对口支援黑水"
    )
    joint = by_id["t2/d1"]
    assert joint["from"] == "民建大连市委会；民进大连市委会" and joint["amount_cny"] == "100000"
    assert by_id["t1/d2"]["approximate"] == "true" and by_id["t1/d3"]["period"] == "month"
    assert by_id["t1/s1"]["person"] == "魏国庆" and by_id["t1/s1"]["from"] == "彭州市"
    assert by_id["t2/d3"]["amount_cny"] == "" and by_id["t2/d3"]["quantity"] == "200件"
    assert by_id["t3/d1"]["from"] == XSS
    total = sum(Decimal(r["amount_cny"]) for r in rows if r["amount_cny"])
    assert total == sum(e.amount.value for e in dataset.events() if e.amount is not None)


def test_csv_file_has_a_bom_for_excel(kg, tmp_path: Path) -> None:
    target = tmp_path / "events.csv"
    ex.export(kg, "csv", target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle))[0] == "event_id"


def test_writes_are_atomic(kg, tmp_path: Path) -> None:
    target = tmp_path / "graph.graphml"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(ex.ExportError):
        ex.export(kg, "pdf", target)
    assert target.read_text(encoding="utf-8") == "previous"
    ex.export(kg, "graphml", target)
    assert target.read_bytes().startswith(b"<?xml")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.graphml"]


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        files.atomic_write(target, b"new")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_seed_exports_from_the_command_line(built: Path, tmp_path: Path) -> None:
    import graphkit

    dataset = graphkit.load(REPO / "data")
    events = list(dataset.events())
    result = graphkit_cli("export", "--format", "csv", "--out", str(built))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(events)
    by_id = {row["event_id"]: row for row in rows}
    for event in events:
        row = by_id[event.id]
        expected = "" if event.amount is None else event.amount.value
        assert (Decimal(row["amount_cny"]) if row["amount_cny"] else "") == expected, event.id
    pengzhou = [r for r in rows if r["from"] == "彭州市综合执法局"]
    assert [(r["to"], r["amount_cny"]) for r in pengzhou] == [("黑水县知木林镇人民政府", "150000")]

    for fmt in ("graphml", "gexf", "jsonld"):
        target = tmp_path / f"seed.{fmt}"
        result = graphkit_cli("export", "-f", fmt, "-o", str(target), "--out", str(built))
        assert result.returncode == 0, result.stderr
    graph = nx.read_gexf(tmp_path / "seed.gexf")
    assert graph.nodes[iri("黑水县")]["type"] == "Region"
    assert sum(1 for *_, d in graph.edges(data=True) if d.get("amount") == 150000) >= 1
    graphml = nx.read_graphml(tmp_path / "seed.graphml")
    assert graphml.number_of_nodes() == graph.number_of_nodes() == len(dataset.entities)
    parsed = rdflib.Graph().parse(tmp_path / "seed.jsonld", format="json-ld")
    with graphkit.open(built) as kg:
        assert len(parsed) == len(ex.data_graph(kg.store))


def test_export_command_rejects_unknown_format(built: Path) -> None:
    result = graphkit_cli("export", "--format", "pdf", "--out", str(built))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
