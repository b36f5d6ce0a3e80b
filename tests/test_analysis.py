"""Region roll-ups, flows, brokers, centrality, communities and paths (graphkit.analysis).

Two layers: a small records Dataset built here with graphkit.model objects, whose numbers are
worked out by hand in the comments; and the seed dataset of data/, built by the real command line
and read back through the on-disk store, whose numbers are recomputed independently from the
records (Dataset.ancestors, plain sums) and compared with what the analysis returns.
"""

from __future__ import annotations

from decimal import Decimal

import networkx as nx
import pytest

from graphkit import analysis
from graphkit.api import KnowledgeGraph
from graphkit.model import Amount, Dataset, Entity, Event, Source, counted
from graphkit.networkx_view import to_networkx
from graphkit.ontology import entity_iri
from graphkit.rdf_mapping import dataset_quads
from graphkit.store import MemoryStore
from tests.conftest import REPO

XSS = "<img src=x onerror=alert(1)>"


def _entity(entity_id: str, kind: str, **fields) -> Entity:
    return Entity(id=entity_id, type=kind, name=fields.pop("name", entity_id), **fields)


def records(xss: bool = False) -> Dataset:
    """Two programmes: 彭州市→黑水县 (对口支援) and 大连市→六盘水市 (东西部协作), plus edge cases."""
    entities = [
        _entity("四川省", "Region", level="province"),
        _entity("阿坝藏族羌族自治州", "Region", level="prefecture", part_of="四川省"),
        _entity("黑水县", "Region", level="county", part_of="阿坝藏族羌族自治州", aliases=("黑水",)),
        _entity("知木林镇", "Region", level="township", part_of="黑水县"),
        _entity("木苏村", "Region", level="village", part_of="知木林镇"),
        _entity("成都市", "Region", level="prefecture", part_of="四川省"),
        _entity("彭州市", "Region", level="county", part_of="成都市", aliases=("彭州",)),
        _entity("彭州市综合执法局", "GovernmentAgency", located_in="彭州市"),
        _entity("黑水县知木林镇人民政府", "GovernmentAgency", located_in="知木林镇", aliases=("知木林人民政府",)),
        _entity("彭州市对口支援工作队", "WorkTeam", located_in="彭州市"),
        _entity("魏国庆", "Person", member_of="彭州市对口支援工作队", role="挂职干部"),
        _entity("张三", "Person", member_of="彭州市对口支援工作队"),
        _entity("辽宁省", "Region", level="province"),
        _entity("大连市", "Region", level="prefecture", part_of="辽宁省"),
        _entity("辽宁省民政厅", "GovernmentAgency", located_in="辽宁省"),
        _entity("贵州省", "Region", level="province"),
        _entity("六盘水市", "Region", level="prefecture", part_of="贵州省"),
        _entity("六枝特区", "Region", level="county", part_of="六盘水市"),
        _entity("中寨乡", "Region", level="township", part_of="六枝特区"),
        _entity("民建大连市委会", "PartyOrganization", located_in="大连市"),
        _entity("民进大连市委会", "PartyOrganization", located_in="大连市"),
        _entity("中寨乡中学", "School", located_in="中寨乡", aliases=("中寨学校",)),
        _entity("中寨乡小学", "School", located_in="中寨乡", aliases=("中寨学校",)),
        _entity("国家烟草专卖局", "GovernmentAgency"),
        _entity("广东省", "Region", level="province"),
        _entity("深圳市", "Region", level="prefecture", part_of="广东省"),
        _entity("深圳市龙华区", "Region", name="龙华区", level="district", part_of="深圳市"),
    ]
    pengzhou = Source(
        id="t1", title="测试文章：彭州对口支援黑水", publisher="测试网", date="2021-10-01", url="http://example.org/a",
        events=(
            Event(id="t1/p1", type="pairing", source="t1", helpers=("彭州市",), helped=("黑水县",), mode="对口支援"),
            Event(id="t1/d1", type="donation", source="t1", helpers=("彭州市综合执法局",),
                  helped=("黑水县知木林镇人民政府",), amount=Amount(Decimal(150000), text="15万元"), date="2021-10",
                  brokers=("魏国庆",), purpose="办公场地修缮"),
            Event(id="t1/d2", type="donation", source="t1", helpers=("国家烟草专卖局",), helped=("木苏村",),
                  amount=Amount(Decimal(30000), approximate=True, text="3万余元"), date="2021"),
            Event(id="t1/d3", type="donation", source="t1", helpers=("彭州市对口支援工作队",), helped=("知木林镇",),
                  amount=Amount(Decimal(1000), text="1000元/月", period="month")),
            Event(id="t1/s1", type="secondment", source="t1", person="魏国庆", helpers=("彭州市",),
                  helped=("知木林镇",), role="挂职"),
            Event(id="t1/s2", type="secondment", source="t1", person="张三", helped=("黑水县",)),
        ),
    )
    dalian = Source(
        id="t2", title="大连对口帮扶六盘水", publisher="大连日报", date="2019-12-06",
        events=(
            Event(id="t2/p1", type="pairing", source="t2", helpers=("大连市",), helped=("六盘水市",), mode="东西部协作"),
            Event(id="t2/d1", type="donation", source="t2", helpers=("民建大连市委会", "民进大连市委会"),
                  helped=("中寨乡中学", "中寨乡小学"), amount=Amount(Decimal(100000)), items="图书", date="2019"),
            Event(id="t2/d2", type="donation", source="t2", helpers=("辽宁省民政厅",), helped=("中寨乡小学",),
                  amount=Amount(Decimal(20000)), date="2019"),
            Event(id="t2/d3", type="donation", source="t2", helpers=("民建大连市委会",), helped=("中寨乡中学",),
                  items="衣物", quantity="200件", date="2019"),
        ),
    )
    sources = [pengzhou, dalian]
    if xss:
        entities.append(_entity(XSS, "Company", located_in="大连市", aliases=('"><script>alert(2)</script>',)))
        sources.append(
            Source(
                id="t3", title="<b>标题</b> & 'quotes'", publisher="<i>pub</i>", url="http://evil.example/?a=1&b=2",
                events=(Event(id="t3/d1", type="donation", source="t3", helpers=(XSS,), helped=("中寨乡小学",),
                              amount=Amount(Decimal(9000000)), items="<script>alert(3)</script>", date="2020"),),
            )
        )
    return Dataset(entities={e.id: e for e in entities}, sources={s.id: s for s in sources})


