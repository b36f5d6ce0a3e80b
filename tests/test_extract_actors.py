"""Who acts, read from clause structure: a pairing stated as a task one side takes on for the other
(A 承担 B 的结对帮扶任务, any short predicate, lists on either side, counted places before 的), and a
person or delegation introduced by the unit they lead acting for it. Sentences of our own, invented places."""

from __future__ import annotations

import pytest

from graphkit.extract.pipeline import extract_text


def pairings(text: str) -> set[tuple[str, str]]:
    return {(r["from"], r["to"]) for r in extract_text(text)["relations"] if r["type"] == "pairing"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鹭川市星河科技有限公司承担了青岚县白石村的结对帮扶任务。", {("鹭川市星河科技有限公司", "白石村")}),
        ("按照省里安排,鹭川市接过青岚县、云岭县两县的对口支援工作。", {("鹭川市", "青岚县"), ("鹭川市", "云岭县")}),
        ("鹭川市主要负责青岚县、云岭县两县12个乡镇的帮扶工作。", {("鹭川市", "青岚县"), ("鹭川市", "云岭县")}),
        ("鹭川市教育局和鹭川市卫健委做好青岚县的对口帮扶工作。",
         {("鹭川市教育局", "青岚县"), ("鹭川市卫健委", "青岚县")}),
    ],
)
def test_a_task_taken_on_for_a_place_is_a_pairing(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= pairings(text)


def test_no_pairing_without_a_subject_in_the_clause() -> None:
    assert pairings("青岚县白石村的结对帮扶任务已经完成。") == set()  # no one takes the task on
    # the comma ends the clause: 鹭川市 is not its subject (the same sentence without it is a pairing)
    assert ("鹭川市", "青岚县") not in pairings("鹭川市,青岚县的结对帮扶工作受到表扬。")
    assert ("鹭川市", "青岚县") in pairings("鹭川市承担青岚县的结对帮扶工作。")


@pytest.mark.parametrize(
    ("text", "donor"),
    [
        ("鹭川市慈善总会会长林远舟向青岚县白石村捐赠帮扶资金5万元。", "鹭川市慈善总会"),
        ("鹭川市星河科技有限公司董事长、鹭川市青年企业家协会副会长林远舟一行来到青岚县白石村,捐赠帮扶资金20万元。",
         "鹭川市星河科技有限公司"),
        ("林远舟一行向青岚县白石村小学捐赠图书2000册。", "林远舟一行"),  # a delegation the tagger names, no title
        ("鹭川市第一中学教师林远舟向青岚县白石村小学捐赠图书300册。", "林远舟"),  # a teacher gives as herself
    ],
)
def test_a_leader_gives_for_the_unit_they_lead(text: str, donor: str) -> None:
    gifts = [r for r in extract_text(text)["relations"] if r["type"] == "donation"]
    assert [g["from"] for g in gifts] == [donor]


def test_overlapping_heads_and_national_bodies() -> None:
    """第一中学 ends in 中学, not 一中; a ministry named bare (教育部) is found by the tagger, no list."""
    gifts = [(r["from"], r["to"]) for r in extract_text("教育部向青岚县第一中学捐赠图书5000册。")["relations"]]
    assert gifts == [("教育部", "青岚县第一中学")]


@pytest.mark.parametrize(
    "text",
    [
        "青岚融媒体中心讯(记者 林远舟)鹭川市慈善总会日前向青岚县第一中学捐赠图书3000册。",
        "新华社鹭川12月5日电(记者 林远舟 通讯员 钱丽)鹭川市慈善总会向青岚县第一中学捐赠图书3000册。",
        "鹭川市慈善总会——这家成立二十年的公益组织,日前向青岚县第一中学捐赠图书3000册。",
    ],
)
def test_the_subject_past_datelines_and_appositions(text: str) -> None:
    gifts = [(r["from"], r["to"]) for r in extract_text(text)["relations"] if r["type"] == "donation"]
    assert gifts == [("鹭川市慈善总会", "青岚县第一中学")]


def test_a_dispatch_whose_destination_opens_the_next_clause() -> None:
    assert pairings("鹭川大学先后派出8名干部,在青岚县挂职锻炼。") == {("鹭川大学", "青岚县")}
    assert pairings("鹭川大学先后派出8名干部,在学校召开了动员会。") == set()  # no place: no pairing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("近年来,鲁渝两地扶贫协作不断深化。", {("山东省", "重庆市")}),
        ("会上,沪滇两省市对口帮扶工作取得新进展。", {("上海市", "云南省")}),
        ("津甘两省市东西部协作走深走实。", {("天津市", "甘肃省")}),
        ("青岚县积极推进浙川两省东西部协作项目。", {("浙江省", "四川省")}),
        ("鲁渝协作项目在青岚县落地。", set()),  # a programme's name, not who helps whom
    ],
)
def test_two_provinces_by_their_abbreviations(text: str, expected: set[tuple[str, str]]) -> None:
    assert {p for p in pairings(text) if p[0].endswith(("省", "市")) and len(p[0]) == 3} == expected
