"""The official backbone of data/: province- and prefecture-level pairings that official publications
and the media state, each sourced and dated, and the named queries that read a year's structure and
its changes off them (on the graph built from data/ by the real command)."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphkit
from graphkit.dataset import load
from tests.conftest import REPO


@pytest.fixture(scope="module")
def backbone():
    dataset = load(REPO / "data")
    return dataset, [s for i, s in sorted(dataset.sources.items()) if i.startswith("backbone-")]


def test_every_backbone_record_names_its_source_and_a_date(backbone) -> None:
    _, sources = backbone
    assert len(sources) >= 10
    for source in sources:
        assert source.title and source.publisher and source.date and source.url, source.id
        assert source.kind in ("official_notice", "official_media", "media") and source.status == "curated", source.id
        for event in source.events:
            if event.type == "pairing":
                assert event.valid_from or event.valid_to or event.as_of, event.id
                assert event.mode in ("东西部协作", "对口支援"), event.id
            else:  # the sums the backbone's sources state are cumulative: kept, never added to totals
                assert event.figure == "cumulative" and not event.recommended_for_aggregates, event.id
    official = {s.id for s in sources if s.kind in ("official_notice", "official_media")}
    assert "backbone-2011-white-paper" in official and "backbone-2016-guideline" in official


def test_the_backbone_holds_two_periods_of_east_west_pairings_and_both_programmes(backbone) -> None:
    _, sources = backbone
    pairs = {(e.helpers[0], e.helped[0], e.mode, e.valid_from) for s in sources for e in s.events if e.type == "pairing"}
    assert ("浙江省", "四川省", "东西部协作", "2001") in pairs and ("北京市", "张家口市", "东西部协作", "2016-12") in pairs
    assert ("广东省", "甘孜藏族自治州", "对口支援", "2014") in pairs
    assert ("北京市", "和田地区", "对口支援", "2010-03") in pairs and ("上海市", "日喀则市", "对口支援", "1995") in pairs
    # where sources disagree on a start, both are kept, each with its source
    starts = sorted(p[3] for p in pairs if p[:2] == ("浙江省", "四川省"))
    assert starts == ["1996", "2001"]


def in_force(kg, region: str, year: int) -> set[tuple[str, str]]:
    return {(r["helperLabel"], r["helpedLabel"]) for r in kg.rows("pairings-in-force", region=region, year=str(year))}


def test_pairings_in_force_follow_the_dates_the_sources_state(built: Path) -> None:
    with graphkit.open(built) as kg:
        early, late = in_force(kg, "贵州省", 2015), in_force(kg, "贵州省", 2022)
        assert ("深圳市", "贵州省") in early and ("深圳市", "贵州省") in late  # 1996, open-ended
        assert late - early == {("广东省", "贵州省"), ("上海市", "遵义市"), ("大连市", "六盘水市"), ("苏州市", "铜仁市"),
                                ("杭州市", "黔东南苗族侗族自治州"), ("宁波市", "黔西南布依族苗族自治州")}
        assert not early - late
        # 佛山市 helped 凉山州 from 2016 until the 2021 adjustment
        assert ("佛山市", "凉山彝族自治州") in in_force(kg, "四川省", 2018)
        assert ("佛山市", "凉山彝族自治州") not in in_force(kg, "四川省", 2022) | in_force(kg, "四川省", 2015)
        assert ("浙江省", "四川省") in in_force(kg, "四川省", 2015) & in_force(kg, "四川省", 2022)
        # 广东省's counterpart support of 甘孜州 ran 2014–2021 (甘孜日报, 2022): 四川省's 2015 and 2022 differ
        sichuan_2015, sichuan_2022 = in_force(kg, "四川省", 2015), in_force(kg, "四川省", 2022)
        assert sichuan_2015 - sichuan_2022 == {("广东省", "甘孜藏族自治州")} and not sichuan_2022 - sichuan_2015
        # an article's pairing with no stated period holds in its article's year (临平区–石渠县: 2024-11-11)
        assert ("临平区", "石渠县") in in_force(kg, "石渠县", 2024) and not in_force(kg, "石渠县", 2023)


def test_when_a_places_pairings_changed(built: Path) -> None:
    with graphkit.open(built) as kg:
        rows = kg.rows("pairing-changes", region="重庆市")
    changes = [(str(r["when"]), r["change"], r["helperLabel"]) for r in rows]
    assert ("2010-06", "begins", "山东省") in changes
    assert ("2010-06", "ends", "珠海市") in changes and ("2010-06", "ends", "厦门市") in changes
    assert changes == sorted(changes, key=lambda c: c[0])


def test_the_years_in_force_are_written_once_by_the_rule_and_read_by_the_query(tiny_data: Path) -> None:
    """A pairing stated as of 2023 in an event dated 2019, in an article of 2021: by the rule
    (model.years_in_force) it holds in 2023 only. The graph carries those years as integers, and the
    named query answers from them; a period 2016-12 – open holds from 2016 on."""
    from rdflib import Literal

    from graphkit.build import build
    from graphkit.model import years_in_force
    from graphkit.ontology import GK, event_iri

    source = tiny_data / "sources" / "t1.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("    mode: 对口支援\n", "    mode: 对口支援\n    date: 2019-05\n    as_of: 2023\n", 1)
                      + "  - id: p2\n    type: pairing\n    from: 彭州市\n    to: 知木林镇\n    valid_from: 2016-12\n",
                      encoding="utf-8")
    assert years_in_force(None, None, "2023") == (2023, 2023)
    out = tiny_data.parent / "out"
    build(tiny_data, out)
    with graphkit.open(out) as kg:
        def years(event: str) -> tuple[object, object]:
            node = event_iri(f"t1/{event}")
            found = {p: o for _, p, o in kg.store.query(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ <{node}> }} ?s ?p ?o }}").rows}
            return found.get(GK.inForceFrom), found.get(GK.inForceTo)

        assert years("p1") == (Literal(2023), Literal(2023)) and years("p2") == (Literal(2016), None)

        def helped(year: int) -> set[str]:
            return {r["helpedLabel"] for r in kg.rows("pairings-in-force", region="四川省", year=str(year))}

        assert helped(2019) == {"知木林镇"}  # p2 only: the event's date does not put p1 in force
        assert helped(2023) == {"黑水县", "知木林镇"} and helped(2015) == set()
