"""Relation rules on sentences written for these tests (other provinces, 援藏/援疆, charities …)."""

from __future__ import annotations

from graphkit.extract.pipeline import extract_text


def relations(text: str, kind: str) -> list[dict]:
    return [r for r in extract_text(text, "t")["relations"] if r["type"] == kind]


def gifts(text: str) -> set[tuple]:
    return {(r["from"], r["to"], r["amount_cny"]) for r in relations(text, "donation")}


def pairs(text: str) -> set[tuple[str, str]]:
    return {(r["from"], r["to"]) for r in relations(text, "pairing")}


# --- pairings ---------------------------------------------------------------------------------


def test_pairing_mode_between_regions_keeps_the_mode() -> None:
    rels = relations("江苏省无锡市滨湖区对口帮扶贵州省铜仁市石阡县。", "pairing")
    assert [(r["from"], r["to"], r["mode"]) for r in rels] == [("滨湖区", "石阡县", "对口帮扶")]


def test_pairing_by_signed_agreement() -> None:
    assert pairs("湖南省长沙市岳麓区与湘西土家族苗族自治州龙山县签订东西部协作框架协议。") == {("岳麓区", "龙山县")}


def test_pairing_with_each_village_of_a_list() -> None:
    found = pairs("深圳市南山区的松坪山社区与百色市田林县的八渡村、百乐村和潞城村结对帮扶。")
    assert found == {("松坪山社区", "八渡村"), ("松坪山社区", "百乐村"), ("松坪山社区", "潞城村")}


def test_pairing_to_several_counties() -> None:
    found = pairs("天津市对口支援新疆和田地区策勒县、于田县和民丰县。")
    assert found == {("天津市", "策勒县"), ("天津市", "于田县"), ("天津市", "民丰县")}


def test_pairing_from_a_helped_party_perspective() -> None:
    assert ("广东省", "林芝市") in pairs("受广东对口支援20年的西藏自治区林芝市举行座谈会。")


def test_pairing_traditional_script() -> None:
    assert pairs("廣州市越秀區對口幫扶清遠市連南瑤族自治縣。") == {("越秀区", "连南瑶族自治县")}


# --- donations --------------------------------------------------------------------------------


def test_charity_gift_to_a_township() -> None:
    assert gifts("3月5日,滨湖区慈善总会向石阡县中坝街道捐赠防疫物资,价值12万元。") == {
        ("滨湖区慈善总会", "中坝街道", 120_000)
    }


def test_joint_gift_gives_one_relation_per_donor() -> None:
    found = gifts("天津市河西区慈善协会和天津市河西区红十字会联合向甘肃省庄浪县慈善协会捐赠棉衣1000件,价值30万元。")
    assert found == {
        ("天津市河西区慈善协会", "甘肃省庄浪县慈善协会", 300_000),
        ("天津市河西区红十字会", "甘肃省庄浪县慈善协会", 300_000),
    }


def test_donor_list_with_unsuffixed_companies() -> None:
    found = gifts("上海申城集团、鑫源餐饮、松下、安利等多家企业共向会宁县援助资金168万元。")
    assert {d for d, _, _ in found} == {"上海申城集团", "鑫源餐饮", "松下", "安利"}
    assert {(t, a) for _, t, a in found} == {("会宁县", 1_680_000)}


def test_two_gifts_in_one_sentence() -> None:
    found = gifts("民进青岛市委会到水口乡中学捐赠价值20万元衣物和2万元现金。")
    assert found == {("民进青岛市委会", "水口乡中学", 200_000), ("民进青岛市委会", "水口乡中学", 20_000)}


def test_approximate_and_monthly_amounts() -> None:
    rels = relations("中国石化公司向岳普湖县捐赠9万余元的图书;华为公司为岳普湖县每月资助5000元。", "donation")
    by_donor = {r["from"]: r for r in rels}
    assert by_donor["中国石化公司"]["amount_cny"] == 90_000 and by_donor["中国石化公司"]["approximate"] is True
    assert by_donor["华为公司"]["amount_cny"] == 5000 and by_donor["华为公司"]["per"] == "month"
    assert by_donor["华为公司"]["amount_text"] == "5000元"


def test_gift_received_names_the_giver_after_the_verb() -> None:
    assert gifts("8月,新疆维吾尔自治区喀什地区疏附县接收广州市番禺区援疆资金5000万元。") == {
        ("番禺区", "疏附县", 50_000_000)
    }


