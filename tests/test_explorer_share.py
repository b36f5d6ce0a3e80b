"""The explorer as a journalist uses it to cite and share: numbers that follow the filters, permalinks,
exports, English, the table, paths, extracted facts told apart, evidence, print — in Debian's
chromium on the seed data (built once per session; one build with an extracted source and the
article texts, for what needs them).

Every expected figure is computed here from the page's data or from graphkit's Python API, not read
back from the page's own functions.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphkit.render.page import read_payload
from tests.conftest import REPO, BrowserPage, graphkit_cli

ENTITY = "https://w3id.org/graphkit/id/entity/"
HEISHUI = ENTITY + "黑水县"
CABLE = ENTITY + "四川交联电缆有限公司"
CORPUS = REPO.parent / "shared" / "corpus"
EXTRACTED_SOURCE = "004_9eeebed457809fda"

pytestmark = pytest.mark.browser


def open_page(browser: Any, url: str) -> BrowserPage:
    return BrowserPage(browser, url, "file://", schemes=("data:", "blob:"), downloads=True)


@pytest.fixture
def seed(browser: Any, built: Path) -> Iterator[BrowserPage]:
    opened = open_page(browser, (built / "index.html").as_uri())
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed data with one source marked extracted (not reviewed), built with the article texts
    when ../shared/corpus is there."""
    data = tmp_path_factory.mktemp("marked") / "data"
    shutil.copytree(REPO / "data", data)
    source = data / "sources" / f"{EXTRACTED_SOURCE}.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("status: reviewed", "status: extracted", 1),
                      encoding="utf-8")
    out = data.parent / "out"
    articles = ["--articles", str(CORPUS)] if CORPUS.is_dir() else []
    result = graphkit_cli("build", "--data", str(data), "--out", str(out), *articles)
    assert result.returncode == 0, result.stderr
    return out


def visible_events(seed: BrowserPage) -> list[dict[str, Any]]:
    """The visible assistance events, once each, as the page holds them."""
    return seed.evaluate("""() => {
        const gk = window.graphkit, seen = new Map();
        gk.visible.edges.forEach(id => { const e = gk.index.EDGE.get(id);
          if (e.gk.relation !== 'within' && !seen.has(e.gk.event)) seen.set(e.gk.event, e.gk); });
        return Array.from(seen.values()); }""")


def donated_in_header(seed: BrowserPage) -> float:
    return float(seed.page.locator('#gk-counts [data-k="donated"]').get_attribute("data-value") or "nan")


# ---------------------------------------------------------------- numbers follow the filters


def test_header_and_top_lists_describe_what_the_filters_show(seed: BrowserPage, built: Path) -> None:
    page = seed.page
    data = read_payload((built / "index.html").read_text(encoding="utf-8"))
    assert donated_in_header(seed) == pytest.approx(data["meta"]["donated"])
    assert "筛选后" not in page.locator("#gk-counts").inner_text()
    # only donations of at least 10 万元 that touch 四川省, computed here from the page's data
    nodes = {n["id"]: n["gk"] for n in data["nodes"]}
    expected: dict[str, float] = {}
    for edge in data["edges"]:
        gk = edge["gk"]
        if gk["relation"] != "donation" or gk.get("amount") is None or gk["amount"] < 100_000:
            continue
        if "510000" not in (nodes[edge["from"]].get("prov"), nodes[edge["to"]].get("prov")):
            continue
        expected[gk["event"]] = gk.get("counted", 0)
    page.locator("#gk-rel-pairing").uncheck()
    page.locator("#gk-rel-secondment").uncheck()
    page.fill("#gk-amount-min", "10")
    page.locator("#gk-amount-min").dispatch_event("change")
    page.select_option("#gk-province", "510000")
    assert donated_in_header(seed) == pytest.approx(sum(expected.values())) and expected
    header = page.locator("#gk-counts").inner_text()
    assert header.startswith("筛选后") and f"{len(expected)} 项帮扶事件" in header
    # the top lists rank only what is shown: no donor outside the visible donations
    givers = page.locator(".gk-top").first.locator(".gk-link").all_inner_texts()
    shown_donors = {nodes[e["from"]] and e["from"] for e in data["edges"] if e["gk"].get("event") in expected}
    assert givers and all(ENTITY + name in shown_donors for name in givers)
    assert "（筛选后）" in page.locator("#gk-panel").inner_text()
    seed.check()