def store_of(dataset: Dataset) -> MemoryStore:
    store = MemoryStore()
    store.add_quads(dataset_quads(dataset))
    return store


def network_of(dataset: Dataset) -> nx.MultiDiGraph:
    """The networkx view through the RDF, as users get it."""
    return to_networkx(store_of(dataset))


def kg_of(dataset: Dataset) -> KnowledgeGraph:
    return KnowledgeGraph(store_of(dataset))


def iri(entity_id: str) -> str:
    return str(entity_iri(entity_id))


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return network_of(records())


# --- region roll-ups ------------------------------------------------------------------------------


def test_county_rollup_counts_towns_villages_and_agencies(graph) -> None:
    summary = analysis.region_summary(graph, "黑水县")
    # 150000 to the township government (located in 知木林镇) + 30000 to 木苏村 + 1000/month to 知木林镇
    assert summary["money_received"] == 180000  # 1000/month is a rate: counted apart, never added
    assert summary["donations_received"] == 3
    assert summary["approximate"] == 1 and summary["periodic"] == 1
    assert summary["pairings_received"] == 1
    assert summary["secondments_hosted"] == 2
    assert summary["within"] == "阿坝藏族羌族自治州"
    received = {(tuple(r["from"]), r["amount"]) for r in summary["received"] if r["relation"] == "donation"}
    assert (("彭州市综合执法局",), 150000) in received
    assert analysis.money_within(graph, "黑水") == 180000


