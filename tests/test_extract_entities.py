"""Parties: regions by gazetteer and suffix, organisations by suffix, persons by title."""

from __future__ import annotations

from graphkit.extract.canon import Canon
from graphkit.extract.entities import find_mentions
from graphkit.extract.normalise import normalise


def names(text: str) -> dict[str, str]:
    """Surface name → type of every top-level mention."""
    return {m.name: m.type for m in find_mentions(normalise(text).text)}


def canon(text: str) -> Canon:
    doc = normalise(text)
    return Canon(find_mentions(doc.text), doc.text)


def test_regions_with_levels_and_townships_in_context() -> None:
    doc = normalise("理县米亚罗镇与茂名市电白区沙琅镇签订协议,四川省明川律师事务所与理县桃坪村结对。")
    ms = {m.name: m for m in find_mentions(doc.text)}
    assert ms["米亚罗镇"].level == "township" and ms["米亚罗镇"].part_of == "理县"
    assert ms["沙琅镇"].part_of == "电白区"
    assert ms["桃坪村"].level == "village"
    assert ms["理县"].division.adcode.startswith("513222")


def test_generic_words_are_not_villages() -> None:
    found = names("推动乡村振兴,到农村去,帮扶贫困村和8个帮扶村,城乡融合,全镇上下。")
    assert not [n for n, t in found.items() if t == "Region"]


def test_organisation_left_boundaries() -> None:
    found = names("泸州市对口支援工作队队员张明远在挂职叙永县人民医院期间,主动联系泸州市第一人民医院"
                  "(泸州仁和医院)专家,并和叙永县人民医院签订协议。民进青岛市委会赴水口乡中学捐赠。")
    assert found["泸州市对口支援工作队"] == "WorkTeam"
    assert found["叙永县人民医院"] == "Hospital"
    assert found["泸州市第一人民医院"] == "Hospital"
    assert found["泸州仁和医院"] == "Hospital"
    assert found["民进青岛市委会"] == "PartyOrganization"
    assert found["水口乡中学"] == "School"
    assert found["张明远"] == "Person"
    assert "和叙永县人民医院" not in found


def test_titles_are_not_organisations() -> None:
    found = names("协会会长王长春、院长李魁和局长张三出席。四川省增材制造技术协会会长王长春到场。")
    assert "四川省增材制造技术协会" in found
    assert found["王长春"] == "Person" and found["李魁"] == "Person"
    assert not any(n.endswith(("会长", "院长", "局长")) for n in found)


def test_persons_from_titles_lists_and_comrades() -> None:
    found = names("看望了困难群众刘大山、刘小河、刘春生。经泸州对口支援工作队王秀英、李建国两名同志对接。第301医院陈立新院长讲话。")
    for person in ("刘大山", "刘小河", "刘春生", "王秀英", "李建国", "陈立新"):
        assert found.get(person) == "Person", person


def test_unsuffixed_names_in_a_list_of_companies() -> None:
    found = names("上海申城集团、鑫源餐饮、松下、安利等多家企业共援助资金168万元。")
    for company in ("上海申城集团", "鑫源餐饮", "松下", "安利"):
        assert found.get(company) == "Company", company


def test_canonical_names_and_aliases() -> None:
    c = canon("彭州对口支援黑水县。彭州市综合执法局向黑水县捐赠。彭州综合执法局领导到场。陈聪挂职县司法局。彭州市博爱义工协会与博爱义工协会。"
              "龙华区政协、区工信局参加,省民政厅指导。")
    assert c.resolve("彭州综合执法局") == "彭州市综合执法局"
    assert c.resolve("彭州") == "彭州市"
    assert c.resolve("县司法局") == "黑水县司法局"
    assert c.resolve("博爱义工协会") == "彭州市博爱义工协会"
    assert c.resolve("区工信局") == "龙华区工信局"
    assert c.resolve("省民政厅") == "四川省民政厅"


def test_parenthesised_alias() -> None:
    c = canon("泸州市第一人民医院(泸州仁和医院)与叙永县人民医院共建学科联盟。")
    assert c.resolve("泸州仁和医院") == "泸州市第一人民医院"


def test_renamed_division_keeps_the_stated_form() -> None:
    c = canon("广州市对口支援米林县。")
    assert c.resolve("米林县") == "米林县"
    entity = c.entity("米林县")
    assert entity is not None and entity.level == "county"


