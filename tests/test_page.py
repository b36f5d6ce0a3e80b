"""The interactive page: self-contained, carries the graph as escaped JSON, and works offline in a browser.

The graph is built the way the real one is (model records -> RDF quads -> store -> networkx), with
names that try to break out of the page: an entity called `<img src=x onerror=alert(1)>` and a source
whose link is `javascript:`. Browser tests drive Debian's chromium through Playwright; they are
marked `browser` and skip when /usr/bin/chromium is absent (scripts/setup-test-env installs it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graphkit.model import Amount, Dataset, Entity, Event, Source, Span
from graphkit.networkx_view import to_networkx
from graphkit.ontology import entity_iri
from graphkit.rdf_mapping import dataset_quads
from graphkit.render import render_page, served_page, write_page
from graphkit.render.page import ASSETS, SCRIPTS, edge_width, node_size, read_payload
from graphkit.store import MemoryStore
from tests.conftest import BrowserPage

XSS = "<img src=x onerror=alert(1)>"
XSS_NAME = f"{XSS}爱心企业"
SOURCE_TITLE = "“暖冬行 爱传递”——彭州市集中社会各界力量开展对口帮扶工作"
SOURCE_URL = "https://example.org/news/2021/1001.html"
EVIL_TITLE = "<script>alert(3)</script>爱心企业捐资助学"
DONOR, RECIPIENT = "彭州市综合执法局", "知木林镇人民政府"


def _entities() -> list[Entity]:
    """A county, a township within it, agencies, a cadre, a work team and a company with a hostile name."""
    return [
        Entity("四川省", "Region", "四川省", level="province"),
        Entity("黑水县", "Region", "黑水县", aliases=("黑水",), level="county", part_of="四川省"),
        Entity("知木林镇", "Region", "知木林镇", level="township", part_of="黑水县"),
        Entity("彭州市", "Region", "彭州市", aliases=("彭州",), level="county", part_of="四川省"),
        Entity(DONOR, "GovernmentAgency", DONOR, aliases=("彭州综合执法局",), located_in="彭州市"),
        Entity(RECIPIENT, "GovernmentAgency", RECIPIENT, aliases=("知木林镇政府",), located_in="知木林镇"),
        Entity("彭州市市场监督管理局", "GovernmentAgency", "彭州市市场监督管理局", located_in="彭州市"),
        Entity("魏国庆", "Person", "魏国庆", member_of="彭州市市场监督管理局", role="挂职干部"),
        Entity("彭州市对口支援黑水县工作队", "WorkTeam", "彭州市对口支援黑水县工作队", aliases=("彭州工作队",)),
        Entity("爱心企业", "Company", XSS_NAME, aliases=("爱心\u2028企业",)),
    ]


def _sources() -> list[Source]:
    """Two articles: a donation with amount and brokers, a pairing with mode, a secondment, a hostile one."""
    first = Source(
        "cdxww-2021-1001", title=SOURCE_TITLE, publisher="成都新闻网", date="2021-10-01", url=SOURCE_URL,
        events=(
            Event("cdxww-2021-1001/d1", "donation", "cdxww-2021-1001", helpers=(DONOR,), helped=(RECIPIENT,),
                  amount=Amount(Decimal("150000"), text="15万元"), purpose="办公场地修缮", date="2021-09",
                  brokers=("彭州市对口支援黑水县工作队",), span=Span(120, 168)),
            Event("cdxww-2021-1001/p1", "pairing", "cdxww-2021-1001", helpers=("彭州市",), helped=("黑水县",),
                  mode="对口支援"),
            Event("cdxww-2021-1001/s1", "secondment", "cdxww-2021-1001", helpers=("彭州市市场监督管理局",),
                  helped=("知木林镇",), person="魏国庆", role="挂职副镇长"),
        ),
    )  # fmt: skip
    hostile = Source(
        "evil-1", title=EVIL_TITLE, publisher="<b>某网</b>", date="2022-03", url="javascript:alert(2)",
        events=(
            Event("evil-1/d1", "donation", "evil-1", helpers=("爱心企业",), helped=("黑水县",),
                  amount=Amount(Decimal("5000"), approximate=True, period="month", text="约5000元/月"),
                  items="学习用品", quantity="200套"),
        ),
    )  # fmt: skip
    return [first, hostile]


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    """The test graph, through the same path as the real one: records -> quads -> store -> networkx."""
    dataset = Dataset(
        entities={entity.id: entity for entity in _entities()},
        sources={source.id: source for source in _sources()},
    )
    store = MemoryStore()
    store.add_quads(dataset_quads(dataset))
    return to_networkx(store)


@pytest.fixture(scope="module")
def page_html(graph: nx.MultiDiGraph) -> str:
    return render_page(graph, title="测试 — 谁帮助谁")


def payload(html: str) -> dict[str, Any]:
    """The graph data the page carries, parsed as the browser does (JSON.parse of the element's text),
    with the compact wire format expanded as the page's core.js does."""
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.DOTALL)
    assert match, "no graph-data element"
    json.loads(match.group(1))  # valid JSON as it stands
    return read_payload(html)


