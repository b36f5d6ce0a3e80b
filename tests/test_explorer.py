"""The explorer on the seed data, in a real browser: search, neighbourhoods, filters, panel, map, timeline,
and the served page's SPARQL editor against a real `graphkit serve`.

The seed graph is built once per session (fixture `built`); pages open from file:// (and, for the
editor, from the loopback server) in Debian's chromium driven by Playwright. Every test checks that
the page asked for nothing outside its own origin.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphkit import money
from graphkit.names import pinyin_keys
from graphkit.render import render_page, served_page
from graphkit.render.geo import provinces
from graphkit.render.page import read_payload
from graphkit.results import spreadsheet_cell
from tests.conftest import CHROMIUM, BrowserPage, Served, graphkit_cli
from tests.test_endpoint_limits import CELLS_QUERY, HOSTILE_CELLS, cells

REPO = Path(__file__).resolve().parents[1]
ENTITY = "https://w3id.org/graphkit/id/entity/"
HEISHUI = ENTITY + "黑水县"
PINYIN = importlib.util.find_spec("pypinyin") is not None


# ---------------------------------------------------------------- without a browser


def test_outline_is_small_and_complete() -> None:
    outline = provinces()
    names = {p["name"] for p in outline["provinces"]}
    assert len(outline["provinces"]) == 34 and {"四川", "台湾", "澳门", "新疆", "海南"} <= names
    assert all(p["rings"] and all(len(r) >= 3 for r in p["rings"]) for p in outline["provinces"])
    assert "Apache" in outline["attribution"] and outline["inset"]
    asset = Path(__file__).resolve().parents[1] / "graphkit" / "render" / "assets" / "china-provinces.json"
    assert asset.stat().st_size < 300_000
    for p in outline["provinces"]:
        for ring in p["rings"]:
            assert all(73 < x < 136 and 3 < y < 54 for x, y in ring), p["name"]


def _basemap_tool():
    """scripts/build-basemap, the repository's tool that made the outline asset."""
    from importlib.machinery import SourceFileLoader
    from importlib.util import module_from_spec, spec_from_loader

    path = Path(__file__).resolve().parents[1] / "scripts" / "build-basemap"
    spec = spec_from_loader("build_basemap", SourceFileLoader("build_basemap", str(path)))
    assert spec is not None and spec.loader is not None
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_douglas_peucker_and_decoding() -> None:
    tool = _basemap_tool()
    simplify, decode_ring = tool.simplify, tool.decode_ring
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, -0.01), (3.0, 5.0), (4.0, 0.0)]
    assert simplify(line, 0.1) == [(0.0, 0.0), (2.0, -0.01), (3.0, 5.0), (4.0, 0.0)]
    assert simplify(line, 10) == [(0.0, 0.0), (4.0, 0.0)]
    # ECharts' encoding: zig-zag deltas from the offset, '@' (64) meaning 0
    assert decode_ring("@@BA", [1024, 2048]) == [(1.0, 2.0), (1.0009765625, 1.9990234375)]


def test_pinyin_keys() -> None:
    keys = pinyin_keys(["黑水县", "黑水", "Acme"])
    assert keys[:2] == ["heishuixian", "hsx"] and "heishui" in keys and "hs" in keys
    assert not any("acme" in key for key in keys)


def test_payload_places_and_rollups(built: Path) -> None:
    data = read_payload((built / "index.html").read_text(encoding="utf-8"))
    nodes = {n["id"]: n["gk"] for n in data["nodes"]}
    heishui = nodes[HEISHUI]
    assert heishui["prov"] == "510000" and heishui["pref"] == "513200"
    if PINYIN:
        assert "heishuixian" in heishui["py"] and "hsx" in heishui["py"]
    township = nodes[ENTITY + "知木林镇"]
    assert township["geo"] == heishui["geo"] and township["at"] == HEISHUI  # sits at its county
    assert heishui["within"] >= 5 and heishui["receivedAll"] > 0 and not heishui.get("received")
    assert data["regions"]["510000"]["name"] == "四川省" and data["regions"]["510000"]["id"] == ENTITY + "四川省"
    assert any(q["name"] == "help-for-region" for q in data["queries"])
    years = {e["gk"].get("year") for e in data["edges"] if e["gk"]["relation"] != "within"}
    assert {2019, 2021} <= years


# ---------------------------------------------------------------- in a browser


def open_page(browser: Any, url: str, origin: str) -> BrowserPage:
    """The explorer as a user opens it: it may use data: and blob: URLs (the CSV download) of its own."""
    return BrowserPage(browser, url, origin, schemes=("data:", "blob:"), downloads=True)