def test_rollup_levels_and_giving_side(graph) -> None:
    frame = analysis.region_rollup(graph)
    # 彭州市 gives through its agency (150000) and its work team (1000/month)
    assert frame.loc[iri("彭州市"), "money_given"] == 150000
    # 张三 was sent with no sending unit: he counts for his team, which is based in 彭州市
    assert frame.loc[iri("彭州市"), "secondments_sent"] == 2
    assert frame.loc[iri("四川省"), "money_received"] == 180000
    counties = analysis.region_rollup(graph, "county")
    assert set(counties["level"]) <= {"county", "district"}
    assert iri("深圳市龙华区") in counties.index  # a district is county-level
    assert list(counties["money_received"]) == sorted(counties["money_received"], reverse=True)


def test_joint_gift_counts_once_per_region_and_flow(graph) -> None:
    frame = analysis.region_rollup(graph)
    # the joint 100000 of two 大连 committees to two 中寨 schools is one event
    assert frame.loc[iri("中寨乡"), "money_received"] == 120000
    assert frame.loc[iri("中寨乡"), "donations_received"] == 3
    assert frame.loc[iri("大连市"), "money_given"] == 100000
    assert frame.loc[iri("辽宁省"), "money_given"] == 120000
    entities = analysis.money_by_entity(graph)
    assert entities.loc[iri("民进大连市委会"), "money_given"] == 100000
    assert entities.loc[iri("民进大连市委会"), "joint_given"] == 1
    assert entities.loc[iri("中寨乡小学"), "money_received"] == 120000


def test_province_flows_table_and_matrix(graph) -> None:
    flows = analysis.flows(graph, "province")
    row = flows[(flows["from_label"] == "辽宁省") & (flows["to_label"] == "贵州省")].iloc[0]
    assert row["money"] == 120000
    assert (row["donations"], row["pairings"], row["secondments"]) == (3, 1, 0)
    assert row["modes"] == "东西部协作"
    assert "图书" in row["items"]
    internal = flows[(flows["from_label"] == "四川省") & (flows["to_label"] == "四川省")].iloc[0]
    assert internal["money"] == 150000
    unplaced = flows[flows["from_label"] == analysis.entities.UNPLACED].iloc[0]
    assert (unplaced["to_label"], unplaced["money"]) == ("四川省", 30000)
    matrix = analysis.flow_matrix(graph, "province")
    assert matrix.loc["辽宁省", "贵州省"] == 120000
    assert matrix.loc["辽宁省", "四川省"] == 0
    assert matrix.to_numpy().sum() == flows["money"].sum()
    external = analysis.flows(graph, "province", internal=False)
    assert not ((external["from_label"] == "四川省") & (external["to_label"] == "四川省")).any()


def test_prefecture_flows_fall_back_to_the_region_above(graph) -> None:
    flows = analysis.flows(graph, "prefecture", relations=["donation"])
    pairs = {(r.from_label, r.to_label): r.money for r in flows.itertuples()}
    assert pairs[("大连市", "六盘水市")] == 100000
    # 辽宁省民政厅 is placed in the province only: its gift shows under 辽宁省, not nowhere
    assert pairs[("辽宁省", "六盘水市")] == 20000
    assert analysis.region_at(graph, iri("辽宁省民政厅"), "prefecture", exact=True) is None


def test_region_helpers(graph) -> None:
    assert analysis.regions_of(graph, iri("黑水县知木林镇人民政府")) == [
        iri("知木林镇"), iri("黑水县"), iri("阿坝藏族羌族自治州"), iri("四川省")
    ]
    assert analysis.region_at(graph, iri("木苏村"), "county") == iri("黑水县")
    assert analysis.region_at(graph, iri("深圳市龙华区"), "county") == iri("深圳市龙华区")
    assert analysis.region_at(graph, iri("国家烟草专卖局"), "province") is None
    assert iri("黑水县知木林镇人民政府") in analysis.within(graph, iri("黑水县"))


