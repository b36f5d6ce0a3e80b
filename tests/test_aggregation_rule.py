"""One rule decides what a total counts (graphkit.model.recommended_for_aggregates): a gift does; a
pledge, a cumulative total and an annual budget do not, unless a curator overrides it per record.
A donor with one of each, built by the real command, and every total graphkit shows read back: the
roll-ups in the store, the named query, `graphkit stats`, the page, the analysis tables, the CSV
export — each must count the gifts and the override, and nothing else.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import graphkit
from graphkit.dataset import DataError, load
from graphkit.render.page import read_payload
from tests.conftest import graphkit_cli

GIFTS = 150_000 + 80_000
OVERRIDE = 40_000  # an annual figure a curator put back into totals
SOURCE = """\
id: t2
title: 测试文章二
publisher: 测试网
date: 2022-05-01
status: curated
kind: official_media
events:
  - {id: g1, type: donation, from: 彭州市综合执法局, to: 知木林镇, amount: 80000}
  - {id: pl, type: donation, from: 彭州市综合执法局, to: 知木林镇, amount: 500000, planned: true}
  - {id: cu, type: donation, from: 彭州市综合执法局, to: 知木林镇, amount: 9000000, figure: cumulative}
  - {id: an, type: donation, from: 彭州市综合执法局, to: 知木林镇, amount: 3000000, figure: annual}
  - {id: ok, type: donation, from: 彭州市综合执法局, to: 知木林镇, amount: 40000, figure: annual, aggregate: true}
  - {id: p2, type: pairing, from: 彭州市, to: 黑水县, valid_from: 2016, valid_to: 2021-02, also_in: [t1]}
"""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import TINY_ENTITIES, TINY_SOURCE

    data = tmp_path_factory.mktemp("aggregates") / "data"
    (data / "sources").mkdir(parents=True)
    (data / "entities.yaml").write_text(TINY_ENTITIES, encoding="utf-8")
    (data / "sources" / "t1.yaml").write_text(TINY_SOURCE, encoding="utf-8")
    (data / "sources" / "t2.yaml").write_text(SOURCE, encoding="utf-8")
    target = data.parent / "out"
    result = graphkit_cli("build", "--data", str(data), "--out", str(target))
    assert result.returncode == 0, result.stderr
    return target


def test_the_store_says_what_each_figure_is_and_counts_only_the_recommended(out: Path) -> None:
    with graphkit.open(out) as kg:
        rows = kg.store.records(
            "PREFIX gk: <https://w3id.org/graphkit/ontology#> SELECT ?e ?figure ?ok ?counted WHERE { "
            "?e a gk:Donation ; gk:recommendedForAggregates ?ok . OPTIONAL { ?e gk:figure ?figure } "
            "OPTIONAL { ?e gk:amountCNY ?counted } }")
        by_id = {r["e"].rsplit("/", 1)[-1]: r for r in rows}
        assert {k: (v["figure"], v["ok"], v["counted"] is not None) for k, v in by_id.items()} == {
            "d1": (None, True, True), "g1": (None, True, True), "pl": ("pledge", False, False),
            "cu": ("cumulative", False, False), "an": ("annual", False, False), "ok": ("annual", True, True),
        }
        total = kg.store.records(
            "PREFIX gk: <https://w3id.org/graphkit/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?t WHERE { ?d rdfs:label '彭州市综合执法局'@zh ; gk:totalGivenCNY ?t }")
        assert [float(r["t"]) for r in total] == [GIFTS + OVERRIDE]
        ranked = kg.rows("donors-ranked")
    assert (ranked[0]["donorLabel"], float(ranked[0]["totalCNY"])) == ("彭州市综合执法局", GIFTS + OVERRIDE)


def test_stats_page_tables_and_export_agree(out: Path) -> None:
    stats = graphkit_cli("stats", "--out", str(out))
    assert stats.returncode == 0, stats.stderr
    assert "27 万元" in stats.stdout or "270,000" in stats.stdout or "270000" in stats.stdout, stats.stdout
    data = read_payload((out / "index.html").read_text(encoding="utf-8"))
    assert data["meta"]["donated"] == GIFTS + OVERRIDE
    donor = next(n for n in data["nodes"] if n["label"] == "彭州市综合执法局")
    assert donor["gk"]["given"] == GIFTS + OVERRIDE
    figures = {e["gk"]["event"].rsplit("/", 1)[-1]: e["gk"].get("figure") for e in data["edges"]
               if e["gk"]["relation"] == "donation"}
    assert figures["cu"] == "cumulative" and figures["an"] == "annual" and figures["g1"] is None
    with graphkit.open(out) as kg:
        from graphkit.analysis.aggregates import money_by_entity

        frame = money_by_entity(kg.network())
        assert frame.loc[frame["label"] == "彭州市综合执法局", "money_given"].item() == GIFTS + OVERRIDE
    export = graphkit_cli("export", "--out", str(out), "--format", "csv", "-o", str(out.parent / "events.csv"))
    assert export.returncode == 0, export.stderr
    rows = list(csv.DictReader(io.StringIO((out.parent / "events.csv").read_text(encoding="utf-8-sig"))))
    by_id = {r["event_id"].rsplit("/", 1)[-1]: r for r in rows}
    assert (by_id["cu"]["figure"], by_id["cu"]["recommended_for_aggregates"], by_id["cu"]["counted_cny"]) == \
        ("cumulative", "false", "")
    assert (by_id["ok"]["recommended_for_aggregates"], by_id["ok"]["counted_cny"]) == ("true", "40000")
    assert by_id["p2"]["valid_from"] == "2016" and by_id["p2"]["valid_to"] == "2021-02"
    assert by_id["g1"]["review_status"] == "curated" and by_id["g1"]["source_kind"] == "official_media"


@pytest.mark.parametrize(
    ("event", "field", "message"),
    [
        ("{id: x, type: donation, from: 彭州市, to: 黑水县, amount: 1, planned: false, figure: pledge}", "planned",
         "contradicts figure: pledge"),
        ("{id: x, type: pairing, from: 彭州市, to: 黑水县, figure: annual}", "figure", "only a donation"),
        ("{id: x, type: donation, from: 彭州市, to: 黑水县, amount: 1, valid_from: 2016}", "valid_from",
         "only a pairing"),
        ("{id: x, type: pairing, from: 彭州市, to: 黑水县, valid_from: 2016, valid_to: 2015}", "valid_to",
         "ends (2015) before it begins (2016)"),
        ("{id: x, type: pairing, from: 彭州市, to: 黑水县, also_in: [nowhere]}", "also_in", "no source of data/"),
        ("{id: x, type: donation, from: 彭州市, to: 黑水县, amount: 1, figure: rumour}", "figure", "unknown figure"),
    ],
)
def test_bad_figures_and_periods_name_file_line_and_field(tiny_data: Path, event: str, field: str, message: str) -> None:
    path = tiny_data / "sources" / "t3.yaml"
    path.write_text(f"id: t3\nstatus: reviewed\nevents:\n  - {event}\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load(tiny_data)
    assert raised.value.path == str(path) and raised.value.field == field and message in str(raised.value)
    assert raised.value.line is not None