@pytest.fixture
def seed(browser: Any, built: Path) -> Iterator[BrowserPage]:
    opened = open_page(browser, (built / "index.html").as_uri(), "file://")
    yield opened
    opened.close()


@pytest.mark.browser
def test_search_finds_heishui_and_shows_who_helps_it(seed: BrowserPage) -> None:
    page = seed.page
    page.fill("#gk-search", "黑水县")
    first = page.locator("#gk-suggestions li").first
    first.wait_for()
    assert first.inner_text().startswith("黑水县")
    page.keyboard.press("Enter")
    assert page.locator("#gk-panel h2").inner_text() == "黑水县"
    shown = seed.visible_labels()
    assert {"黑水县", "彭州市", "成都市"} <= shown  # its pairing partners
    assert "凤山县" not in shown and len(shown) < 40  # a neighbourhood, not the whole graph
    panel = page.locator("#gk-panel").inner_text()
    assert "彭州市" in panel and "成都市" in panel and "含下辖收到" in panel
    assert "邻域：黑水县" in page.locator("#gk-focus").inner_text()
    # expanding a node adds its neighbours (double-click does the same)
    seed.evaluate("(id) => window.graphkit.expand(id)", ENTITY + "彭州市")
    expanded = seed.visible_labels()
    assert expanded > shown and "彭州市综合执法局" in expanded
    # depth 2 reaches the donors of its townships' schools and agencies
    page.locator('input[name="gk-depth"][value="2"]').check()
    assert len(seed.visible_labels()) > len(shown)
    # "show all" ends the exploration
    page.locator("#gk-focus button").click()
    assert len(seed.visible_labels()) > 90
    seed.check()


@pytest.mark.browser
@pytest.mark.skipif(not PINYIN, reason="pinyin search keys need pypinyin")
def test_pinyin_initials_find_the_county(seed: BrowserPage) -> None:
    hits = seed.evaluate("() => window.graphkit.search('hsx').map(h => h.label)")
    assert {"黑水县", "合水县"} <= set(hits[:3])  # initials are ambiguous: both counties are offered
    exact = seed.evaluate("() => window.graphkit.search('heishuixian').map(h => h.label)")
    assert exact[0] == "黑水县"
    seed.page.fill("#gk-search", "heishui")
    seed.page.locator("#gk-suggestions li").first.wait_for()
    assert "黑水县" in seed.page.locator("#gk-suggestions").inner_text()
    seed.check()


@pytest.mark.browser
def test_filters_hide_what_they_should(seed: BrowserPage) -> None:
    page = seed.page
    events = "() => Array.from(window.graphkit.visible.edges).map(id => window.graphkit.index.EDGE.get(id).gk).filter(g => g.relation !== 'within')"
    everything = seed.evaluate(events)
    assert any(g["relation"] == "donation" for g in everything)
    page.locator("#gk-rel-donation").uncheck()
    assert not any(g["relation"] == "donation" for g in seed.evaluate(events))
    drawn = "() => window.graphkit.network.body.edgeIndices.map(id => window.graphkit.index.EDGE.get(id).gk.relation)"
    assert "donation" not in seed.evaluate(drawn) and "pairing" in seed.evaluate(drawn)  # what vis draws follows
    page.locator("#gk-rel-donation").check()
    # years: only 2021 (undated events excluded too)
    page.locator("#gk-undated").uncheck()
    for bound in ("#gk-year-from", "#gk-year-to"):
        page.fill(bound, "2021")
        page.locator(bound).dispatch_event("change")
    shown = seed.evaluate(events)
    def in_2021(g: dict) -> bool:  # a pairing: in force in 2021 by the build's years; anything else dated 2021
        if g["relation"] == "pairing":
            return (g.get("inForceFrom") or 0) <= 2021 <= (g.get("inForceTo") or 9999)
        return g.get("year") == 2021

    assert shown and all(in_2021(g) for g in shown) and any(g.get("year") == 2021 for g in shown)
    assert any(g.get("validFrom") == "2001" for g in shown)  # 浙江省–四川省 (white paper) is still in force
    page.locator("#gk-reset").click()
    assert len(seed.evaluate(events)) == len(everything)
    # province, rolled up: 四川 keeps 黑水县 (via 阿坝州) and drops 凤山县 (广西)
    page.select_option("#gk-province", "510000")
    labels = seed.visible_labels()
    assert "黑水县" in labels and "彭州市" in labels and "凤山县" not in labels
    page.select_option("#gk-province", "")
    # amount: at least 100 万元 leaves only the big donations
    page.fill("#gk-amount-min", "100")
    page.locator("#gk-amount-min").dispatch_event("change")
    amounts = [g.get("amount") for g in seed.evaluate(events) if g["relation"] == "donation"]
    assert amounts and all(a >= 1_000_000 for a in amounts)
    assert any(g["relation"] == "pairing" for g in seed.evaluate(events))  # the amount filter is for donations
    # the legend counts follow the filters
    donations = seed.evaluate("() => window.graphkit.data.edges.filter(e => e.gk.relation === 'donation').length")
    legend = page.locator("#gk-relation-filters .gk-filter").nth(1).locator(".gk-count").inner_text()
    assert legend == f"{len(amounts)} / {donations}"
    seed.check()


