"""Every extracted relation names its rule and carries a confidence; borrowed parties lower it; eval shows both."""

from __future__ import annotations

from pathlib import Path

from graphkit.extract.confidence import confidence
from graphkit.extract.pipeline import extract_text
from tests.conftest import graphkit_cli

ARTICLES = Path(__file__).resolve().parent / "articles"


def test_a_stated_gift_is_confident_and_named() -> None:
    record = extract_text("青岚县白石镇商会向鹭川市枫林区中心小学捐赠助学金8万元。")
    (gift,) = record["relations"]
    assert gift["rule"] == "donations" and "filled" not in gift
    assert gift["confidence"] >= 0.8


def test_a_gift_whose_donor_is_only_in_an_earlier_sentence_is_a_low_confidence_candidate() -> None:
    text = ("杭州市西湖区对口支援来凤县。\n"
            "西湖区教育局向来凤县翔凤镇中心小学捐赠助学金8万元。\n"
            "当天还捐赠了价值3万元的图书。")
    every = extract_text(text, min_confidence=0.0)["relations"]
    borrowed = [r for r in every if r.get("filled")]
    assert [(r["from"], r["to"], r["amount_cny"]) for r in borrowed] == [("西湖区", "来凤县", 30000)]
    assert borrowed[0]["filled"] == {"from": "main-pair", "to": "main-pair"} and borrowed[0]["confidence"] < 0.5
    stated = extract_text(text, min_confidence=0.5)["relations"]
    assert stated and all(not r.get("filled") and r["confidence"] >= 0.5 for r in stated)
    assert len(stated) < len(every)


def test_confidence_is_the_rule_prior_cut_by_each_borrowed_party() -> None:
    stated = {"type": "pairing", "rule": "pairings_by_mode"}
    assert confidence(stated) == 0.85
    assert confidence({**stated, "filled": {"to": "main-pair"}}) < confidence({**stated, "filled": {"to": "previous-sentence"}})
    assert confidence({**stated, "filled": {"from": "main-pair", "to": "main-pair"}}) < 0.15


def test_eval_prints_thresholds_and_per_rule_counts() -> None:
    result = graphkit_cli("eval", str(ARTICLES), "--rules")
    assert result.returncode == 0, result.stderr
    assert "confidence ≥" in result.stdout and "0.50" in result.stdout
    assert "donations" in result.stdout and "per article (tp/fp)" in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("donations ")]
    tp, fp = map(int, rows[0].split()[1:3])
    assert tp >= 4 and tp > fp
