// Unit tests of the explorer's pure logic (graphkit/render/assets/core.js) in node, without a browser:
// money formatting, the filters, neighbourhoods, search and hidden-entity counts, on the seed page's
// own data. Run by tests/test_explorer_js.py, which passes the script and the page data:
//   GRAPHKIT_CORE_JS=.../core.js GRAPHKIT_PAYLOAD=.../payload.json node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const CORE = readFileSync(process.env.GRAPHKIT_CORE_JS, "utf8");
const PAYLOAD = readFileSync(process.env.GRAPHKIT_PAYLOAD, "utf8");

/** core.js run in a fresh context whose only DOM is the page's data element. */
function load() {
  const window = {};
  const document = {
    getElementById: (id) => (id === "graph-data" ? { textContent: PAYLOAD } : null),
    querySelector: () => null,
  };
  const context = vm.createContext({ window, document, location: { protocol: "file:" }, performance, Intl });
  vm.runInContext(CORE, context, { filename: "core.js" });
  return window.graphkit;
}

function idOf(gk, label) {
  const node = gk.data.nodes.find((n) => n.label === label);
  assert.ok(node, `no entity ${label} in the page data`);
  return node.id;
}

test("amounts are written in 万 and 亿 as graphkit.money.short writes them", () => {
  const { fmt } = load();
  assert.equal(fmt.yuanShort(58394200), "5,839.42 万元");
  assert.equal(fmt.yuanShort(123456789), "1.23 亿元");
  assert.equal(fmt.yuanShort(6000), "6,000 元");
  assert.equal(fmt.amountText({ amount: 5000, period: "month", approximate: true }), "约 5,000 元 / 月");
  assert.equal(fmt.amountText({ amount: 150000 }), "15 万元（150,000 元）");
  assert.equal(fmt.amountText({}), null);
});

test("the relation filter drops every donation and keeps pairings", () => {
  const gk = load();
  gk.state.relations.delete("donation");
  const visible = gk.computeVisible();
  const shown = [...visible.edges].map((id) => gk.index.EDGE.get(id).gk.relation);
  assert.ok(shown.includes("pairing"));
  assert.ok(!shown.includes("donation"));
});

test("the amount filter applies to donations only", () => {
  const gk = load();
  gk.state.amountMin = 1_000_000;
  const events = gk.data.edges.filter((e) => gk.fmt.isEvent(e) && gk.eventPasses(e, gk.state));
  const donations = events.filter((e) => e.gk.relation === "donation");
  assert.ok(donations.length > 0 && donations.every((e) => e.gk.amount >= 1_000_000));
  assert.ok(events.some((e) => e.gk.relation === "pairing"));
});

test("entities hidden for having no visible relation are counted, and shown when asked", () => {
  const gk = load();
  gk.computeVisible();
  const hidden = gk.hiddenOrphans();
  assert.equal(hidden, gk.index.NODE.size - gk.visible.nodes.size);
  assert.ok(hidden > 0);
  gk.state.hideOrphans = false;
  gk.computeVisible();
  assert.equal(gk.visible.nodes.size, gk.index.NODE.size);
  assert.equal(gk.hiddenOrphans(), 0);
});

test("a depth-1 neighbourhood of 黑水县 holds its helpers and not another province's county", () => {
  const gk = load();
  const around = gk.neighbourhood([idOf(gk, "黑水县")], 1);
  assert.ok(around.has(idOf(gk, "彭州市")));
  assert.ok(!around.has(idOf(gk, "凤山县")));
  const wider = gk.neighbourhood([idOf(gk, "黑水县")], 2);
  assert.ok(wider.size > around.size);
});

test("search finds by name, pinyin and initials, best match first", () => {
  const gk = load();
  assert.equal(gk.search("黑水县")[0].label, "黑水县");
  assert.equal(gk.search("heishuixian")[0].label, "黑水县");
  assert.ok(gk.search("hsx").some((hit) => hit.label === "黑水县"));
  assert.equal(gk.search("   ").length, 0);
  assert.ok(gk.search("黑水").length > 1);
});
