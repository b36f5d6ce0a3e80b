"""End to end on the shared corpus (gold and dev) and on this repo's own test articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphkit.extract.evaluate import evaluate
from graphkit.extract.pipeline import extract_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
ARTICLES = Path(__file__).resolve().parent / "articles"

needs_corpus = pytest.mark.skipif(not (CORPUS / "gold").is_dir(), reason="shared corpus not present")


def _rels(path: Path, kind: str) -> list[dict]:
    return [r for r in extract_file(path)["relations"] if r["type"] == kind]


@needs_corpus
def test_gold_scores() -> None:
    report = evaluate(CORPUS / "gold", CORPUS)
    print(report.table())
    assert report.articles == 5 and not report.failed
    assert report.f1 >= 0.90
    assert report.amount_accuracy >= 0.95


@needs_corpus
def test_dev_floor() -> None:
    report = evaluate(CORPUS / "dev")
    print(report.table())
    assert report.articles == 20 and not report.failed
    assert report.f1 >= 0.70
    assert report.amount_accuracy >= 0.9


@needs_corpus
def test_gold_content_pengzhou() -> None:
    path = next(CORPUS.glob("000_*.txt"))
    gifts = {(r["from"], r["to"]): r for r in _rels(path, "donation")}
    assert gifts[("彭州市综合执法局", "黑水县知木林人民政府")]["amount_cny"] == 150_000
    joint = [gifts[(d, "黑水县红十字会")] for d in ("彭州市人社局", "彭州市红十字会")]
    assert all(g["amount_cny"] == 90_000 and g["approximate"] for g in joint)
    assert joint[0]["facilitated_by"] == ["黄李梅", "周厚强"]
    assert gifts[("四川交联电缆有限公司", "色尔古村")]["amount_cny"] == 6000
    assert gifts[("爱心企业", "梦丽")]["per"] == "month"
    seconded = {(r["person"], r["to"]) for r in _rels(path, "secondment")}
    assert ("陈聪", "黑水县司法局") in seconded and ("魏国庆", "色尔古镇") in seconded
    text = path.read_text("utf-8")
    start, end = gifts[("彭州市综合执法局", "黑水县知木林人民政府")]["span"]
    assert "15万元" in text[start:end]


@needs_corpus
def test_gold_content_traditional_and_two_gifts() -> None:
    wanyuan = next(CORPUS.glob("001_*.txt"))
    assert extract_file(wanyuan)["source"]["script"] == "traditional"
    assert ("四川省民政厅", "万源市") in {(r["from"], r["to"]) for r in _rels(wanyuan, "pairing")}
    dalian = next(CORPUS.glob("002_*.txt"))
    amounts = sorted(r["amount_cny"] for r in _rels(dalian, "donation") if r["from"] == "民建大连市委会")
    assert amounts == [20_000, 200_000]


def test_own_articles_pass() -> None:
    report = evaluate(ARTICLES)
    print(report.table())
    assert report.articles == 8 and not report.failed
    assert report.f1 >= 0.90
    assert report.amount_accuracy >= 0.95