def iri(entity_id: str) -> str:
    return str(entity_iri(entity_id))


# ---------------------------------------------------------------- the HTML itself


def test_page_embeds_every_script_and_style(page_html: str) -> None:
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page_html, flags=re.IGNORECASE)
    for tag in tags:
        assert not re.search(r"\b(?:src|href)\s*=", tag, flags=re.IGNORECASE), tag
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page_html, flags=re.IGNORECASE)
    assert "<link" not in page_html.lower()
    assert "cdn" not in " ".join(tags).lower() and "bootstrap" not in page_html.lower()
    assert '<meta charset="utf-8">' in page_html
    assert "@version 9.1.2" in page_html and "vis-network" in page_html  # vis-network inlined
    assert ".vis-tooltip" in page_html  # and its stylesheet
    assert "sourceMappingURL" not in page_html


def csp_of(html: str) -> str:
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp, "no Content-Security-Policy"
    return csp.group(1).replace("&#39;", "'")


def test_page_cannot_fetch_anything(page_html: str) -> None:
    policy = csp_of(page_html)
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    inline = re.findall(r"<script>(.*?)</script>", page_html, flags=re.DOTALL)
    assert len(inline) == 1 + len(SCRIPTS)  # vis-network and the page's scripts, each pinned by its hash
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert '<meta name="graphkit-mode" content="file">' in page_html
    for name in SCRIPTS:
        script = (ASSETS / name).read_text(encoding="utf-8")
        banned = ["XMLHttpRequest", "WebSocket", "sendBeacon", "import(", ".innerHTML", ".outerHTML",
                  ".insertAdjacentHTML", "document.write", "eval(", "new Function", "EventSource"]  # fmt: skip
        if name != "sparql.js":  # the served page's editor is the only script that may call its origin
            banned.append("fetch(")
        for word in banned:
            assert word not in script, (name, word)


def test_served_page_may_call_its_own_origin_only(graph: nx.MultiDiGraph, page_html: str) -> None:
    served = render_page(graph, title="测试 — 谁帮助谁", served=True)
    policy = csp_of(served)
    assert "connect-src 'self'" in policy and "connect-src 'none'" not in policy
    assert "default-src 'none'" in policy and "form-action 'none'" in policy
    assert '<meta name="graphkit-mode" content="served">' in served
    # what the server does with out/index.html gives the same page, bytes or text
    assert served_page(page_html) == served
    assert served_page(page_html.encode()) == served.encode()
    assert served_page(served) == served and served_page("<p>not ours</p>") == "<p>not ours</p>"
    assert payload(served) == payload(page_html)


def test_payload_holds_the_donation(page_html: str) -> None:
    data = payload(page_html)
    donations = [
        e for e in data["edges"]
        if e["gk"]["relation"] == "donation" and e["from"] == iri(DONOR) and e["to"] == iri(RECIPIENT)
    ]  # fmt: skip
    assert len(donations) == 1
    gk = donations[0]["gk"]
    assert gk["amount"] == 150000 and gk["approximate"] is False and gk["statedAs"] == "15万元"
    assert [b["label"] for b in gk["brokers"]] == ["彭州市对口支援黑水县工作队"]
    assert gk["span"] == [120, 168] and gk["date"] == "2021-09"
    assert data["sources"][gk["sourceId"]] == {
        "title": SOURCE_TITLE, "publisher": "成都新闻网", "date": "2021-10-01", "url": SOURCE_URL, "status": "reviewed",
    }  # fmt: skip
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[iri(DONOR)]["label"] == DONOR and nodes[iri(DONOR)]["gk"]["given"] == 150000
    assert nodes[iri(RECIPIENT)]["gk"]["received"] == 150000
    assert nodes[iri("黑水县")]["gk"]["aliases"] == ["黑水"]


