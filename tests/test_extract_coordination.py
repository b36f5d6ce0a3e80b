"""Lists and coordination as one mechanism: 分别 maps in order, bracketed sums belong to their item,
A与B、C与D is two pairs, a list-internal 和 is not 'with', joint and 各 gifts go once per party.
Sentences of our own with invented places."""

from __future__ import annotations

import pytest

from graphkit.extract.pipeline import extract_text


def relations(text: str) -> list[tuple]:
    return [(r["type"], r["from"], r["to"], r.get("amount_cny")) for r in extract_text(text)["relations"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鹭川市教育局、鹭川市卫健委、鹭川市民政局分别向青岚县白石镇、李集镇、红岩乡捐助了10万元、20万元、30万元。",
         [("donation", "鹭川市教育局", "白石镇", 100000), ("donation", "鹭川市卫健委", "李集镇", 200000),
          ("donation", "鹭川市民政局", "红岩乡", 300000)]),
        ("鹭川市星河科技有限公司向青岚县白石镇中心小学、李集镇中心小学分别捐赠5万元、3万元。",
         [("donation", "鹭川市星河科技有限公司", "青岚县白石镇中心小学", 50000),
          ("donation", "鹭川市星河科技有限公司", "李集镇中心小学", 30000)]),
        ("鹭川市慈善总会向青岚县白石镇中心小学(50万元)、李集镇中心小学(20万元)、红岩乡中心小学(10万元)捐赠助学金。",
         [("donation", "鹭川市慈善总会", "青岚县白石镇中心小学", 500000),
          ("donation", "鹭川市慈善总会", "李集镇中心小学", 200000),
          ("donation", "鹭川市慈善总会", "红岩乡中心小学", 100000)]),
        ("鹭川市星河科技有限公司向青岚县白石镇中心小学和李集镇中心小学各捐赠5万元。",
         [("donation", "鹭川市星河科技有限公司", "青岚县白石镇中心小学", 50000),
          ("donation", "鹭川市星河科技有限公司", "李集镇中心小学", 50000)]),
        ("鹭川市星河科技有限公司和云溪市白鹭实业有限公司共同向青岚县白石镇中心小学捐赠图书馆一座,价值80万元。",
         [("donation", "鹭川市星河科技有限公司", "青岚县白石镇中心小学", 800000),
          ("donation", "云溪市白鹭实业有限公司", "青岚县白石镇中心小学", 800000)]),
    ],
)
def test_gifts_in_lists(text: str, expected: list[tuple]) -> None:
    assert relations(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鹭川市枫林区与青岚县、鹭川市松涛区与红岩县签署结对帮扶协议。", [("枫林区", "青岚县"), ("松涛区", "红岩县")]),
        ("鹭川市枫林区与青岚县、红岩县签署结对帮扶协议。", [("枫林区", "青岚县"), ("枫林区", "红岩县")]),
        ("鹭川市、苍梧市和云溪市分别与青岚县签订东西部协作协议。",
         [("鹭川市", "青岚县"), ("苍梧市", "青岚县"), ("云溪市", "青岚县")]),
    ],
)
def test_pairings_in_lists(text: str, expected: list[tuple]) -> None:
    assert [(r[1], r[2]) for r in relations(text) if r[0] == "pairing"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鹭川市星河科技有限公司、云溪市白鹭实业有限公司积极响应,主动结对帮扶青岚县白石村。",
         [("pairing", "鹭川市星河科技有限公司", "白石村", None), ("pairing", "云溪市白鹭实业有限公司", "白石村", None)]),
        ("在鹭川市枫林区的结对帮扶下,青岚县白石村实现整村脱贫。", [("pairing", "枫林区", "白石村", None)]),
    ],
)
def test_parties_by_clause_structure(text: str, expected: list[tuple]) -> None:
    assert relations(text) == expected


def test_the_unit_that_coordinated_is_a_broker_not_a_party() -> None:
    (gift,) = extract_text("在鹭川市慈善总会的协调下,鹭川市星河科技有限公司向青岚县白石镇中心小学捐赠电脑50台。")["relations"]
    assert (gift["from"], gift["to"], gift["facilitated_by"]) == (
        "鹭川市星河科技有限公司", "青岚县白石镇中心小学", ["鹭川市慈善总会"])


