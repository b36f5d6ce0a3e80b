"""What kind of figure an extracted gift's amount is (graphkit.model.FIGURES): a total over years
or gifts is cumulative, a programme's money for a year annual, a gift announced before the verb a
pledge, anything else a gift — and what reaches data/ and the totals. Sentences of our own with
invented places (鹭川市, 青岚县)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphkit.extract.pipeline import extract_text


def figures(text: str) -> list[tuple]:
    return [(r["to"], r.get("amount_cny"), r.get("figure", "gift")) for r in extract_text(text)["relations"]
            if r["type"] == "donation"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # totals: over years, over gifts
        ("鹭川市累计向青岚县投入帮扶资金3亿元。", [("青岚县", 300_000_000, "cumulative")]),
        ("自2016年以来,鹭川市先后为青岚县白石村捐赠资金共计800万元。", [("白石村", 8_000_000, "cumulative")]),
        # a programme's money for a year
        ("今年,鹭川市向青岚县投入财政援助资金2000万元。", [("青岚县", 20_000_000, "annual")]),
        ("鹭川市本年度向青岚县投入财政帮扶资金1500万元。", [("青岚县", 15_000_000, "annual")]),
        # announced, not made
        ("鹭川市将向青岚县第一中学捐赠电脑50台,价值60万元。", [("青岚县第一中学", 600_000, "pledge")]),
        ("鹭川市星河科技有限公司计划为青岚县白石村捐资100万元修建道路。", [("白石村", 1_000_000, "pledge")]),
        # gifts: a date, a plan named as a noun, this year's gift without a budget's words
        ("2018年,鹭川市教育局向青岚县第一中学捐赠帮扶资金50万元。", [("青岚县第一中学", 500_000, "gift")]),
        ("按照帮扶计划,鹭川市向青岚县捐赠资金100万元。", [("青岚县", 1_000_000, "gift")]),
        ("今年3月,鹭川市慈善总会向青岚县白石村捐赠物资,价值30万元。", [("白石村", 300_000, "gift")]),
    ],
)
def test_kind_of_figure(text: str, expected: list[tuple]) -> None:
    assert figures(text) == expected


def test_ingested_figures_stay_out_of_totals(tmp_path: Path) -> None:
    """An ingested article's cumulative total and pledge are written with their kind and add nothing
    to the donor's total; its gift does."""
    import shutil

    import graphkit
    from graphkit.ingest import ingest
    from tests.conftest import REPO

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    article = tmp_path / "luchuan-figures.txt"
    article.write_text(
        "鹭川市帮扶青岚县\n2024-03-02 来源：鹭川日报\n\n"
        "3月1日,鹭川市教育局向青岚县第一中学捐赠电脑50台,价值60万元。\n"
        "鹭川市教育局将向青岚县第二中学捐赠图书1万册,价值20万元。\n"
        "多年来,鹭川市教育局累计向青岚县投入帮扶资金3000万元。\n", encoding="utf-8")
    ingest([article], data, tmp_path / "out")
    text = (data / "sources" / "luchuan-figures.yaml").read_text(encoding="utf-8")
    assert "figure: cumulative" in text and "planned: true" in text
    with graphkit.open(tmp_path / "out") as kg:
        rows = kg.store.records(
            "PREFIX gk: <https://w3id.org/graphkit/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?total WHERE { ?donor rdfs:label '鹭川市教育局'@zh ; gk:totalGivenCNY ?total }")
    assert [float(r["total"]) for r in rows] == [600_000]