def test_unfiltered_totals_are_the_builds(seed: BrowserPage, built: Path) -> None:
    """The page's count of money per entity (every view's) equals graphkit.analysis's, entity by entity."""
    data = read_payload((built / "index.html").read_text(encoding="utf-8"))
    in_page = seed.evaluate("""() => { const s = window.graphkit.summary();
        return {given: Object.fromEntries(s.given), received: Object.fromEntries(s.received)}; }""")
    for node in data["nodes"]:
        assert in_page["given"].get(node["id"], 0) == pytest.approx(node["gk"].get("given", 0)), node["label"]
        assert in_page["received"].get(node["id"], 0) == pytest.approx(node["gk"].get("received", 0)), node["label"]


def test_mode_and_item_filters(seed: BrowserPage) -> None:
    modes = seed.evaluate("() => Array.from(document.querySelectorAll('#gk-mode option')).map(o => o.value)")
    assert "dongxibu-xiezuo" in modes and "duikou-zhiyuan" in modes
    seed.page.select_option("#gk-mode", "duikou-zhiyuan")
    shown = visible_events(seed)
    assert shown and {g.get("modeKey") for g in shown} <= {"duikou-zhiyuan", "duikou-bangfu"}
    assert any(g.get("modeKey") == "duikou-bangfu" for g in shown)  # a narrower mode counts as its broader one
    seed.page.select_option("#gk-mode", "")
    seed.page.fill("#gk-text", "校服")
    seed.page.locator("#gk-text").dispatch_event("change")
    shown = visible_events(seed)
    assert shown and all("校服" in (g.get("items", "") + g.get("purpose", "")) for g in shown)
    seed.check()


# ---------------------------------------------------------------- share and cite


def test_a_permalink_reopens_the_same_view_and_back_undoes_a_step(browser: Any, seed: BrowserPage) -> None:
    page = seed.page
    # steps a person takes one after another (steps within 600 ms of each other are one history entry)
    seed.evaluate("(id) => { window.graphkit.focusOn([id], 2); window.graphkit.selectNode(id); }", HEISHUI)
    page.wait_for_timeout(700)
    seed.evaluate("() => { window.graphkit.setRelation('pairing', false); window.graphkit.setYears(2019, 2022, false); }")
    page.wait_for_timeout(700)
    page.click('.gk-tab[data-view="map"]')
    state = "() => ({view: window.graphkit.view, selected: window.graphkit.state.selected, filters: window.graphkit.describeFilters(), nodes: Array.from(window.graphkit.visible.nodes).sort(), edges: window.graphkit.visibleEvents().map(e => e.key).sort()})"
    before = seed.evaluate(state)
    assert before["view"] == "map" and before["selected"]["id"] == HEISHUI and len(before["filters"]) >= 3
    url = page.url
    assert "#" in url and "focus=" in url and "view=map" in url
    other = open_page(browser, url)
    try:
        assert other.evaluate(state) == before
        assert other.page.locator("#gk-panel h2").inner_text() == "黑水县"
        assert not other.page.locator("#gk-rel-pairing").is_checked()
        other.check()
    finally:
        other.close()
    # Back undoes the last step (the switch to the map), then the year filter
    page.go_back()
    page.wait_for_function("() => window.graphkit.view === 'graph'")
    assert seed.evaluate(state)["edges"] == before["edges"]
    page.go_back()
    page.wait_for_function("() => window.graphkit.state.yearFrom !== 2019")
    seed.check()