@pytest.mark.browser
def test_entities_hidden_for_having_no_relation_are_announced(seed: BrowserPage, built: Path) -> None:
    """The legend counts what is shown of what the data holds, as `graphkit stats` counts it."""
    page = seed.page
    stats = graphkit_cli("stats", "--out", str(built))
    assert stats.returncode == 0, stats.stderr
    in_data = int(re.search(r"政府机关\s*│\s*(\d+)", stats.stdout).group(1))
    row = page.locator("#gk-type-GovernmentAgency").locator("xpath=..").locator(".gk-count")
    shown, total = (int(x) for x in row.inner_text().split(" / "))
    assert total == in_data and shown < total
    hidden = seed.evaluate("() => window.graphkit.index.NODE.size - window.graphkit.visible.nodes.size")
    note = page.locator("#gk-hidden-note")
    assert note.is_visible() and note.inner_text().startswith(f"{hidden} 个实体没有可见关系")
    note.locator("button").click()
    assert not note.is_visible() and row.inner_text() == str(in_data)
    assert not page.locator("#gk-hide-orphans").is_checked()
    seed.check()


@pytest.mark.browser
def test_page_writes_amounts_as_python_does(seed: BrowserPage) -> None:
    """The page formats figures it computes itself with graphkit.money's rule: same figures, same text."""
    values = [0, 6000, 9999.5, 10000, 150000, 1234567.5, 58394200, 99999999, 100000000, 123456789, -25000]
    in_page = seed.evaluate("(xs) => xs.map(x => window.graphkit.fmt.yuanShort(x))", values)
    assert in_page == [money.short(v) for v in values]
    assert in_page[6] == "5,839.42 万元" and in_page[9] == "1.23 亿元"


@pytest.mark.browser
def test_side_panel_shows_the_source(seed: BrowserPage) -> None:
    edge = seed.evaluate(
        """() => window.graphkit.data.edges.find(e => e.gk.relation === 'donation' && e.gk.sourceId &&
             window.graphkit.data.sources[e.gk.sourceId].url && window.graphkit.data.sources[e.gk.sourceId].title).id"""
    )
    seed.evaluate("(id) => window.graphkit.selectEdge(id)", edge)
    source = seed.evaluate("(id) => window.graphkit.data.sources[window.graphkit.index.EDGE.get(id).gk.sourceId]", edge)
    block = seed.page.locator("#gk-panel .gk-source")
    assert source["title"] in block.inner_text()
    assert source.get("publisher", "") in block.inner_text() and source.get("date", "") in block.inner_text()
    link = block.locator("a")
    assert link.get_attribute("href") == source["url"] and "noopener" in (link.get_attribute("rel") or "")
    # a node's panel lists its sources, its totals and what it contains
    seed.evaluate("(id) => window.graphkit.selectNode(id)", HEISHUI)
    panel = seed.page.locator("#gk-panel").inner_text()
    assert "来源 SOURCES" in panel and "下辖/所属" in panel and "知木林镇" in panel
    seed.check()