def test_a_head_inside_another_word_or_title_is_no_head() -> None:
    """Titles that begin with a unit's head, and words the tagger reads across a head's end, end no name."""
    found = names("鹭川市政协委员林远舟、青岚县委书记钱丽和鹭川市星河科技有限公司所有员工向白石村捐赠帮扶资金5万元。")
    assert "鹭川市政协" not in found and "青岚县委" not in found
    assert found["鹭川市星河科技有限公司"] == "Company"
    assert not [n for n in found if n.endswith("所")]  # 所有 is "all", not an office (…所)
    # a unit followed by a title of its own people stays a unit (鹭川市教育局 局长 …)
    assert names("鹭川市教育局局长林远舟向青岚县第一中学捐赠图书500册。")["鹭川市教育局"] == "GovernmentAgency"


def test_a_township_ending_like_a_kind_of_place() -> None:
    """李集镇 ends in 集镇 (a market town) but is a name; 贫困乡镇, 结对村 are kinds of places."""
    assert names("李集镇地处青岚县东部。").get("李集镇") == "Region"
    found = names("鹭川市星河科技有限公司为结对村和贫困乡镇捐赠帮扶资金5万元。")
    assert not [n for n, t in found.items() if t == "Region"]


def test_a_new_place_whose_name_ends_in_a_known_one_is_read_as_the_article_names_it() -> None:
    """盂县 and 沁县 are counties of Shanxi; 金盂县 and 北沁县 are places the gazetteer does not know.
    Where the article names them, they are read whole in every sentence (the known name inside is
    not taken for its county), also where a verb stands right before them (任金盂县人民政府)."""
    ms = find_mentions(normalise("金盂县地处太行山区。今年春天，东江市选派干部赴金盂县挂职，"
                                 "任金盂县人民政府副县长，分管教育。").text)
    found = {m.name: m for m in ms}
    assert "盂县" not in found and found["金盂县"].division is None and found["金盂县"].level == "county"
    assert found["金盂县人民政府"].type == "GovernmentAgency" and "任金盂县人民政府" not in found
    assert names("北沁县是东江市的对口帮扶县。东江市商务局干部王海峰到北沁县挂职，任北沁县商务局副局长。")[
        "北沁县商务局"] == "GovernmentAgency"


def test_a_county_written_after_its_prefecture_stays_the_known_county() -> None:
    """吕梁市岚县 is a prefecture and its county written together, not a place named 吕梁市岚县, and
    东江市岚县 a city the gazetteer does not know and a county, even where the tagger reads the two as
    one place."""
    from dataclasses import replace

    from graphkit.extract.entities import _inside_places_named_elsewhere, find_divisions
    from graphkit.extract.tagger import Tagged, tag

    text = normalise("吕梁市岚县与东江市签订结对帮扶协议，东江市向岚县捐赠资金30万元。").text
    ms = find_mentions(text)
    counties = [m for m in ms if m.name == "岚县"]
    assert len(counties) == 2 and all(m.division is not None and m.division.name == "岚县" for m in counties)
    assert any(m.name == "吕梁市" and m.division is not None for m in ms)
    glued = replace(tag(text), entities=[Tagged(0, 5, "吕梁市岚县", "LOC")])
    kept = _inside_places_named_elsewhere(text, find_divisions(text), glued)
    assert [m.name for m in kept] == ["吕梁市", "岚县", "岚县"] and all(m.division is not None for m in kept)
    text = normalise("东江市岚县与鹭川市签订结对帮扶协议。").text
    glued = replace(tag(text), entities=[Tagged(0, 5, "东江市岚县", "LOC")])
    kept = _inside_places_named_elsewhere(text, find_divisions(text), glued)
    assert [(m.name, m.division is not None) for m in kept] == [("岚县", True)]


def test_a_longer_place_read_once_is_no_place_of_its_own() -> None:
    """A tagger reading found once may run a word into a known place (农行江苏省 of 农行江苏省分行, a
    bank's branch): only a longer name the article writes more than once is a place of its own."""
    from dataclasses import replace

    from graphkit.extract.entities import _inside_places_named_elsewhere, find_divisions
    from graphkit.extract.tagger import Tagged, tag

    text = normalise("农行江苏省分行向青岚县捐赠帮扶资金50万元。").text
    glued = replace(tag(text), entities=[Tagged(0, 5, "农行江苏省", "LOC")])
    kept = _inside_places_named_elsewhere(text, find_divisions(text), glued)
    assert [(m.name, m.division is not None) for m in kept if m.start < 5] == [("江苏省", True)]
    text = normalise("青岚县地处山区。鹭川市干部赴青岚县挂职，任青岚县副县长。").text
    glued = replace(tag(text), entities=[Tagged(0, 3, "青岚县", "LOC")])
    assert {m.name for m in _inside_places_named_elsewhere(text, find_divisions(text), glued)} == {"青岚县"}