def _download(seed: BrowserPage, kind: str) -> tuple[str, bytes]:
    with seed.page.expect_download() as info:
        seed.evaluate("(kind) => window.graphkit.exports.as(kind)", kind)
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_exports_of_what_is_on_screen(seed: BrowserPage, built: Path) -> None:
    data = read_payload((built / "index.html").read_text(encoding="utf-8"))
    seed.evaluate("(id) => window.graphkit.focusOn([id], 1)", HEISHUI)
    seed.page.wait_for_timeout(800)
    # PNG of the graph, with the legend and caption beneath the drawing
    name, png = _download(seed, "png")
    assert name.endswith(".png") and png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    canvas = seed.evaluate("() => { const c = document.querySelector('#gk-network canvas'); return [c.width, c.height]; }")
    assert width == canvas[0] and height > canvas[1]
    # SVG of the graph: its entities, the caption with the filter and the data's date
    name, svg = _download(seed, "svg")
    text = svg.decode("utf-8")
    assert name.endswith(".svg") and text.startswith("<?xml") and ">黑水县<" in text and ">彭州市<" in text
    assert "邻域：黑水县" in text and f"数据截至 {data['meta']['asOf']}" in text and "<script" not in text
    # the map, as SVG and PNG
    seed.page.click('.gk-tab[data-view="map"]')
    name, svg = _download(seed, "svg")
    assert name.startswith("graphkit-map") and 'class="gk-point' in svg.decode() and "邻域：黑水县" in svg.decode()
    name, png = _download(seed, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # CSV of the visible events, with their sources
    name, raw = _download(seed, "csv")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(visible_events(seed))
    cable = next(r for r in rows if r["from"] == "四川交联电缆有限公司") if any(
        r["from"] == "四川交联电缆有限公司" for r in rows) else None
    donation = next(r for r in rows if r["relation"] == "donation" and r["amount_yuan"])
    source = data["sources"][donation["source_id"]]
    assert donation["source_title"] == source["title"] and donation["source_url"] == source.get("url", "")
    assert cable is None or cable["amount_yuan"] == "6000"
    # formula-safe: a name a spreadsheet would run is written as text
    assert seed.evaluate("() => window.graphkit.util.csvText(['a'], [['=HYPERLINK(1)'], ['-3'], ['+x']])") == \
        "a\r\n'=HYPERLINK(1)\r\n-3\r\n'+x\r\n"
    seed.check()


def test_english_interface_and_names(seed: BrowserPage) -> None:
    page = seed.page
    page.click("#gk-lang")
    page.fill("#gk-search", "heishui county")
    page.locator("#gk-suggestions li").first.wait_for()
    assert page.locator("#gk-suggestions li").first.locator(".gk-s-name").inner_text() == "Heishui County"
    page.keyboard.press("Enter")
    assert page.locator("#gk-panel h2").inner_text() == "Heishui County"
    panel = page.locator("#gk-panel").inner_text()
    assert "Received, incl. within" in panel and "黑水县" in panel  # the Chinese name stays beside it
    assert page.locator('.gk-tab[data-view="map"]').inner_text().strip() == "Map"
    assert "entities" in page.locator("#gk-counts").inner_text()
    page.wait_for_function("(id) => window.graphkit.network.body.nodes[id].options.label === 'Heishui County'", arg=HEISHUI)
    assert "lang=en" in page.url
    page.click("#gk-lang")
    assert page.locator("#gk-panel h2").inner_text() == "黑水县"
    seed.check()


def test_table_sorts_by_amount_and_selects_in_every_view(seed: BrowserPage) -> None:
    page = seed.page
    page.click('.gk-tab[data-view="table"]')
    rows = page.locator(".gk-events-table tbody tr")
    assert rows.count() == len(visible_events(seed))
    amount_column = [h.strip(" ↕↑↓") for h in page.locator(".gk-events-table thead th").all_inner_texts()].index("金额（元）")
    page.locator(".gk-events-table thead th").nth(amount_column).locator("button").click()
    keys = page.locator(".gk-events-table tbody tr").evaluate_all("trs => trs.map(tr => tr.dataset.event)")
    amounts = seed.evaluate("(keys) => keys.map(k => { const e = window.graphkit.data.edges.find(e => e.gk.event === k); return e.gk.amount === undefined ? null : e.gk.amount; })", keys)
    stated = [a for a in amounts if a is not None]
    assert stated == sorted(stated, reverse=True) and amounts[: len(stated)] == stated  # the biggest first, blanks last
    page.locator(".gk-events-table thead th").nth(amount_column).locator("button").click()
    again = page.locator(".gk-events-table tbody tr").evaluate_all("trs => trs.map(tr => tr.dataset.event)")
    assert again[0] != keys[0]
    rows.first.click()
    assert page.locator("#gk-panel .gk-route").count() == 1
    assert page.locator(".gk-events-table tr.gk-selected-row").count() == 1
    page.click('.gk-tab[data-view="timeline"]')
    assert page.locator(".gk-tl-item.gk-selected-row").count() == 1
    seed.check()


def test_path_follows_the_donation_as_graphkit_path_does(seed: BrowserPage, built: Path) -> None:
    page = seed.page
    page.fill("#gk-path-from", "四川交联电缆有限公司")
    page.fill("#gk-path-to", "黑水县")
    page.click("#gk-path-go")
    steps = seed.evaluate("(ids) => window.graphkit.findPath(ids[0], ids[1]).map(s => [s.node, s.edge === null ? null : s.edge === 'within' ? 'within' : s.edge.gk.relation])", [CABLE, HEISHUI])
    assert steps[0] == [CABLE, None] and steps[1][1] == "donation" and steps[-1][0] == HEISHUI
    assert [ENTITY + "色尔古镇", "within"] in steps
    assert "色尔古镇" in page.locator("#gk-panel").inner_text() and "路径" in page.locator("#gk-focus").inner_text()
    # the same entities, in the same order, as `graphkit path` finds
    for a, b in [("四川交联电缆有限公司", "黑水县"), ("彭州市", "知木林镇"), ("蒙牛", "黑水县")]:
        cli = graphkit_cli("path", a, b, "--out", str(built), "--json")
        if cli.returncode != 0:
            continue
        hops = json.loads(cli.stdout)
        expected = [hops[0]["source"], *(h["target"] for h in hops)]
        ids = seed.evaluate("(names) => names.map(n => window.graphkit.search(n, 1)[0].id)", [a, b])
        found = seed.evaluate("(ids) => window.graphkit.findPath(ids[0], ids[1]).map(s => s.node)", ids)
        assert found == expected, (a, b)
    seed.check()


def test_zoom_buttons_keyboard_and_labels_that_do_not_collide(seed: BrowserPage) -> None:
    page = seed.page
    overlaps = """() => { const net = window.graphkit.network, boxes = [];
        window.graphkit.visible.nodes.forEach(id => { const n = net.body.nodes[id];
          if (!n || !n.options.label || !n.options.label.trim()) return;
          const b = net.getBoundingBox(id), p = net.getPosition(id), r = n.options.size;
          boxes.push([b.left, Math.max(b.top, p.y + r), b.right, b.bottom]); });
        let clashes = 0;
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i], c = boxes[j];
          if (a[0] < c[2] && c[0] < a[2] && a[1] < c[3] && c[1] < a[3]) clashes++; }
        return [clashes, boxes.length]; }"""
    clashes, labelled = seed.evaluate(overlaps)
    assert clashes == 0 and labelled > 50  # the whole seed graph
    seed.evaluate("(id) => window.graphkit.focusOn([id], 2)", HEISHUI)
    page.wait_for_timeout(900)
    clashes, labelled = seed.evaluate(overlaps)
    assert clashes == 0 and labelled > 20
    scale = seed.evaluate("() => window.graphkit.network.getScale()")
    page.click("#gk-zoom-in")
    page.wait_for_timeout(400)
    assert seed.evaluate("() => window.graphkit.network.getScale()") > scale * 1.2
    page.click("#gk-zoom-out")
    page.wait_for_timeout(400)
    assert seed.evaluate("() => window.graphkit.network.getScale()") == pytest.approx(scale, rel=0.05)
    # the selected entity's relations, from the keyboard
    seed.evaluate("(id) => window.graphkit.selectNode(id)", HEISHUI)
    page.locator(".gk-relations button").first.focus()
    page.keyboard.press("ArrowDown")
    second = page.locator(".gk-relations button").nth(1)
    assert second.evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    assert page.locator("#gk-panel .gk-route").count() == 1
    seed.check()


def test_map_inset_is_clear_of_the_attribution(seed: BrowserPage) -> None:
    page = seed.page
    page.click('.gk-tab[data-view="map"]')
    seed.evaluate("() => window.graphkit.setProvince('')")
    inset = page.locator("path.gk-inset").bounding_box()
    stage = page.locator("#gk-view-map").bounding_box()
    assert inset and stage and inset["y"] + inset["height"] <= stage["y"] + stage["height"]
    for other in (".gk-map-attr", ".gk-map-note"):
        box = page.locator(other).bounding_box()
        assert box and (box["x"] + box["width"] < inset["x"] or box["y"] > inset["y"] + inset["height"]), other
    seed.check()


def test_print_gives_the_panel_and_the_graph(seed: BrowserPage, tmp_path: Path) -> None:
    page = seed.page
    seed.evaluate("(id) => { window.graphkit.focusOn([id], 1); window.graphkit.selectNode(id); }", HEISHUI)
    page.emulate_media(media="print")
    assert not page.locator("#gk-left").is_visible() and not page.locator(".gk-header").is_visible()
    assert page.locator("#gk-panel").is_visible() and page.locator("#gk-network canvas").is_visible()
    assert "邻域：黑水县" in page.locator("#gk-print-caption").inner_text()
    pdf = page.pdf(path=str(tmp_path / "print.pdf"))
    assert pdf[:4] == b"%PDF"
    page.emulate_media(media="screen")
    seed.check()


# ---------------------------------------------------------------- extracted facts, evidence


def test_extracted_events_are_told_apart(browser: Any, marked: Path) -> None:
    opened = open_page(browser, (marked / "index.html").as_uri())
    try:
        page = opened.page
        ids = opened.evaluate("(sid) => window.graphkit.data.edges.filter(e => e.gk.sourceId === sid).map(e => e.id)", EXTRACTED_SOURCE)
        assert ids
        drawn = opened.evaluate("(ids) => ids.map(id => window.graphkit.network.body.edges[id]).filter(Boolean).map(e => e.options.dashes)", ids)
        assert drawn and all(d == [2, 5] for d in drawn)
        opened.evaluate("(id) => window.graphkit.selectEdge(id)", ids[0])
        assert "待审核" in page.locator("#gk-panel .gk-badge").inner_text()
        assert page.locator("#gk-panel .gk-provenance").inner_text() == "机器提取，待审核"
        backbone = opened.evaluate("() => window.graphkit.data.edges.find(e => e.gk.sourceId === 'backbone-2011-white-paper').id")
        opened.evaluate("(id) => window.graphkit.selectEdge(id)", backbone)
        assert page.locator("#gk-panel .gk-provenance").inner_text() == "官方文件 · 人工整理"
        page.locator("#gk-reviewed").check()
        shown = opened.evaluate("() => Array.from(window.graphkit.visible.edges)")
        assert not set(ids) & set(shown) and shown
        assert "reviewed=1" in page.url
        opened.check()
    finally:
        opened.close()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the article texts are in ../shared/corpus")
def test_panel_quotes_the_sentence_that_states_the_event(browser: Any, marked: Path) -> None:
    opened = open_page(browser, (marked / "index.html").as_uri())
    try:
        edge = opened.evaluate("(id) => window.graphkit.data.edges.find(e => e.from === id && e.gk.relation === 'donation')", CABLE)
        text = (CORPUS / f"{edge['gk']['sourceId']}.txt").read_text(encoding="utf-8")
        start, end = edge["gk"]["span"]
        opened.evaluate("(id) => window.graphkit.selectEdge(id)", edge["id"])
        quote = opened.page.locator("#gk-panel .gk-evidence blockquote").inner_text()
        assert quote in text and text[start:end].strip() in quote  # the whole sentence around the span
        assert quote.rstrip().endswith(("。", "！", "？", "；")) or text.rstrip().endswith(quote.rstrip())
        opened.check()
    finally:
        opened.close()