def test_broker_is_facilitator_not_donor() -> None:
    rels = relations("北京市援藏干部张明在拉萨市堆龙德庆区挂职期间,积极对接北京建工集团向堆龙德庆区第一小学"
                     "捐赠图书3000册。", "donation")
    assert [(r["from"], r["to"], r["quantity"]) for r in rels] == [("北京建工集团", "堆龙德庆区第一小学", "3000册")]
    assert rels[0]["facilitated_by"] == ["张明"]


def test_headline_and_body_gift_merged() -> None:
    text = "荔湾区向阳山县捐赠资金200万元\n5月12日,荔湾区向阳山县捐赠乡村振兴资金200万元。"
    assert gifts(text) == {("荔湾区", "阳山县", 2_000_000)}


def test_traditional_script_gift() -> None:
    assert gifts("越秀區慈善會向連南縣寨岗鎮捐贈善款20萬元。") == {("越秀区慈善会", "寨岗镇", 200_000)}


def test_gift_to_a_person_by_pronoun() -> None:
    text = "孙铸一行来到肖家山村,慰问了大学生马小倩,并为她捐赠了5000元。"
    assert gifts(text) == {("孙铸一行", "马小倩", 5000)}


def test_words_like_donation_ceremony_are_not_gifts() -> None:
    assert gifts("捐赠仪式上,山东巨明机械有限公司代表发言。以购代捐活动持续开展。") == set()


# --- secondments ------------------------------------------------------------------------------


def test_secondment_with_host_before_and_after_the_trigger() -> None:
    text = ("上海市杨浦区第三批援滇干部、绿春县挂职副县长周建平介绍情况。"
            "天津医科大学总医院选派骨科专家王建国到民丰县人民医院挂职。")
    found = {(r["person"], r["to"]) for r in relations(text, "secondment")}
    assert ("周建平", "绿春县") in found
    assert ("王建国", "民丰县人民医院") in found
    assert ("上海市杨浦区第三批援滇干部", "绿春县") in found


def test_government_host_stands_for_its_region() -> None:
    found = relations("公司派驻叙永县县政府党组成员、副县长周文斌出席会议。", "secondment")
    assert [(r["person"], r["to"]) for r in found] == [("周文斌", "叙永县")]


def test_team_name_states_sender_and_host() -> None:
    rels = relations("广州市荔湾区派驻清远市阳山县对口帮扶协作工作组组长林晓文讲话。", "secondment")
    assert ("广州市荔湾区派驻清远市阳山县对口帮扶协作工作组", "荔湾区", "阳山县") in {
        (r["person"], r["from"], r["to"]) for r in rels
    }


def test_spans_cover_the_source_sentence() -> None:
    text = "前言。\n滨湖区慈善总会向石阡县中坝街道捐赠12万元。"
    rel = relations(text, "donation")[0]
    start, end = rel["span"]
    assert text[start:end].startswith("滨湖区慈善总会") and "12万元" in text[start:end]


# --- what a relation says besides its parties ------------------------------------------------------


def test_a_list_of_counted_goods_gives_the_items_and_each_count() -> None:
    for text, items, quantity in [
        ("泉州市红十字会向德化县医院捐赠轮椅30辆、护理床12张,价值9万元。", "轮椅、护理床", "轮椅30辆、护理床12张"),
        ("泉州市红十字会向德化县医院捐赠30辆轮椅和12张护理床。", "轮椅、护理床", "30辆轮椅、12张护理床"),
    ]:
        gift = relations(text, "donation")[0]
        assert (gift["items"], gift["quantity"]) == (items, quantity), text


def test_a_secondees_post_is_part_of_the_role() -> None:
    text = "9月1日,泉州市选派干部林志诚到德化县挂职,任德化县人民政府副县长,分管工业工作。"
    found = relations(text, "secondment")
    assert [(r["person"], r["to"]) for r in found] == [("林志诚", "德化县")]  # one secondment, not 任德化县
    assert found[0]["role"].startswith("挂职") and found[0]["role"].endswith("副县长")
    names = {e["name"] for e in extract_text(text, "t")["entities"]}
    assert "德化县人民政府" in names and "任德化县人民政府" not in names


def test_working_together_is_a_pairing_only_under_a_programme_name() -> None:
    assert pairs("在东西部协作框架下,泉州市与临夏州携手推进劳务协作。") == {("泉州市", "临夏州")}
    assert pairs("泉州市与临夏州携手举办文艺演出。") == set()


def test_a_headline_gift_by_a_park_is_the_body_gift_by_its_committee() -> None:
    text = "鹭川高新区向德化县捐赠物资\n鹭川高新区管委会日前向德化县捐赠大米200袋,价值3万元。"
    assert gifts(text) == {("鹭川高新区管委会", "德化县", 30000)}