def test_timeline_modes_and_cadres(graph) -> None:
    timeline = analysis.events_over_time(graph).set_index("period")
    # undated events take their article's date (t1: 2021-10-01)
    assert timeline.loc["2021", "donation"] == 3 and timeline.loc["2021", "secondment"] == 2
    assert timeline.loc["2019", "money"] == 120000
    modes = analysis.pairing_modes(graph).set_index("mode")
    assert modes.loc["对口支援", "pairings"] == 1
    assert modes.loc["东西部协作", "examples"] == "大连市→六盘水市"
    cadres = analysis.secondments_by_host(graph).set_index("label")
    assert cadres.loc["黑水县", "secondments"] == 2
    assert set(cadres.loc["黑水县", "people"].split("、")) == {"魏国庆", "张三"}


def test_resolve_names_aliases_and_ambiguity(graph) -> None:
    assert analysis.resolve(graph, "黑水") == iri("黑水县")
    assert analysis.resolve(graph, "知木林人民政府") == iri("黑水县知木林镇人民政府")
    assert analysis.resolve(graph, "彭州市對口支援工作隊") == iri("彭州市对口支援工作队")
    assert analysis.resolve(graph, "深圳市龙华区") == iri("深圳市龙华区")  # the id, name is 龙华区
    with pytest.raises(analysis.AmbiguousEntity, match="中寨乡小学"):
        analysis.resolve(graph, "中寨学校")
    with pytest.raises(analysis.EntityNotFound):
        analysis.resolve(graph, "新华村")


# --- brokers, centrality, communities -------------------------------------------------------------


def test_brokers(graph) -> None:
    frame = analysis.brokers(graph)
    top = frame.iloc[0]
    assert (top["label"], top["type"], top["type_zh"]) == ("魏国庆", "Person", "个人")
    assert (top["events"], top["donations"], top["money"]) == (1, 1, 150000)
    assert top["member_of"] == "彭州市对口支援工作队"
    assert top["role"] == "挂职干部"
    assert top["donors"] == "彭州市综合执法局" and top["recipients"] == "黑水县知木林镇人民政府"


def test_betweenness_finds_the_bridge() -> None:
    tiny = Dataset(
        entities={e.id: e for e in (_entity("甲", "Company"), _entity("乙", "School"), _entity("丙", "Hospital"))},
        sources={"s": Source(id="s", events=(
            Event(id="s/1", type="donation", source="s", helpers=("甲",), helped=("乙",)),
            Event(id="s/2", type="donation", source="s", helpers=("乙",), helped=("丙",)),
        ))},
    )
    frame = analysis.centrality(network_of(tiny))
    assert frame.iloc[0]["label"] == "乙" and frame.iloc[0]["type_zh"] == "学校与科研机构"
    assert frame.iloc[0]["betweenness"] == pytest.approx(1.0)
    assert frame.iloc[0]["degree_centrality"] == pytest.approx(1.0)
    assert (frame.iloc[0]["given"], frame.iloc[0]["received"]) == (1, 1)


def test_centrality_table(graph) -> None:
    frame = analysis.centrality(graph)
    assert {"label", "type_zh", "degree_centrality", "betweenness"} <= set(frame.columns)
    assert frame["betweenness"].between(0, 1).all() and frame["degree_centrality"].between(0, 1).all()
    assert list(frame["betweenness"]) == sorted(frame["betweenness"], reverse=True)
    assert "四川省" not in set(frame["label"])  # in no event: left out
    assert "魏国庆" in set(frame["label"])  # a broker, linked to the parties he connected


@pytest.mark.parametrize("method", ["louvain", "greedy"])
def test_communities_are_the_programmes(graph, method) -> None:
    found = analysis.communities(graph, method=method)
    where = {node: c["community"] for c in found for node in c["nodes"]}
    assert where[iri("民建大连市委会")] == where[iri("中寨乡中学")] == where[iri("民进大连市委会")]
    assert where[iri("彭州市综合执法局")] == where[iri("黑水县知木林镇人民政府")]
    assert where[iri("民建大连市委会")] != where[iri("彭州市综合执法局")]
    assert all("（" in member for c in found for member in c["members"])  # name（type）
    table = analysis.communities_frame(graph, method=method)
    assert table["size"].sum() == len(where)
    with pytest.raises(ValueError, match="unknown community method"):
        analysis.communities(graph, method="magic")


