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
    doc = normalise("黑水县知木林镇与湛江市麻章区湖光镇签订协议,四川省丘山律师事务所与黑水县奶子沟村结对。")
    ms = {m.name: m for m in find_mentions(doc.text)}
    assert ms["知木林镇"].level == "township" and ms["知木林镇"].part_of == "黑水县"
    assert ms["湖光镇"].part_of == "麻章区"
    assert ms["奶子沟村"].level == "village"
    assert ms["黑水县"].division.adcode.startswith("513228")


def test_generic_words_are_not_villages() -> None:
    found = names("推动乡村振兴,到农村去,帮扶贫困村和8个帮扶村,城乡融合,全镇上下。")
    assert not [n for n, t in found.items() if t == "Region"]


def test_organisation_left_boundaries() -> None:
    found = names("彭州市对口支援工作队队员刘兴东在挂职黑水县人民医院工作期间,主动联系成都市第二人民医院"
                  "(成都仁济医院)专家,并和黑水县人民医院签订协议。民建大连市委会赴中寨乡中学捐赠。")
    assert found["彭州市对口支援工作队"] == "WorkTeam"
    assert found["黑水县人民医院"] == "Hospital"
    assert found["成都市第二人民医院"] == "Hospital"
    assert found["成都仁济医院"] == "Hospital"
    assert found["民建大连市委会"] == "PartyOrganization"
    assert found["中寨乡中学"] == "School"
    assert found["刘兴东"] == "Person"
    assert "和黑水县人民医院" not in found


def test_titles_are_not_organisations() -> None:
    found = names("协会会长王长春、院长李魁和局长张三出席。四川省增材制造技术协会会长王长春到场。")
    assert "四川省增材制造技术协会" in found
    assert found["王长春"] == "Person" and found["李魁"] == "Person"
    assert not any(n.endswith(("会长", "院长", "局长")) for n in found)


def test_persons_from_titles_lists_and_comrades() -> None:
    found = names("看望了贫困群众何其礼、何存荣、何永斗。经彭州对口支援工作队黄李梅、周厚强两名同志对接。第180医院董少良院长讲话。")
    for person in ("何其礼", "何存荣", "何永斗", "黄李梅", "周厚强", "董少良"):
        assert found.get(person) == "Person", person


def test_unsuffixed_names_in_a_list_of_companies() -> None:
    found = names("上海久事集团、恒烁餐饮、雅马哈、玫琳凯等多家企业共援助资金243万元。")
    for company in ("上海久事集团", "恒烁餐饮", "雅马哈", "玫琳凯"):
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
    c = canon("成都市第二人民医院(成都仁济医院)与黑水县人民医院共建学科联盟。")
    assert c.resolve("成都仁济医院") == "成都市第二人民医院"


def test_renamed_division_keeps_the_stated_form() -> None:
    c = canon("广州市对口支援米林县。")
    assert c.resolve("米林县") == "米林县"
    entity = c.entity("米林县")
    assert entity is not None and entity.level == "county"