@pytest.mark.browser
def test_map_shows_the_seed_regions(seed: BrowserPage, tmp_path: Path) -> None:
    page = seed.page
    page.click('.gk-tab[data-view="map"]')
    assert page.locator("#gk-view-map").is_visible() and not page.locator("#gk-view-graph").is_visible()
    assert page.locator("path.gk-province").count() == 34
    labels = set(page.locator(".gk-point").evaluate_all("els => els.map(e => e.getAttribute('data-label'))"))
    joined = " ".join(labels)
    for place in ("黑水县", "彭州市", "凤山县", "万源市", "六枝特区", "大连市", "北京市"):
        assert place in joined, place
    assert page.locator("path.gk-flow").count() >= 5
    widths = page.locator("path.gk-flow").evaluate_all(
        "els => els.map(e => parseFloat(e.getAttribute('stroke-width')))"
    )
    assert max(widths) > 3 * min(widths)  # width by amount
    page.screenshot(path=str(tmp_path / "map.png"))
    # rolled up to provinces: 四川省 and 广西 become single points, the flow between them remains
    page.click('.gk-seg[data-level="prov"]')
    provinces_shown = set(page.locator(".gk-point").evaluate_all("els => els.map(e => e.getAttribute('data-label'))"))
    assert {"四川省", "广西壮族自治区", "广东省"} <= provinces_shown and "黑水县" not in provinces_shown
    # clicking a point opens its entities in the panel
    page.locator('.gk-point[data-label="四川省"] circle').first.click()
    assert page.locator("#gk-panel h2").inner_text() == "四川省"
    # hovering a flow shows its total
    x, y = page.locator("path.gk-flow").first.evaluate(
        """p => { const q = p.getPointAtLength(p.getTotalLength() / 2), m = p.getScreenCTM();
                  return [q.x * m.a + m.e, q.y * m.d + m.f]; }"""
    )
    page.mouse.move(x, y)
    assert "→" in page.locator("#gk-tooltip").inner_text()
    seed.check()


@pytest.mark.browser
def test_timeline_lists_events_by_date(seed: BrowserPage) -> None:
    page = seed.page
    page.click('.gk-tab[data-view="timeline"]')
    items = page.locator(".gk-tl-item:not(.gk-tl-ending)")
    total = seed.evaluate("() => window.graphkit.data.meta.events")
    assert items.count() == total
    dates = [d for d in page.locator(".gk-tl-item .gk-tl-date").all_inner_texts() if d[:4].isdigit()]
    assert dates and dates == sorted(dates, key=lambda d: d[:4])  # by date (a bare year sits mid-year)
    assert page.locator(".gk-tl-dot").count() > 10
    # a pairing with a stated period is a bar, its end a row of its year: 佛山市–凉山州 ends in 2021
    assert page.locator(".gk-tl-span").count() >= 40 and page.locator(".gk-tl-end").count() >= 5
    ending = page.locator(".gk-tl-ending", has_text="佛山市")
    assert ending.count() == 1 and ending.locator(".gk-tl-date").inner_text() == "2021"
    assert "凉山彝族自治州" in ending.inner_text() and "2016 – 2021" in ending.inner_text()
    seed.evaluate("() => window.graphkit.setYears(2021, 2021, false)")
    assert 0 < page.locator(".gk-tl-item").count() < total
    # dated 2021, or a pairing whose stated period covers 2021 (listed at its start)
    dates = page.locator(".gk-tl-date").all_inner_texts()
    assert any(d.startswith("2021") for d in dates)
    assert all(d.startswith("2021") or int(d[:4]) < 2021 for d in dates)
    page.locator(".gk-tl-item").first.click()
    assert page.locator("#gk-panel .gk-route").count() == 1
    seed.check()


@pytest.mark.browser
def test_hostile_names_stay_inert_in_every_view(browser: Any, tmp_path: Path) -> None:
    from graphkit.model import Dataset
    from graphkit.networkx_view import to_networkx
    from graphkit.rdf_mapping import dataset_quads
    from graphkit.store import MemoryStore
    from tests.test_page import XSS_NAME, _entities, _sources

    dataset = Dataset(entities={e.id: e for e in _entities()}, sources={s.id: s for s in _sources()})
    store = MemoryStore()
    store.add_quads(dataset_quads(dataset))
    path = tmp_path / "evil.html"
    path.write_text(render_page(to_networkx(store)), encoding="utf-8")
    opened = open_page(browser, path.as_uri(), "file://")
    try:
        page = opened.page
        page.fill("#gk-search", "onerror")
        page.locator("#gk-suggestions li").first.click()
        assert page.locator("#gk-panel h2").inner_text() == XSS_NAME
        for view in ("map", "timeline", "graph"):
            page.click(f'.gk-tab[data-view="{view}"]')
            page.wait_for_timeout(200)
        page.click('.gk-tab[data-view="timeline"]')
        assert XSS_NAME in page.locator("#gk-view-timeline").inner_text()
        # only its own event is in the neighbourhood, and that source's javascript: URL is never made a link
        assert page.locator('img[src="x"]').count() == 0 and page.locator("#gk-view-timeline a").count() == 0
        assert page.locator('a[href^="javascript"]').count() == 0
        opened.check()
    finally:
        opened.close()


# ---------------------------------------------------------------- the served page


