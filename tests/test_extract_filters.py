"""Triggers with negative filters: trade is not pairing, thanks are not gifts, calls and steered investment
are not gifts. Sentences of our own, in styles the corpus lacks."""

from __future__ import annotations

import pytest

from graphkit.extract.pipeline import extract_text


def relations(text: str) -> list[tuple]:
    return [(r["type"], r.get("from") or r.get("person"), r["to"], r.get("amount_cny"))
            for r in extract_text(text)["relations"]]


@pytest.mark.parametrize(
    "text",
    [
        "鹭川市机械厂与青岚县农机有限公司签订农机购销协议。",  # a sale
        "鹭川市星河科技有限公司与青岚县白石农业发展有限公司签订战略合作协议。",  # business between companies
        "青岚县白石村向鹭川市枫林区商务局送去锦旗一面。",  # thanks for a gift, not a gift
        "青岚县白石村村委会向鹭川市枫林区商务局赠送锦旗和感谢信。",
        "全县干部职工积极响应捐款号召。",  # a call for gifts
        "鹭川市枫林区引导企业投入帮扶资金3000万元用于青岚县产业发展。",  # steered investment
    ],
)
def test_not_assistance(text: str) -> None:
    assert relations(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鹭川市枫林区与青岚县签订结对帮扶协议。", ("pairing", "枫林区", "青岚县", None)),
        ("鹭川市星河科技有限公司与青岚县白石村签订结对帮扶协议。", ("pairing", "鹭川市星河科技有限公司", "白石村", None)),
        ("鹭川市枫林区商务局向青岚县白石镇赠送价值5万元的农机具。", ("donation", "鹭川市枫林区商务局", "白石镇", 50000)),
    ],
)
def test_still_assistance(text: str, expected: tuple) -> None:
    assert relations(text) == [expected]


def test_a_total_of_stated_gifts_is_not_another_gift() -> None:
    text = "鹭川市慈善总会向青岚县白石镇中心小学捐赠助学金30万元,向青岚县白石村小学捐赠20万元,共计捐赠50万元。"
    assert [r[3] for r in relations(text)] == [300000, 200000]


def test_history_beside_this_years_gift_is_not_a_gift() -> None:
    text = "鹭川市慈善总会自2012年以来累计募集善款2亿元。\n今年,鹭川市慈善总会向青岚县白石镇中心小学捐赠助学金30万元。"
    assert relations(text) == [("donation", "鹭川市慈善总会", "青岚县白石镇中心小学", 300000)]


def test_a_total_standing_alone_stays_but_is_marked() -> None:
    (gift,) = extract_text("鹭川市慈善总会向青岚县累计捐赠帮扶资金500万元。")["relations"]
    assert (gift["from"], gift["to"], gift["amount_cny"], gift["total"]) == ("鹭川市慈善总会", "青岚县", 5_000_000, "sum")
    assert gift["confidence"] < 0.7


def test_a_count_of_things_is_not_a_sum_of_money() -> None:
    (gift,) = extract_text("鹭川市星河科技有限公司向青岚县白石村捐赠5万只口罩。")["relations"]
    assert gift["amount_cny"] is None and gift["to"] == "白石村"


@pytest.mark.parametrize(
    "text",
    [
        "鹭川市第十批援青干部王立新现任青岚县委常委、副县长。",
        "青岚县委常委、副县长,鹭川市援青工作队领队王立新介绍,今年共引进项目12个。",
    ],
)
def test_a_cadre_with_a_local_post_is_seconded_there(text: str) -> None:
    (posting,) = extract_text(text)["relations"]
    assert (posting["type"], posting["person"], posting["to"]) == ("secondment", "王立新", "青岚县")
    assert posting["rule"] == "secondments_by_post"


def test_a_local_official_is_not_seconded() -> None:
    assert relations("青岚县副县长李华介绍了全县的情况。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鹭川市红十字会筹集的价值30万元的防疫物资近日送达青岚县人民医院。",
         ("donation", "鹭川市红十字会", "青岚县人民医院", 300000)),
        ("鹭川市星河科技有限公司采购的500套课桌椅已运抵青岚县白石镇中心小学。",
         ("donation", "鹭川市星河科技有限公司", "青岚县白石镇中心小学", None)),
    ],
)
def test_the_place_of_delivery_is_the_recipient(text: str, expected: tuple) -> None:
    assert relations(text) == [expected]