# --- paths ----------------------------------------------------------------------------------------


def test_path_one_donation_hop_with_source(graph) -> None:
    hops = analysis.connection(graph, "彭州市综合执法局", "知木林人民政府")
    assert len(hops) == 1
    hop = hops[0]
    assert (hop.kind, hop.relation, hop.amount, hop.forward) == ("relation", "donation", 150000, True)
    assert hop.event.endswith("/event/t1/d1")
    assert hop.text() == (
        "彭州市综合执法局 —[donation 150000 元 (via 魏国庆), 2021-10, 《测试文章：彭州对口支援黑水》 测试网 2021-10-01]→ "
        "黑水县知木林镇人民政府"
    )
    backwards = analysis.connection(graph, "知木林人民政府", "彭州市综合执法局")[0]
    assert not backwards.forward and "←[donation 150000 元" in backwards.text()


def test_path_follows_assistance_and_steps_only_into_the_ends(graph) -> None:
    # The bureau's own gift to a government in the county, then down into the county: not "the bureau
    # is located in 彭州市, which pairs with 黑水县", which credits the city's pairing to the bureau.
    hops = analysis.connection(graph, "彭州市综合执法局", "黑水县")
    assert hops[0].kind == "relation" and hops[0].amount == 150000
    assert all(h.kind in analysis.paths.STRUCTURE_KINDS for h in hops[1:])
    assert hops[-1].target_label == "黑水县" and hops[-1].forward
    assert "entity register" in hops[-1].text()
    # the same route read from the other end steps down from the county first
    back = analysis.connection(graph, "黑水县", "彭州市综合执法局")
    assert [h.event for h in back] == [h.event for h in reversed(hops)]
    assert back[0].kind in analysis.paths.STRUCTURE_KINDS and not back[0].forward  # down from the county


def test_path_via_any_climbs_and_via_events_uses_no_register(graph) -> None:
    anything = analysis.connection(graph, "彭州市综合执法局", "黑水县", via="any")
    assert [h.kind for h in anything] == ["located_in", "relation"]
    assert anything[1].mode == "对口支援"
    only_events = analysis.connection(graph, "彭州市综合执法局", "黑水县", via="events")
    assert all(h.kind in analysis.paths.EVENT_KINDS for h in only_events)
    assert [h.kind for h in only_events] == ["brokerage", "sent", "relation"]
    assert [h.target_label for h in only_events] == ["魏国庆", "彭州市", "黑水县"]
    with pytest.raises(analysis.NoPath, match="--via any"):
        analysis.connection(graph, "国家烟草专卖局", "大连市")
    with pytest.raises(analysis.EntityNotFound):
        analysis.connection(graph, "新华村", "大连市")
    with pytest.raises(ValueError, match="via must be one of"):
        analysis.connection(graph, "黑水", "大连市", via="roads")
    assert analysis.connection(graph, "黑水", "黑水县") == []


def test_path_prefers_gifts_with_amounts_and_counts_others(graph) -> None:
    hops = analysis.connection(graph, "民建大连市委会", "中寨乡中学")
    assert len(hops) == 1 and hops[0].amount == 100000 and hops[0].others == 1
    assert "(+1 more)" in hops[0].text()
    joint = analysis.connection(graph, "民进大连市委会", "辽宁省民政厅", via="events")
    assert [h.target_label for h in joint] == ["中寨乡小学", "辽宁省民政厅"]
    dicts = analysis.hops_as_dicts(joint)
    assert dicts[0]["text"] == joint[0].text() and dicts[1]["forward"] is False


# --- the seed dataset -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(seed_graph):
    """The seed records (read from data/) and the network read back from the built store."""
    import graphkit

    return graphkit.load(REPO / "data"), seed_graph.network()