def test_some_units_and_so_on_stand_for_their_region() -> None:
    """鹭川市枫林区、松涛区、云溪区等5个区: the region gave, not three of its districts each."""
    assert relations("鹭川市枫林区、松涛区、云溪区等5个区向青岚县白石镇捐赠帮扶资金100万元。") == [
        ("donation", "鹭川市", "白石镇", 1_000_000)]


def test_a_clause_that_continues_the_subject_gives_it_the_gift() -> None:
    """…, 并成立专项工作组, 同时捐赠…: the company gave, not the working group it set up."""
    text = "鹭川市星河科技有限公司主动承担了青岚县白石村的结对帮扶工作,并成立专项工作组,同时捐赠帮扶资金50万元。"
    gifts = [r for r in relations(text) if r[0] == "donation"]
    assert gifts == [("donation", "鹭川市星河科技有限公司", "白石村", 500000)]


def test_a_preposition_and_a_noun_before_a_title_are_not_a_person() -> None:
    from graphkit.extract.entities import find_mentions

    text = "鹭川市星河科技有限公司成立专项工作组,由集团副总裁担任组长,同时捐赠帮扶资金50万元。"
    assert "由集团" not in [m.name for m in find_mentions(text)]


def test_two_companies_resolve_to_the_list_they_refer_to() -> None:
    text = ("鹭川市星河科技有限公司和云溪市白鹭实业有限公司负责人来到青岚县考察。"
            "两家企业分别向青岚县白石镇中心小学、李集镇中心小学捐赠助学金10万元、5万元。")
    gifts = extract_text(text)["relations"]
    assert [(r["from"], r["to"], r["amount_cny"]) for r in gifts] == [
        ("鹭川市星河科技有限公司", "青岚县白石镇中心小学", 100000), ("云溪市白鹭实业有限公司", "李集镇中心小学", 50000)]
    assert all(r["filled"] == {"from": "anaphor"} and 0.5 < r["confidence"] < 0.75 for r in gifts)


def test_money_secured_from_a_unit_is_its_gift() -> None:
    assert relations("青岚县白石镇争取到鹭川市农业农村局帮扶资金100万元,用于修建产业路。") == [
        ("donation", "鹭川市农业农村局", "白石镇", 1_000_000)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a subject list joined by 和, gathered by a count, then 分别与 a list: one to one, in order
        ("鹭川市和云溪市两市分别与青岚县、云岭县结对。", [("鹭川市", "青岚县"), ("云溪市", "云岭县")]),
        # A和B与C: 和 joins the subject, 与 says 'with'
        ("鹭川市和云溪市与青岚县结对。", [("鹭川市", "青岚县"), ("云溪市", "青岚县")]),
        ("鹭川市星河科技有限公司和云溪市白鹭实业有限公司两家企业共同与青岚县白石村签订帮扶协议。",
         [("鹭川市星河科技有限公司", "白石村"), ("云溪市白鹭实业有限公司", "白石村")]),
    ],
)
def test_a_coordinated_subject_before_with(text: str, expected: list[tuple]) -> None:
    assert [(r["from"], r["to"]) for r in extract_text(text)["relations"] if r["type"] == "pairing"] == expected


def test_a_collective_name_stands_for_the_donors_partners() -> None:
    """为结对村 / 为定点扶贫县: the places the donor was said to be paired with (with that mode), each once;
    a kind of place (结对村) is never a place's name."""
    text = ("鹭川市星河科技有限公司与青岚县白石村、李集村结对帮扶。云溪市白鹭实业有限公司与红岩村结对帮扶。"
            "今年,鹭川市星河科技有限公司捐赠帮扶资金60万元,为结对村修建道路。")
    gifts = [(r["from"], r["to"], r.get("amount_cny")) for r in extract_text(text)["relations"]
             if r["type"] == "donation"]
    assert gifts == [("鹭川市星河科技有限公司", "白石村", 600_000), ("鹭川市星河科技有限公司", "李集村", 600_000)]