@pytest.fixture(scope="module")
def served(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need /usr/bin/chromium: run scripts/setup-test-env")
    out = tmp_path_factory.mktemp("served") / "out"
    shutil.copytree(built, out)
    # what the server sends once it renders with served=True (served_page is idempotent)
    (out / "index.html").write_bytes(served_page((out / "index.html").read_bytes()))
    server = Served(out, "--workers", "1")
    yield server
    server.stop()


@pytest.mark.browser
def test_served_page_runs_sparql(browser: Any, served: Served, tmp_path: Path) -> None:
    opened = open_page(browser, served.base + "/", served.base)
    try:
        page = opened.page
        tab = page.locator('.gk-tab[data-view="sparql"]')
        assert tab.is_visible()
        tab.click()
        index = opened.evaluate("() => window.graphkit.data.queries.findIndex(q => q.name === 'help-for-region')")
        page.select_option(".gk-sq-examples", str(index))
        assert page.locator(".gk-sq-param").input_value() == "黑水县"
        page.click("text=运行 Run")
        page.locator(".gk-sq-table tbody tr").first.wait_for(timeout=30_000)
        assert page.locator(".gk-sq-table tbody tr").count() >= 5
        assert "彭州市" in page.locator(".gk-sq-table").inner_text()
        with page.expect_download() as download:
            page.click("text=下载 CSV")
        csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert csv_text.startswith("region,place,helper") and "黑水县" in csv_text
        page.click("text=在图中显示 show as graph")
        assert page.locator("#gk-view-graph").is_visible()
        shown = opened.visible_labels()
        assert "黑水县" in shown and "彭州市" in shown and len(shown) < 60
        # a query of one's own, typed in the editor
        page.click('.gk-tab[data-view="sparql"]')
        page.fill(".gk-sq-text", "SELECT (COUNT(*) AS ?n) WHERE { ?e a gk:Donation }")
        page.locator(".gk-sq-text").press("Control+Enter")
        page.wait_for_function("() => document.querySelector('.gk-sq-status').textContent.includes('1 行')")
        assert int(page.locator(".gk-sq-table tbody td").first.inner_text()) > 10
        # results sort by a column's header, numbers as numbers; in English one row is "1 row"
        page.fill(".gk-sq-text", "SELECT ?e ?amount WHERE { ?e gk:amountCNY ?amount } LIMIT 40")
        page.click("text=运行 Run")
        page.wait_for_function("() => document.querySelector('.gk-sq-status').textContent.includes('40 行')")
        page.locator(".gk-sq-table th").nth(1).locator("button").click()
        amounts = [float(x) for x in page.locator(".gk-sq-table tbody tr td:nth-child(2)").all_inner_texts()]
        assert amounts == sorted(amounts, reverse=True) and amounts[0] > amounts[-1]
        assert page.locator(".gk-sq-table th").nth(1).get_attribute("aria-sort") == "descending"
        lines = page.locator(".gk-sq-table td .gk-sq-cell").evaluate_all("els => els.map(e => e.getClientRects().length)")
        assert lines and set(lines) == {1}  # an event's IRI is never broken across lines
        opened.evaluate("() => window.graphkit.setLanguage('en')")
        page.fill(".gk-sq-text", "SELECT (COUNT(*) AS ?n) WHERE { ?e a gk:Donation }")
        page.locator(".gk-sq-text").press("Control+Enter")
        page.wait_for_function("() => /^1 row · /.test(document.querySelector('.gk-sq-status').textContent)")
        opened.evaluate("() => window.graphkit.setLanguage('zh')")
        # the download neutralises formulas exactly as graphkit.results.spreadsheet_cell does
        page.fill(".gk-sq-text", CELLS_QUERY)
        page.click("text=运行 Run")
        page.wait_for_function(f"() => document.querySelector('.gk-sq-status').textContent.includes('{len(HOSTILE_CELLS)} 行')")
        with page.expect_download() as download:
            page.click("text=下载 CSV")
        downloaded = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert cells(downloaded) == [spreadsheet_cell(cell) for cell in HOSTILE_CELLS]
        page.fill(".gk-sq-text", "SELECT ?x WHERE { SERVICE <http://example.org/sparql> { ?x ?p ?o } }")
        page.click("text=运行 Run")
        page.locator(".gk-sq-error").wait_for()
        page.screenshot(path=str(tmp_path / "sparql.png"))
        opened.errors = [e for e in opened.errors if "400" not in e]  # the refused query's response
        opened.check()
    finally:
        opened.close()


@pytest.mark.browser
def test_file_page_has_no_editor(seed: BrowserPage) -> None:
    assert seed.page.locator('.gk-tab[data-view="sparql"]').is_hidden()
    assert seed.evaluate("() => window.graphkit.served") is False
    seed.check()
