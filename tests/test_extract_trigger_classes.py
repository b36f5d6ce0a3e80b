"""Money- and goods-giving constructions beyond the 捐 verbs: raising or putting in money with a purpose
clause, what was built (捐建的 …), goods handed over or sent (将 … 送进, 从 A 发往 B, 运抵 B), help in kind
with a count (帮助 R 修建 … 1座). Sentences of our own with invented places."""

from __future__ import annotations

import pytest

from graphkit.extract.pipeline import extract_text


def gifts(text: str) -> list[tuple]:
    return [(r["from"], r["to"], r.get("amount_cny")) for r in extract_text(text)["relations"]
            if r["type"] == "donation"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鹭川市星河科技有限公司出资80万元,为青岚县白石村修建村级道路。", [("鹭川市星河科技有限公司", "白石村", 800_000)]),
        ("鹭川市慈善总会筹集善款120万元,用于青岚县第一中学新建教学楼。",
         [("鹭川市慈善总会", "青岚县第一中学", 1_200_000)]),
        ("鹭川市工商联捐建的青岚县白石村希望小学昨日落成。", [("鹭川市工商联", "青岚县白石村希望小学", None)]),
        ("鹭川市红十字会将5000件棉衣送进青岚县白石村。", [("鹭川市红十字会", "白石村", None)]),
        ("一批价值60万元的医疗设备从鹭川市第一人民医院发往青岚县人民医院。",
         [("鹭川市第一人民医院", "青岚县人民医院", 600_000)]),
        ("鹭川市星河科技有限公司捐赠的20吨大米于昨日运抵青岚县白石镇。", [("鹭川市星河科技有限公司", "白石镇", None)]),
        ("鹭川市星河科技有限公司帮助青岚县白石村修建石拱桥1座。", [("鹭川市星河科技有限公司", "白石村", None)]),
        ("鹭川市帮助青岚县白石村新建蔬菜大棚20个,投入资金60万元。", [("鹭川市", "白石村", 600_000)]),
    ],
)
def test_gift_constructions(text: str, expected: list[tuple]) -> None:
    assert gifts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "鹭川市星河科技有限公司帮助青岚县白石村修建村道,惠及群众3000人。",  # help, but nothing counted or priced
        "鹭川市慈善总会筹集到青岚县爱心人士捐赠的衣物,现已转交白石村。",  # 筹集到 names the source, not the recipient
        "鹭川市星河科技有限公司的货车把游客送到青岚县白石镇。",  # people carried, no goods given
        "鹭川市星河科技有限公司与青岚县白石村签订农产品购销协议,出资收购土豆。",  # trade: no sum, no gift
    ],
)
def test_not_gifts(text: str) -> None:
    assert ("鹭川市慈善总会", "青岚县") not in {(g[0], g[1]) for g in gifts(text)}
    assert not [g for g in gifts(text) if g[0].startswith("鹭川市星河")]