def _within(dataset: Dataset, entity_id: str, region: str) -> bool:
    return entity_id == region or region in dataset.ancestors(entity_id)


def test_seed_heishui_rollup(seed) -> None:
    dataset, graph = seed
    expected = [e for e in dataset.events() if e.type == "donation" and any(_within(dataset, t, "黑水县") for t in e.helped)]
    money = sum(counted(e.amount.value, e.amount.period, recommended=e.recommended_for_aggregates) or 0 for e in expected if e.amount is not None)
    summary = analysis.region_summary(graph, "黑水县")
    assert Decimal(str(summary["money_received"])) == money
    assert summary["donations_received"] == len(expected)
    # a hard fact read in data/sources/000_*.yaml: 彭州市综合执法局 gave 150000 to the 知木林 township government
    gift = [r for r in summary["received"] if r["from"] == ["彭州市综合执法局"]]
    assert [(g["to"], g["amount"]) for g in gift] == [(["黑水县知木林镇人民政府"], 150000)]
    assert summary["money_received"] > 150000
    assert summary["secondments_hosted"] >= 1 and summary["pairings_received"] >= 1


def test_seed_liaoning_to_guizhou_flow(seed) -> None:
    dataset, graph = seed

    def placed(parties, region):
        return any(_within(dataset, p, region) for p in parties)

    expected = [
        e for e in dataset.events()
        if e.type == "donation" and placed(e.helpers, "辽宁省") and placed(e.helped, "贵州省")
    ]
    money = sum(counted(e.amount.value, e.amount.period, recommended=e.recommended_for_aggregates) or 0 for e in expected if e.amount is not None)
    flows = analysis.flows(graph, "province")
    row = flows[(flows["from_label"] == "辽宁省") & (flows["to_label"] == "贵州省")].iloc[0]
    assert Decimal(str(row["money"])) == money
    assert row["donations"] == len(expected)
    # hard facts from data/sources/002_*.yaml: 大连市 pairs with 六盘水市, 民建 gave 200000 to 中寨乡中学
    assert "东西部" in row["modes"]
    assert analysis.flow_matrix(graph, "province").loc["辽宁省", "贵州省"] == row["money"]
    prefecture = analysis.flows(graph, "prefecture")
    dalian = prefecture[(prefecture["from_label"] == "大连市") & (prefecture["to_label"] == "六盘水市")].iloc[0]
    assert dalian["money"] >= 200000 and dalian["pairings"] >= 1


def test_seed_agrees_with_build_time_rollups(seed) -> None:
    from graphkit import tallies as rollup

    dataset, graph = seed
    totals = rollup.compute_totals(dataset)
    frame = analysis.region_rollup(graph)
    for region, tally in totals.received_within.items():
        assert Decimal(str(frame.loc[iri(region), "money_received"])) == tally.amount, region
        assert frame.loc[iri(region), "donations_received"] == tally.count, region
    for region, tally in totals.given_within.items():
        assert Decimal(str(frame.loc[iri(region), "money_given"])) == tally.amount, region
    for level in rollup.FLOW_LEVELS:
        flows = analysis.flows(graph, level, relations=["donation"]).set_index(["from_region", "to_region"])
        for (flow_level, source, target), tally in totals.flows.items():
            if flow_level == level:
                assert Decimal(str(flows.loc[(iri(source), iri(target)), "money"])) == tally.amount


def test_seed_brokers_and_paths(seed) -> None:
    dataset, graph = seed
    brokered: dict[str, int] = {}
    for event in dataset.events():
        for broker in event.brokers:
            brokered[broker] = brokered.get(broker, 0) + 1
    frame = analysis.brokers(graph).set_index("broker")
    for broker, count in brokered.items():
        assert frame.loc[iri(broker), "events"] == count
    assert frame.iloc[0]["events"] == max(brokered.values())
    hops = analysis.connection(graph, "彭州市综合执法局", "知木林人民政府")
    assert len(hops) == 1 and "donation 150000 元" in hops[0].text()
    assert analysis.communities(graph) and len(analysis.centrality(graph)) > 10