def test_payload_relations_and_structure(page_html: str) -> None:
    data = payload(page_html)
    by_relation: dict[str, list[dict[str, Any]]] = {}
    for edge in data["edges"]:
        by_relation.setdefault(edge["gk"]["relation"], []).append(edge)
    (pairing,) = by_relation["pairing"]
    assert (pairing["from"], pairing["to"], pairing["gk"]["mode"]) == (iri("彭州市"), iri("黑水县"), "对口支援")
    (secondment,) = by_relation["secondment"]
    assert (secondment["from"], secondment["to"]) == (iri("魏国庆"), iri("知木林镇"))
    assert secondment["gk"]["unit"] == [iri("彭州市市场监督管理局")]
    within = {(e["from"], e["to"]) for e in by_relation["within"]}
    assert (iri("知木林镇"), iri("黑水县")) in within and (iri(DONOR), iri("彭州市")) in within
    # one style per relation, applied by the page script; distinct colours, arrows on assistance only
    styles = data["edgeStyles"]
    assert len({style["color"]["color"] for style in styles.values()}) == len(styles) == 4
    assert all(styles[rel]["arrows"]["to"]["enabled"] for rel in ("pairing", "donation", "secondment"))
    assert not styles["within"]["arrows"]["to"]["enabled"] and styles["secondment"]["dashes"]
    assert all("color" not in e and "arrows" not in e for e in data["edges"])  # not repeated per edge
    assert data["meta"]["layout"] == "physics" and data["options"]["physics"]["solver"] == "forceAtlas2Based"
    assert set(data["options"]["groups"]) >= {"Region", "Company", "Other"}


def test_data_is_escaped_inside_the_page(page_html: str) -> None:
    block = page_html.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\u2028" not in page_html and "\u2029" not in page_html
    assert XSS not in page_html and "<script>alert(3)" not in page_html and "<b>某网" not in page_html
    data = payload(page_html)
    labels = {n["label"] for n in data["nodes"]}
    assert XSS_NAME in labels  # the text survives, escaped only in transit
    assert any("爱心\u2028企业" in n["gk"].get("aliases", []) for n in data["nodes"])


def test_sizes_follow_money_on_a_square_root_scale() -> None:
    assert node_size(100, 100, 0) == pytest.approx(46.0)
    assert node_size(25, 100, 0) < node_size(100, 100, 0) < node_size(10**9, 100, 0) + 0.01
    assert node_size(0, 100, 0) < node_size(1, 100, 0)
    assert node_size(0, 0, 50) <= node_size(1, 100, 0)
    assert edge_width(None, 100) < edge_width(1, 100) < edge_width(100, 100) == 10.0


def test_large_graph_ships_positions_without_physics() -> None:
    graph = nx.MultiDiGraph()
    for i in range(420):
        graph.add_node(f"n{i}", label=f"实体{i}", type="Region" if i % 3 else "Company", aliases=[])
    for i in range(1, 420):
        graph.add_edge(f"n{i // 4}", f"n{i}", key=f"ev{i}", relation="donation", amount=float(i), sourceId="s")
    data = payload(render_page(graph))
    assert data["meta"]["layout"] == "static" and data["options"]["physics"]["enabled"] is False
    xs = [n["x"] for n in data["nodes"]]
    assert len(xs) == 420 and max(xs) - min(xs) > 500  # spread out in pixels, not a unit square


def test_write_page_is_atomic_and_utf8(tmp_path: Path, graph: nx.MultiDiGraph) -> None:
    target = tmp_path / "site" / "graph.html"
    write_page(graph, target, title="测试")
    text = target.read_bytes().decode("utf-8")
    assert text == render_page(graph, title="测试")
    assert [p.name for p in target.parent.iterdir()] == ["graph.html"]  # no temp file left behind
    assert target.stat().st_mode & 0o044  # readable by others, unlike mkstemp's default
    write_page(graph, target, title="再次")
    assert "<title>再次</title>" in target.read_text(encoding="utf-8")


