"""One vocabulary: every view names and colours entity types, relations and levels the same way, as
graphkit.vocabulary reads them from the ontology. Checked on the built seed graph."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from graphkit import export, vocabulary
from graphkit.ontology import ENTITY_CLASSES, EVENT_CLASSES, LEVELS, ontology_dir
from graphkit.render.page import read_payload
from graphkit.render.report import render_report
from tests.conftest import graphkit_cli


def test_labels_are_the_ontologys() -> None:
    ontology = Graph().parse(ontology_dir() / "graphkit.ttl")
    for terms, classes in ((vocabulary.entity_types(), ENTITY_CLASSES), (vocabulary.relations(), EVENT_CLASSES),
                           (vocabulary.levels(), LEVELS)):
        for term in terms:
            labels = set(ontology.objects(classes[term.key], RDFS.label))
            assert {Literal(term.zh, lang="zh"), Literal(term.en, lang="en")} <= labels, term
    assert vocabulary.entity_type("Person").zh == "个人" and vocabulary.level("township").zh == "乡级"


def test_the_page_legend_is_the_vocabulary(built: Path) -> None:
    payload = read_payload((built / "index.html").read_text("utf-8"))
    shown = {t["key"]: (t["zh"], t["en"], t["color"]) for t in payload["entityTypes"] + payload["relations"]}
    for term in (*vocabulary.entity_types(), *vocabulary.relations()):
        assert shown[term.key] == (term.zh, term.en, term.color)


def test_exports_and_report_colour_types_as_the_page_does(seed_graph, tmp_path: Path) -> None:
    path = tmp_path / "g.gexf"
    path.write_bytes(export.render(seed_graph, "gexf"))
    graph = nx.read_gexf(path)
    for _, attrs in graph.nodes(data=True):
        colour = vocabulary.entity_type(attrs["type"]).color.lstrip("#")
        viz = attrs["viz"]["color"]
        assert f"{viz['r']:02x}{viz['g']:02x}{viz['b']:02x}" == colour
        assert attrs["type_zh"] == vocabulary.label(attrs["type"], "zh", attrs.get("level"))
    report = render_report(seed_graph.network(), generated="2024-01-01 00:00")
    # each bar of the donors chart: <g><title>name（type）: …</title>…<rect … fill="colour"/>
    bars = []
    for group in re.findall(r"<g>(.*?)</g>", report):
        title = re.match(r"<title>([^（<]+)（([^）]+)）: [^<]*</title>", group)
        rect = re.search(r'<rect [^>]*fill="(#[0-9a-f]{6})"', group)
        if title and rect and title.group(2) in {t.zh for t in (*vocabulary.entity_types(), *vocabulary.levels())}:
            bars.append((title.group(1), title.group(2), rect.group(1)))
    assert ("上海光大证券股份有限公司", "企业", vocabulary.entity_type("Company").color) in bars
    assert ("厦门市", "地级", vocabulary.level("prefecture").color) in bars
    for _, kind_zh, colour in bars:
        assert colour in {t.color for t in (*vocabulary.entity_types(), *vocabulary.levels()) if t.zh == kind_zh}
    assert vocabulary.relation("donation").color in report


def test_stats_names_types_as_the_vocabulary(built: Path) -> None:
    result = graphkit_cli("stats", "--out", str(built))
    assert result.returncode == 0, result.stderr
    for term in (*vocabulary.entity_types(), *vocabulary.relations()):
        assert term.zh in result.stdout



def test_the_kinds_of_figure_are_the_models_and_the_page_names_them_from_here(built: Path) -> None:
    from graphkit.model import FIGURES

    assert tuple(t.key for t in vocabulary.FIGURES) == FIGURES
    payload = read_payload((built / "index.html").read_text("utf-8"))
    assert payload["figures"] == [{"key": t.key, "zh": t.zh, "en": t.en, "color": t.color} for t in vocabulary.FIGURES]
