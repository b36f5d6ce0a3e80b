"""Places that hold across years: a former name maps to today's division (and code), the article's
date decides what an ambiguous name meant then, and same-named districts are never merged. The
articles here are written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

from graphkit import division_changes, gazetteer
from graphkit.conversion import record_to_source
from graphkit.dataset import load
from graphkit.extract.pipeline import extract_text
from graphkit.linking import Register
from tests.conftest import graphkit_cli


def test_both_change_tables_are_read_and_every_curated_row_cites_its_report() -> None:
    rows = division_changes.changes()
    jionlp = [c for c in rows if c.source.startswith("jionlp")]
    curated = [c for c in rows if not c.source.startswith("jionlp")]
    assert len(jionlp) == 120 and len(curated) == 13
    assert all(c.source.count("，") == 3 and "http" in c.source for c in curated)
    assert rows == tuple(sorted(rows, key=lambda c: (c.date, c.before)))


def test_former_names_resolve_to_todays_divisions_with_their_old_codes() -> None:
    assert gazetteer.lookup("襄樊市").name == "襄阳市"
    assert gazetteer.lookup("林芝地区").name == "林芝市" and gazetteer.lookup("林芝县").name == "巴宜区"
    assert gazetteer.lookup("那曲县").code6 == "540602"  # 色尼区 since 2017
    assert [(f.name, f.date, f.code) for f in gazetteer.former_names(gazetteer.lookup("米林市"))] == [
        ("米林县", "2023-04-03", "540422")]
    # a move under another prefecture keeps the name and changes the code: 公主岭市, 四平市 → 长春市 (2020)
    gongzhuling = gazetteer.lookup("公主岭市")
    assert gazetteer.parent(gongzhuling).name == "长春市"
    assert [(f.code, f.date) for f in gazetteer.former_names(gongzhuling)] == [("220381", "2020-06-05")]
    # the changes whose result today's gazetteer lacks are known, not silently dropped
    assert {c.before[-1] for c in gazetteer.unresolved_changes()} == {
        "玉环县", "南郊区", "矿区", "带岭区", "南沙群岛", "西沙群岛", "凤翔县"}


def test_the_date_decides_what_a_name_meant() -> None:
    changzhi = gazetteer.lookup("长治市")
    # 长治's 城区 became 潞州区 in 2018; 城区 still names districts of 晋城 and 阳泉
    assert gazetteer.lookup("城区", [changzhi], on="2016-05-01").name == "潞州区"
    assert gazetteer.lookup("城区", [changzhi], on="2020-05-01").name == "城区"
    assert gazetteer.lookup("城区", [changzhi]).name == "城区"  # undated: today's names
    # 县级酒泉市 became 肃州区 in 2002; before that, 酒泉市 in a text may mean either, and the context says
    suzhou = gazetteer.lookup("酒泉市", [gazetteer.lookup("金塔县")], on="2001-01-01")
    assert suzhou.name == "酒泉市" and suzhou.level == "prefecture"
    assert {d.name for d in gazetteer.candidates("酒泉市", on="2001-01-01")} == {"酒泉市", "肃州区"}
    assert [d.name for d in gazetteer.candidates("酒泉市", on="2010-01-01")] == ["酒泉市"]


def test_an_old_article_names_a_place_by_its_name_then_and_gets_todays_code() -> None:
    text = ("2012年3月5日　本报讯\n"
            "3月4日，鹭川市青岚实业有限公司向西藏那曲地区那曲县捐赠助学资金20万元，用于资助当地困难学生。\n")
    record = extract_text(text, "old-names")
    regions = {e["name"] for e in record["entities"] if e["type"] == "Region"}
    assert "那曲县" in regions or "色尼区" in regions
    gift = next(r for r in record["relations"] if r["type"] == "donation")
    assert gift["amount_cny"] == 200000
    assert gazetteer.lookup(gift["to"], on=record["source"]["date"]).name == "色尼区"


def test_same_named_districts_of_different_cities_stay_apart(tiny_data: Path) -> None:
    register = Register(load(tiny_data))
    for index, city in enumerate(("福州市", "南京市")):
        record = {
            "source": {"date": "2024-05-01"},
            "entities": [{"name": "鼓楼区", "aliases": [f"{city}鼓楼区"], "type": "Region", "level": "district",
                          "part_of": city}],
            "relations": [{"type": "pairing", "from": "鼓楼区", "to": "黑水县", "mode": "结对帮扶"}],
        }
        source, _ = record_to_source(record, register, tiny_data / f"g{index}.txt", "0" * 64)
        assert source.events[0].helpers[0].startswith("鼓楼区")
    drums = {(e.id, e.adcode, e.part_of) for e in register.extracted.values() if e.name == "鼓楼区"}
    assert drums == {("鼓楼区", "350102", "福州市"), ("鼓楼区（南京市）", "320106", "南京市")}


def test_an_ingested_former_name_links_to_todays_region_and_keeps_the_old_name(tiny_data: Path) -> None:
    register = Register(load(tiny_data))
    record = {
        "source": {"date": "2013-08-01"},
        "entities": [{"name": "林芝县", "aliases": [], "type": "Region", "level": "county", "part_of": "林芝地区"}],
        "relations": [{"type": "pairing", "from": "黑水县", "to": "林芝县", "mode": "结对帮扶"}],
    }
    source, _ = record_to_source(record, register, tiny_data / "l.txt", "0" * 64)
    place = register.extracted[source.events[0].helped[0]]
    assert (place.name, place.adcode, place.part_of) == ("巴宜区", "540402", "林芝市")
    assert "林芝县" in place.aliases


def test_the_place_command_answers_with_todays_code_and_the_former_ones() -> None:
    done = graphkit_cli("place", "林芝县", "--on", "2012", "--json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert (row["name"], row["adcode"], row["within"]) == ("巴宜区", "540402", ["林芝市", "西藏自治区"])
    assert row["former_names"][0]["name"] == "林芝县" and "中国新闻网" in row["former_names"][0]["source"]
    four = json.loads(graphkit_cli("place", "鼓楼区", "--json").stdout)
    assert sorted(r["adcode"] for r in four) == ["320106", "320302", "350102", "410204"]
    missing = graphkit_cli("place", "火星县")
    assert missing.returncode == 2 and missing.stderr.strip().startswith("error: 火星县:")


def test_a_region_carries_its_former_names_and_codes_in_rdf(tiny_data: Path) -> None:
    from rdflib import Literal
    from rdflib.namespace import SKOS

    from graphkit.model import Entity
    from graphkit.ontology import GK
    from graphkit.rdf_mapping import entity_triples

    dataset = load(tiny_data)
    milin = Entity(id="米林市", type="Region", name="米林市", level="county", adcode="540481")
    triples = set(entity_triples(milin, dataset))
    assert (GK.formerAdcode, Literal("540422")) in {(p, o) for _, p, o in triples}
    assert (SKOS.altLabel, Literal("米林县", lang="zh")) in {(p, o) for _, p, o in triples}
    # 县级酒泉市 is 肃州区 now, but 酒泉市 names the prefecture today: not a label of 肃州区
    suzhou = Entity(id="肃州区", type="Region", name="肃州区", level="district", adcode="620902")
    assert not {o for _, p, o in entity_triples(suzhou, dataset) if p == SKOS.altLabel}