# ---------------------------------------------------------------- in a browser


class Opened(BrowserPage):
    """The written page opened from file://, with helpers to point at what vis-network draws."""

    def centre(self, node_id: str) -> tuple[float, float]:
        """Where a node is drawn, in page coordinates."""
        x, y = self.evaluate(
            """(id) => { const g = window.graphkit, d = g.network.canvasToDOM(g.network.getPositions([id])[id]);
                 const r = document.getElementById("gk-network").getBoundingClientRect();
                 return [r.left + d.x, r.top + d.y]; }""",
            node_id,
        )
        return x, y

    def on_edge(self, edge_id: str) -> tuple[float, float]:
        """A point, in page coordinates, where the (possibly curved) edge is drawn and no node is."""
        point = self.evaluate(
            """(id) => { const g = window.graphkit, n = g.network, e = g.index.EDGE.get(id);
                 const p = n.getPositions([e.from, e.to]), a = n.canvasToDOM(p[e.from]), b = n.canvasToDOM(p[e.to]);
                 const len = Math.hypot(b.x - a.x, b.y - a.y) || 1, ox = -(b.y - a.y) / len, oy = (b.x - a.x) / len;
                 const r = document.getElementById("gk-network").getBoundingClientRect();
                 for (const t of [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7])
                   for (let d = 0; d <= 80; d += 3) for (const s of [1, -1]) {
                     const q = {x: a.x + (b.x - a.x) * t + s * d * ox, y: a.y + (b.y - a.y) * t + s * d * oy};
                     if (n.getEdgeAt(q) === id && n.getNodeAt(q) === undefined) return [r.left + q.x, r.top + q.y];
                   }
                 return null; }""",
            edge_id,
        )
        assert point, f"edge {edge_id} is not drawn anywhere it can be pointed at"
        return point[0], point[1]


@pytest.fixture
def opened(browser: Any, tmp_path: Path, graph: nx.MultiDiGraph) -> Iterator[Opened]:
    """The page written to disk and opened from file://, drawn and laid out."""
    path = tmp_path / "graph.html"
    write_page(graph, path)
    result = Opened(browser, path.as_uri(), "file://", timeout=30_000)
    yield result
    result.close()


@pytest.mark.browser
def test_browser_draws_offline(opened: Opened) -> None:
    page = opened.page
    assert page.evaluate("() => document.characterSet") == "UTF-8"
    assert page.locator("#gk-network canvas").count() == 1
    shown = opened.evaluate(
        "() => Array.from(window.graphkit.visible.nodes, id => window.graphkit.index.NODE.get(id).label)"
    )
    assert len(shown) == 9 and "彭州市对口支援黑水县工作队" not in shown  # a broker only: no link of its own
    drawn = opened.evaluate("() => window.graphkit.network.body.nodeIndices.length")
    assert drawn == 9  # what vis draws is what the filters leave
    colour = opened.evaluate(
        "(id) => window.graphkit.edges.get(id).color.color",
        opened.evaluate("() => window.graphkit.data.edges.find(e => e.gk.relation === 'pairing').id"),
    )
    assert colour == "#5b5fc7"  # the relation's style, applied in the page
    assert page.locator("#gk-relation-filters input").count() == 4  # the legend doubles as filters
    assert "10 个实体" in page.locator("#gk-counts").inner_text()
    page.screenshot(path="/tmp/page.png")
    assert not opened.errors, opened.errors
    opened.assert_offline()


@pytest.mark.browser
def test_search_by_alias_selects_the_entity(opened: Opened) -> None:
    page = opened.page
    page.fill("#gk-search", "彭州综合执法")  # only the alias 彭州综合执法局 contains this
    suggestions = page.locator("#gk-suggestions li")
    suggestions.first.wait_for()
    assert suggestions.count() == 1
    assert DONOR in suggestions.first.inner_text() and "别名：彭州综合执法局" in suggestions.first.inner_text()
    page.keyboard.press("Enter")
    assert page.locator("#gk-panel h2").inner_text() == DONOR
    assert opened.evaluate("() => window.graphkit.network.getSelectedNodes()") == [iri(DONOR)]
    assert "15 万元" in page.locator("#gk-panel .gk-money").inner_text()
    opened.assert_offline()


@pytest.mark.browser
def test_relation_filter_hides_donations(opened: Opened) -> None:
    hidden = """(rel) => window.graphkit.data.edges.filter(e => e.gk.relation === rel)
                  .map(e => !window.graphkit.visible.edges.has(e.id) && window.graphkit.network.body.edges[e.id].options.hidden)"""
    assert opened.evaluate(hidden, "donation") == [False, False]
    opened.page.locator("#gk-rel-donation").uncheck()
    assert opened.evaluate(hidden, "donation") == [True, True]
    assert opened.evaluate(hidden, "pairing") == [False]
    # the company that only donated is left without visible links, so it goes too
    assert opened.evaluate("(id) => window.graphkit.network.body.nodes[id].options.hidden", iri("爱心企业")) is True
    opened.page.locator("#gk-rel-donation").check()
    assert opened.evaluate(hidden, "donation") == [False, False]
    opened.page.locator("#gk-type-Company").uncheck()
    assert opened.evaluate("(id) => window.graphkit.network.body.nodes[id].options.hidden", iri("爱心企业")) is True
    opened.assert_offline()


@pytest.mark.browser
def test_clicking_an_edge_shows_its_source(opened: Opened) -> None:
    page = opened.page
    edge = opened.evaluate(
        "([a, b]) => window.graphkit.data.edges.find(e => e.from === a && e.to === b && e.gk.relation === 'donation').id",
        [iri(DONOR), iri(RECIPIENT)],
    )
    x, y = opened.on_edge(edge)
    page.mouse.move(x, y)
    tooltip = page.locator("#gk-tooltip")
    tooltip.wait_for(state="visible")
    assert "15 万元" in tooltip.inner_text() and SOURCE_TITLE in tooltip.inner_text()
    assert "彭州市对口支援黑水县工作队" in tooltip.inner_text()
    page.mouse.click(x, y)
    panel = page.locator("#gk-panel")
    assert SOURCE_TITLE in panel.inner_text() and "成都新闻网 · 2021-10-01" in panel.inner_text()
    link = panel.locator("a.gk-source-title")
    assert link.get_attribute("href") == SOURCE_URL and "noopener" in (link.get_attribute("rel") or "")
    assert "办公场地修缮" in panel.inner_text() and "彭州市对口支援黑水县工作队" in panel.inner_text()
    opened.assert_offline()


@pytest.mark.browser
def test_hostile_names_stay_text(opened: Opened) -> None:
    page = opened.page
    page.fill("#gk-search", "onerror")
    suggestion = page.locator("#gk-suggestions li").first
    suggestion.wait_for()
    assert XSS_NAME in suggestion.inner_text()
    suggestion.click()
    assert page.locator("#gk-panel h2").inner_text() == XSS_NAME
    page.wait_for_timeout(900)  # let the focus animation finish before finding the node on screen
    edge = opened.evaluate("(id) => window.graphkit.data.edges.find(e => e.from === id && e.gk.relation === 'donation').id",
                           iri("爱心企业"))  # fmt: skip
    opened.evaluate("(id) => window.graphkit.selectEdge(id)", edge)
    panel = page.locator("#gk-panel").inner_text()
    assert EVIL_TITLE in panel and "<b>某网</b>" in panel
    assert "约 5,000 元 / 月" in panel and "学习用品" in panel and "200套" in panel
    assert page.locator("#gk-panel a").count() == 0  # a javascript: URL is never made a link
    x, y = opened.centre(iri("爱心企业"))
    page.mouse.move(x, y)
    page.locator("#gk-tooltip").wait_for(state="visible")
    assert XSS_NAME in page.locator("#gk-tooltip").inner_text()
    page.wait_for_timeout(300)
    assert page.locator('img[src="x"]').count() == 0 and page.locator("script:not([type]):text('alert')").count() == 0
    assert opened.dialogs == []
    opened.assert_offline()
