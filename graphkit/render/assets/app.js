/* graphkit explorer — the app: filters (the legend), search, the details panel, views, start-up.
 *
 * `window.graphkit` (built by core.js, extended by each view) is also the page's API for tests and
 * for people at the console: selectNode, selectEdge, setRelation, setType, setYears, setProvince,
 * setAmount, setMode, setText, setReviewedOnly, setLanguage, focusOn, expand, clearFocus, showView,
 * search, findPath, showPath.
 *
 * Every number on the page describes what is shown: the header's counts and money, the top lists,
 * the legend's counts, the map's flows and the timeline come from the visible events
 * (`graphkit.summary`), and the header says "筛选后 filtered" whenever a filter narrows them.
 */
(function () {
  "use strict";
  const gk = window.graphkit;
  const DATA = gk.data;
  const { el, byId, clear, fill } = gk.util;
  const f = gk.fmt;
  const T = f.T;
  const { NODE, EDGE, SOURCES, INCIDENT } = gk.index;
  const NUM = f.NUM;

  function toggleIn(set, key, on) { if (on) set.add(key); else set.delete(key); }

  /* ------------------------------------------------------------------ filters = legend */

  function filterRow(idPrefix, style, count, checked, swatch, onChange) {
    const input = el("input", { type: "checkbox", attrs: { id: idPrefix + style.key }, dataset: { key: style.key } });
    input.checked = checked;
    input.addEventListener("change", function () { onChange(style.key, input.checked); });
    const counter = el("span", { className: "gk-count", text: NUM.format(count) });
    return el("label", { className: "gk-filter" + (count ? "" : " gk-empty-filter"), title: style.en }, [
      input, swatch, el("span", { className: "gk-name", text: f.term(style) }), counter,
    ]);
  }

  // How many of each relation and type the data holds (the legend shows how many of them are on screen).
  const relCounts = new Map(), typeCounts = new Map(), provCounts = new Map();
  DATA.edges.forEach(function (e) { relCounts.set(e.gk.relation, (relCounts.get(e.gk.relation) || 0) + 1); });
  DATA.nodes.forEach(function (n) {
    typeCounts.set(n.gk.type, (typeCounts.get(n.gk.type) || 0) + 1);
    if (n.gk.prov) provCounts.set(n.gk.prov, (provCounts.get(n.gk.prov) || 0) + 1);
  });
  const modeCounts = new Map();
  DATA.edges.forEach(function (e) {
    const key = e.gk.modeKey;
    if (!key) return;
    modeCounts.set(key, (modeCounts.get(key) || 0) + 1);
    const broader = gk.MODES.get(key) && gk.MODES.get(key).broader;
    if (broader) modeCounts.set(broader, (modeCounts.get(broader) || 0) + 1);
  });

  /** The legend and the lists of choices, in the current language (redrawn when it changes). */
  function buildLegend() {
    const relBox = byId("gk-relation-filters");
    clear(relBox);
    DATA.relations.forEach(function (r) {
      relBox.append(filterRow("gk-rel-", r, relCounts.get(r.key) || 0, gk.state.relations.has(r.key), f.lineSwatch(r.key), function (k, on) {
        toggleIn(gk.state.relations, k, on); gk.applyFilters();
      }));
    });
    const typeBox = byId("gk-type-filters");
    clear(typeBox);
    DATA.entityTypes.forEach(function (t) {
      if (!typeCounts.get(t.key)) return;
      typeBox.append(filterRow("gk-type-", t, typeCounts.get(t.key), gk.state.types.has(t.key), f.dot(t.color), function (k, on) {
        toggleIn(gk.state.types, k, on); gk.applyFilters();
      }));
    });
    // Provinces the entities roll up to, with how many entities each holds.
    const select = byId("gk-province");
    Array.from(select.querySelectorAll("option[value]:not([value=''])")).forEach(function (o) { o.remove(); });
    select.options[0].textContent = T("全部省份", "All provinces");
    Array.from(provCounts.keys()).sort().forEach(function (code) {
      const option = el("option", { text: f.regionName(code) + T("（" + provCounts.get(code) + "）", " (" + provCounts.get(code) + ")") });
      option.value = code;
      select.append(option);
    });
    const modes = byId("gk-mode");
    Array.from(modes.querySelectorAll("option[value]:not([value=''])")).forEach(function (o) { o.remove(); });
    modes.options[0].textContent = T("全部方式", "All modes");
    (DATA.modes || []).forEach(function (m) {
      if (!modeCounts.get(m.key)) return;
      const option = el("option", { text: (m.broader ? "　" : "") + f.term(m) + T("（" + modeCounts.get(m.key) + "）", " (" + modeCounts.get(m.key) + ")") });
      option.value = m.key;
      modes.append(option);
    });
    byId("gk-text").placeholder = T("如：奶粉、校服、医疗设备", "e.g. 奶粉, 校服, equipment");
    byId("gk-search").placeholder = T("如：黑水、heishui、hsx", "e.g. 黑水, heishui, Heishui County");
    byId("gk-path-from").placeholder = T("从（名称）", "From (name)");
    byId("gk-path-to").placeholder = T("到（名称）", "To (name)");
    byId("gk-amount-min").placeholder = T("最低", "min");
    byId("gk-amount-max").placeholder = T("最高", "max");
    const names = byId("gk-names");
    if (!names.firstChild || names.dataset.lang !== gk.lang.current) {
      clear(names);
      names.dataset.lang = gk.lang.current;
      DATA.nodes.slice(0, 3000).forEach(function (n) { names.append(el("option", { attrs: { value: f.nodeLabel(n.id) } })); });
    }
    syncControls();
  }

  function wireControls() {
    const orphans = byId("gk-hide-orphans");
    orphans.addEventListener("change", function () { gk.state.hideOrphans = orphans.checked; gk.applyFilters(); });
    const from = byId("gk-year-from"), to = byId("gk-year-to"), undated = byId("gk-undated");
    const range = gk.yearRange;
    [from, to].forEach(function (input) {
      if (range[0] !== null) { input.min = range[0]; input.max = range[1]; }
      else input.disabled = true;
      input.addEventListener("change", function () {
        const a = parseInt(from.value, 10), b = parseInt(to.value, 10);
        gk.state.yearFrom = isNaN(a) ? range[0] : a;
        gk.state.yearTo = isNaN(b) ? range[1] : b;
        gk.applyFilters();
      });
    });
    undated.addEventListener("change", function () { gk.state.undated = undated.checked; gk.applyFilters(); });
    const select = byId("gk-province");
    select.addEventListener("change", function () { gk.state.province = select.value; gk.applyFilters(); });
    const modes = byId("gk-mode");
    modes.addEventListener("change", function () { gk.state.mode = modes.value; gk.applyFilters(); });
    const text = byId("gk-text");
    text.addEventListener("change", function () { gk.state.text = text.value.trim(); gk.applyFilters(); });
    text.addEventListener("search", function () { gk.state.text = text.value.trim(); gk.applyFilters(); });
    const reviewedBox = byId("gk-reviewed");
    reviewedBox.addEventListener("change", function () { gk.state.reviewedOnly = reviewedBox.checked; gk.applyFilters(); });
    const min = byId("gk-amount-min"), max = byId("gk-amount-max");
    [min, max].forEach(function (input) {
      input.addEventListener("change", function () {
        const a = parseFloat(min.value), b = parseFloat(max.value);
        gk.state.amountMin = isNaN(a) ? null : a * 1e4;
        gk.state.amountMax = isNaN(b) ? null : b * 1e4;
        gk.applyFilters();
      });
    });
    byId("gk-reset").addEventListener("click", resetFilters);
    byId("gk-path-go").addEventListener("click", pathFromForm);
    ["gk-path-from", "gk-path-to"].forEach(function (id) {
      byId(id).addEventListener("keydown", function (ev) { if (ev.key === "Enter") pathFromForm(); });
    });
  }

  /** Put the controls in line with the state (after reset, a permalink, or a change made through the API). */
  function syncControls() {
    const st = gk.state;
    DATA.relations.forEach(function (r) { const b = byId("gk-rel-" + r.key); if (b) b.checked = st.relations.has(r.key); });
    DATA.entityTypes.forEach(function (t) { const b = byId("gk-type-" + t.key); if (b) b.checked = st.types.has(t.key); });
    byId("gk-hide-orphans").checked = st.hideOrphans;
    byId("gk-year-from").value = st.yearFrom === null ? "" : st.yearFrom;
    byId("gk-year-to").value = st.yearTo === null ? "" : st.yearTo;
    byId("gk-undated").checked = st.undated;
    byId("gk-province").value = st.province;
    byId("gk-mode").value = st.mode;
    byId("gk-text").value = st.text;
    byId("gk-reviewed").checked = st.reviewedOnly;
    byId("gk-amount-min").value = st.amountMin === null ? "" : st.amountMin / 1e4;
    byId("gk-amount-max").value = st.amountMax === null ? "" : st.amountMax / 1e4;
    document.querySelectorAll('input[name="gk-depth"]').forEach(function (r) { r.checked = parseInt(r.value, 10) === st.depth; });
  }

  function resetFilters() {
    const fresh = gk.defaultState();
    fresh.focus = gk.state.focus; fresh.depth = gk.state.depth; fresh.selected = gk.state.selected;
    gk.state = fresh;
    syncControls();
    gk.applyFilters();
  }

  /** The header: what is shown, counted (筛选后 when filtered), and the legend's shown / total counts. */
  function renderCounts() {
    const meta = DATA.meta;
    const vis = gk.visible;
    const sum = gk.summary();
    const box = byId("gk-counts");
    clear(box);
    box.classList.toggle("gk-filtered", sum.filtered);
    box.title = sum.filtered ? gk.describeFilters().join("\n") : "";
    const parts = [];
    if (sum.filtered) parts.push(["", T("筛选后", "Filtered"), "filtered"]);
    const plural = function (n, one, many) { return n === 1 ? one : many; };
    // Unfiltered, the entities the data holds (those with no relation of their own, such as brokers,
    // are announced beside the graph); filtered, those shown.
    const entities = sum.filtered ? sum.entities : meta.entities;
    parts.push([NUM.format(entities), T(" 个实体", plural(entities, " entity", " entities")), "entities"]);
    parts.push([NUM.format(sum.events), T(" 项帮扶事件", plural(sum.events, " event", " events")), "events"]);
    parts.push([NUM.format(sum.sources), T(" 篇来源", plural(sum.sources, " source", " sources")), "sources"]);
    const money = gk.lang.current === "en" ? f.yuanShort(sum.donated) : "¥" + f.yuanShort(sum.donated).replace(" ", "");
    if (meta.donated) parts.push([money, T(" 捐赠（一次性）", " donated (lump sums)"), "donated"]);
    if (sum.filtered) parts.push([T("共 ", "of ") + NUM.format(meta.entities), T(" 个实体", " entities in all"), "all"]);
    parts.forEach(function (part, i) {
      if (i) box.append(el("span", { className: "gk-sep", text: "·" }));
      const span = el("span", { dataset: { k: part[2] } }, [part[0] ? el("b", { text: part[0] }) : null, part[1]]);
      if (part[2] === "donated") span.dataset.value = String(sum.donated);
      box.append(span);
    });
    renderHiddenNote();
    const relShown = new Map(), typeShown = new Map();
    vis.edges.forEach(function (id) { const r = EDGE.get(id).gk.relation; relShown.set(r, (relShown.get(r) || 0) + 1); });
    vis.nodes.forEach(function (id) { const t = NODE.get(id).gk.type; typeShown.set(t, (typeShown.get(t) || 0) + 1); });
    document.querySelectorAll("#gk-relation-filters .gk-filter, #gk-type-filters .gk-filter").forEach(function (row) {
      const input = row.querySelector("input");
      const key = input.dataset.key;
      const relation = input.id.startsWith("gk-rel-");
      const shown = (relation ? relShown : typeShown).get(key) || 0;
      const total = (relation ? relCounts : typeCounts).get(key) || 0;
      const counter = row.querySelector(".gk-count");
      counter.textContent = shown === total ? NUM.format(total) : NUM.format(shown) + " / " + NUM.format(total);
      counter.title = shown === total ? "" : T("显示 " + NUM.format(shown) + "，共 " + NUM.format(total), NUM.format(shown) + " shown of " + NUM.format(total));
      row.classList.toggle("gk-empty-filter", !shown);
    });
    byId("gk-print-caption").textContent = gk.caption();
  }

  /** Said, not silent: entities "hide orphans" keeps off screen are in the data (and in `graphkit
   * stats`), so the legend shows "shown / total" and this note offers them back in one click. */
  function renderHiddenNote() {
    const box = byId("gk-hidden-note");
    const orphans = gk.hiddenOrphans();
    const view = gk.view || "graph";
    // The map says itself what it leaves out (its footer), and its level switch sits where this goes.
    if (!orphans || view !== "graph") { box.hidden = true; clear(box); return; }
    fill(box, [
      el("span", { text: NUM.format(orphans) + T(" 个实体没有可见关系，未画出", " entities have no visible relation and are not drawn") }),
      el("button", { className: "gk-link", type: "button", text: T("显示", "show"), title: "show entities with no visible relation",
        onClick: function () { gk.state.hideOrphans = false; syncControls(); gk.applyFilters(); } }),
    ]);
    box.hidden = false;
  }

  /** One line naming the view, the filters and the data's date: the caption of exports and print. */
  function caption() {
    const view = { graph: T("网络", "Graph"), map: T("地图", "Map"), timeline: T("时间线", "Timeline"), table: T("表格", "Table") }[gk.view] || gk.view;
    const filters = gk.describeFilters();
    return [DATA.meta.title, view, filters.length ? T("筛选：", "Filters: ") + filters.join(T("；", "; ")) : T("全部数据", "all data"),
      DATA.meta.asOf ? T("数据截至 ", "data as of ") + DATA.meta.asOf : null].filter(Boolean).join(" · ");
  }

  /* ------------------------------------------------------------------ focus bar */

  function renderFocus() {
    const box = byId("gk-focus");
    const focus = gk.state.focus;
    if (!focus) { box.hidden = true; clear(box); return; }
    const name = focus.label || focus.roots.map(f.nodeLabel).slice(0, 3).join(T("、", ", ")) + (focus.roots.length > 3 ? T(" 等", " …") : "");
    fill(box, [
      el("div", { className: "gk-focus-text" }, [
        el("b", { text: focus.path ? T("路径：", "Path: ") : T("邻域：", "Neighbourhood: ") }), name,
        el("span", { className: "gk-sub", text: T("（" + NUM.format(focus.ids.size) + " 个实体）", " (" + NUM.format(focus.ids.size) + " entities)") }),
      ]),
      el("button", { className: "gk-btn gk-small-btn", type: "button", text: T("显示全部", "Show all"),
        onClick: function () { gk.clearFocus(); } }),
    ]);
    box.hidden = false;
  }

  /* ------------------------------------------------------------------ search */

  /** A list of choices driven from the keyboard: ↑ ↓ move, Enter picks, Escape closes. */
  function setupSearch() {
    const input = byId("gk-search");
    const list = byId("gk-suggestions");
    let hits = [];
    let active = -1;

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; }

    function choose(hit) {
      input.value = f.nodeLabel(hit.id);
      close();
      gk.focusOn([hit.id], gk.state.depth);
      selectNode(hit.id, { focus: false });
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
        if (i === index) { input.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({ block: "nearest" }); }
      });
    }

    function render() {
      hits = gk.search(input.value);
      clear(list);
      if (!input.value.trim()) { close(); return; }
      if (!hits.length) list.append(el("li", { className: "gk-s-none", text: T("没有匹配的实体", "No matching entity") }));
      hits.forEach(function (hit, i) {
        const n = NODE.get(hit.id);
        const meta = f.term(f.typeStyle(n.gk.type)) + (hit.alias ? T(" · 别名：", " · as ") + hit.alias : "") +
          (hit.pinyin ? " · " + hit.pinyin : "");
        const li = el("li", { attrs: { role: "option", "aria-selected": "false", id: "gk-hit-" + i }, dataset: { id: hit.id } }, [
          f.dot(f.typeStyle(n.gk.type).color), el("span", { className: "gk-s-name", text: f.nodeLabel(hit.id) }),
          el("span", { className: "gk-s-meta", text: meta, title: meta }),
        ]);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(hit); });
        li.addEventListener("mousemove", function () { if (active !== i) highlight(i); });
        list.append(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(hits.length ? 0 : -1);
    }

    input.addEventListener("input", render);
    input.addEventListener("focus", function () { if (input.value.trim()) render(); });
    input.addEventListener("blur", function () { setTimeout(close, 120); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && hits.length) { ev.preventDefault(); highlight((active + 1) % hits.length); }
      else if (ev.key === "ArrowUp" && hits.length) {
        ev.preventDefault(); highlight((active - 1 + hits.length) % hits.length);
      } else if (ev.key === "Enter" && active >= 0 && hits[active]) { ev.preventDefault(); choose(hits[active]); }
      else if (ev.key === "Escape") { close(); }
    });
    document.querySelectorAll('input[name="gk-depth"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (!radio.checked) return;
        gk.state.depth = parseInt(radio.value, 10);
        const focus = gk.state.focus;
        if (focus && focus.roots.length === 1 && !focus.path) gk.focusOn(focus.roots, gk.state.depth);
        else gk.bus.emit("state");
      });
    });
  }

  /* ------------------------------------------------------------------ paths */

  /**
   * How two entities are connected, by `graphkit path`'s rule (graphkit.analysis.paths, via
   * "assistance"; a browser test holds the two to the same answers): the fewest assistance links
   * (pairings, donations, secondments, a secondment's sending unit, a broker's 对接; a gift with a
   * stated amount a hair cheaper), using containment only to step *into* an end — from a county down
   * to the town that received — never to climb out of one, then the fewest such steps. The search
   * runs over three copies of each entity (still inside the start, between, already inside the end).
   * Relations the filters hide are not followed. Returns [{node, edge}] from `a` to `b` (edge: the
   * page edge, or "within" for a containment step), or null when they are not connected.
   */
  const STEP_INTO = 0.01, MONEY_BONUS = 0.0001;
  let LINKS = null; // id -> [[other id, weight, edge id]]
  function links() {
    if (LINKS) return LINKS;
    LINKS = new Map();
    const add = function (a, b, weight, edge) {
      if (a === b || !NODE.has(a) || !NODE.has(b)) return;
      [[a, b], [b, a]].forEach(function (pair) {
        if (!LINKS.has(pair[0])) LINKS.set(pair[0], []);
        LINKS.get(pair[0]).push([pair[1], weight, edge]);
      });
    };
    DATA.edges.forEach(function (e) {
      if (!f.isEvent(e)) return;
      const weight = e.gk.amount !== undefined ? 1 - MONEY_BONUS : 1;
      add(e.from, e.to, weight, e);
      (e.gk.unit || []).forEach(function (unit) { add(unit, e.from, weight, e); }); // the unit that sent the person
      const giving = e.gk.relation === "secondment" && e.gk.unit && e.gk.unit.length ? e.gk.unit : [e.from];
      (e.gk.brokers || []).forEach(function (b) { giving.concat([e.to]).forEach(function (party) { add(b.id, party, weight, e); }); });
    });
    return LINKS;
  }

  /** A binary heap of [cost, key]: Dijkstra on a 10,000-entity page stays in milliseconds. */
  function Heap() { this.items = []; }
  Heap.prototype.push = function (item) {
    const a = this.items; a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (a[up][0] <= a[i][0]) break;
      [a[up], a[i]] = [a[i], a[up]]; i = up;
    }
  };
  Heap.prototype.pop = function () {
    const a = this.items, top = a[0], last = a.pop();
    if (a.length) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && a[l][0] < a[m][0]) m = l;
        if (r < a.length && a[r][0] < a[m][0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]]; i = m;
      }
    }
    return top;
  };

  function findPath(a, b) {
    if (!NODE.has(a) || !NODE.has(b)) return null;
    if (a === b) return [{ node: a, edge: null }];
    const contained = new Map(); // container -> what lies directly within it
    DATA.nodes.forEach(function (n) {
      const up = n.gk.inside;
      if (up) { if (!contained.has(up)) contained.set(up, []); contained.get(up).push(n.id); }
    });
    const cost = new Map(), via = new Map();
    const start = "d|" + a, goal = "u|" + b;
    const heap = new Heap();
    cost.set(start, 0); heap.push([0, start]);
    const relax = function (from, to, step, how) {
      const d = cost.get(from) + step;
      if (!cost.has(to) || d < cost.get(to) - 1e-12) { cost.set(to, d); via.set(to, [from, how]); heap.push([d, to]); }
    };
    while (heap.items.length) {
      const [d, key] = heap.pop();
      if (d > cost.get(key) + 1e-12) continue;
      if (key === goal) break;
      const kind = key[0], id = key.slice(2);
      if (kind === "d") {
        relax(key, "e|" + id, 0, null);
        (contained.get(id) || []).forEach(function (inner) { relax(key, "d|" + inner, STEP_INTO, "within"); });
      } else if (kind === "e") {
        relax(key, "u|" + id, 0, null);
        (links().get(id) || []).forEach(function (link) {
          if (gk.state.relations.has(link[2].gk.relation)) relax(key, "e|" + link[0], link[1], link[2]);
        });
      } else {
        const up = NODE.get(id).gk.inside;
        if (up && NODE.has(up)) relax(key, "u|" + up, STEP_INTO, "within");
      }
    }
    if (!cost.has(goal)) return null;
    const path = [];
    for (let key = goal; key !== start;) {
      const [previous, how] = via.get(key);
      if (previous.slice(2) !== key.slice(2)) path.unshift({ node: key.slice(2), edge: how });
      key = previous;
    }
    path.unshift({ node: a, edge: null });
    return path;
  }

  /** Show a path: only its entities on screen, and its steps, each with its event, in the panel. */
  function showPath(a, b) {
    const path = findPath(a, b);
    if (!path) {
      fill(panel, [el("h2", { text: T("没有找到路径", "No path found") }),
        el("p", { className: "gk-sub", text: f.nodeLabel(a) + " ↔ " + f.nodeLabel(b) })]);
      return null;
    }
    const ids = path.map(function (s) { return s.node; });
    gk.focusOn(ids, 0, { label: ids.map(f.nodeLabel).join(" → "), path: true });
    const list = el("ol", { className: "gk-list gk-path" });
    path.forEach(function (step) {
      const e = step.edge && step.edge !== "within" ? step.edge : null;
      list.append(el("li", {}, [
        step.edge ? f.lineSwatch(e ? e.gk.relation : "within") : null,
        e ? el("button", { className: "gk-link gk-what", type: "button", text: f.term(f.relationStyle(e.gk.relation)) +
          (e.gk.amount ? " " + f.yuanShort(e.gk.amount) : ""), onClick: function () { selectEdge(e.id); } }) : null,
        step.edge === "within" ? el("span", { className: "gk-what", text: f.term(f.relationStyle("within")) }) : null,
        nodeButton(step.node),
      ]));
    });
    fill(panel, [el("h2", { text: T("路径", "Path") }),
      el("div", { className: "gk-sub", text: T((path.length - 1) + " 步，优先经由帮扶关系", (path.length - 1) + " steps, assistance relations first") }), list]);
    return path;
  }

  /** The entity a name typed in the path form means: the best search hit. */
  function resolveName(text) {
    const hits = gk.search(text, 1);
    return hits.length ? hits[0].id : null;
  }

  function pathFromForm() {
    const a = resolveName(byId("gk-path-from").value), b = resolveName(byId("gk-path-to").value);
    if (!a || !b) {
      fill(panel, [el("h2", { text: T("找不到这个名称", "No entity by that name") }),
        el("p", { className: "gk-sub", text: [byId("gk-path-from").value, byId("gk-path-to").value].join(" ↔ ") })]);
      return;
    }
    showView("graph");
    showPath(a, b);
  }

  /* ------------------------------------------------------------------ selection */

  function selectNode(id, opts) {
    if (!NODE.has(id)) return;
    gk.state.selected = { kind: "node", id: id };
    showNode(id);
    gk.bus.emit("select", { kind: "node", id: id, focus: !!(opts && opts.focus) });
  }

  function selectEdge(id, opts) {
    if (!EDGE.has(id)) return;
    gk.state.selected = { kind: "edge", id: id };
    showEdge(id);
    gk.bus.emit("select", { kind: "edge", id: id, focus: !!(opts && opts.focus) });
  }

  function selectNothing() {
    gk.state.selected = null;
    showOverview();
    gk.bus.emit("select", null);
  }

  /* ------------------------------------------------------------------ details panel */

  const panel = byId("gk-panel");

  function nodeButton(id) {
    return el("button", { className: "gk-link", type: "button", text: f.nodeLabel(id),
      onClick: function () { selectNode(id, { focus: true }); } });
  }

  // What kind of publication a source is and who stands behind its facts (graphkit.model SOURCE_KINDS,
  // REVIEW_STATUSES), as the trusted datasets say of each record.
  const SOURCE_KINDS = { official_notice: ["官方文件", "official notice"], official_media: ["官方媒体", "official media"],
    media: ["媒体", "media"], organisation: ["机构自述", "the organisation itself"] };
  const STATUSES = { curated: ["人工整理", "curated"], reviewed: ["人工审核", "reviewed"], extracted: ["机器提取，待审核", "extracted, not yet reviewed"] };
  function provenance(source) {
    const kind = SOURCE_KINDS[source.kind], status = STATUSES[source.status || "reviewed"];
    return [kind ? T(kind[0], kind[1]) : null, status ? T(status[0], status[1]) : null].filter(Boolean).join(" · ");
  }

  function sourceBlock(sourceId) {
    const source = SOURCES[sourceId] || {};
    const url = f.safeUrl(source.url);
    return el("div", { className: "gk-source" }, [
      el("h3", { text: T("来源 SOURCE", "Source"), style: { margin: "0 0 6px" } }), f.sourceTitle(sourceId, "gk-source-title"),
      f.sourceLine(source) ? el("div", { className: "gk-sub", text: f.sourceLine(source) }) : null,
      el("div", { className: "gk-sub gk-provenance", text: provenance(source) }),
      url ? null : el("div", { className: "gk-sub", text: T("（无原文链接）", "(no link to the article)") }),
    ]);
  }

  function hiddenNote(kind, id) {
    const shown = kind === "node" ? gk.visible.nodes.has(id) : gk.visible.edges.has(id);
    return shown ? null : el("div", { className: "gk-note", text: T("当前筛选条件下，它在图中被隐藏。", "The current filters hide it.") });
  }

  function moneyBox(label, value) {
    return el("div", {}, [el("span", { text: label }), el("b", { text: value ? f.yuanShort(value) : "—" })]);
  }

  function actions(id) {
    const buttons = [
      el("button", { className: "gk-btn gk-small-btn", type: "button", text: T("显示邻域", "Neighbourhood"),
        title: T("只显示它周围 " + gk.state.depth + " 层的实体", "Show only what lies within " + gk.state.depth + " steps"),
        onClick: function () { gk.focusOn([id], gk.state.depth); showView("graph"); selectNode(id); } }),
      el("button", { className: "gk-btn gk-small-btn", type: "button", text: T("展开 +", "Expand +"),
        title: T("把它的邻居加入当前视图（也可双击节点）", "Add its neighbours to the view (or double-click it)"),
        onClick: function () { gk.expand(id); showView("graph"); selectNode(id); } }),
      el("button", { className: "gk-btn gk-small-btn", type: "button", text: T("路径起点", "Path from here"),
        onClick: function () { byId("gk-path-from").value = f.nodeLabel(id); byId("gk-path-to").focus(); } }),
    ];
    if (NODE.get(id).gk.geo) {
      buttons.push(el("button", { className: "gk-btn gk-small-btn", type: "button", text: T("在地图上", "On the map"),
        onClick: function () { showView("map"); selectNode(id); } }));
    }
    return el("div", { className: "gk-actions" }, buttons);
  }

  function showNode(id) {
    const n = NODE.get(id);
    const g = n.gk;
    const style = f.typeStyle(g.type);
    const links = Object.keys(f.LINK_KINDS).filter(function (k) { return g[k] && NODE.has(g[k]); });
    const t = gk.totals(id);
    fill(panel, [
      el("span", { className: "gk-chip" }, [f.dot(style.color), f.term(style) + (g.level ? " · " + (f.LEVELS[g.level] || g.level) : "")]),
      el("h2", { text: f.nodeLabel(id) }),
      gk.lang.current === "en" && g.en ? el("div", { className: "gk-sub", text: n.label }) : null,
      g.aliases && g.aliases.length ? el("div", { className: "gk-sub", text: T("又称 ", "Also ") + g.aliases.join(T("、", ", ")) }) : null,
      actions(id),
      el("div", { className: "gk-money" }, [moneyBox(T("捐出 given", "Given"), t.given), moneyBox(T("收到 received", "Received"), t.received)]),
      t.within ? el("div", { className: "gk-money gk-money-all" }, [
        moneyBox(T("含下辖捐出 incl. within", "Given, incl. within"), t.givenAll), moneyBox(T("含下辖收到 incl. within", "Received, incl. within"), t.receivedAll),
      ]) : null,
      t.within ? el("div", { className: "gk-sub gk-within-note",
        text: T("含下辖：连同其下属的 " + NUM.format(t.within) + " 个地区、机构与人员（每项捐赠只计一次）",
          "Incl. within: with the " + NUM.format(t.within) + " places, bodies and people within it (each gift counted once)") }) : null,
      f.factList(f.nodeFacts(n, ["type", "level", "aliases"]).concat(links.map(function (k) { return [f.LINK_KINDS[k], nodeButton(g[k])]; }))),
      hiddenNote("node", id),
      connectionList(id),
      containedList(id),
      sourcesOf(id),
      el("div", { className: "gk-iri", text: id }),
    ]);
  }

  /** The node's relations, each a link to the edge's details: the start of neighbourhood browsing.
   * From the keyboard: ↑ ↓ move between them, Enter opens one. */
  function connectionList(id) {
    const items = INCIDENT.get(id).filter(f.isEvent);
    if (!items.length) return null;
    const list = el("ul", { className: "gk-list gk-relations", attrs: { role: "list" } });
    items.slice(0, 200).forEach(function (e) {
      const out = e.from === id;
      const other = out ? e.to : e.from;
      const what = [f.term(f.relationStyle(e.gk.relation)), e.gk.amount ? f.yuanShort(e.gk.amount) : f.modeText(e.gk), e.gk.when]
        .filter(Boolean).join(" · ");
      list.append(el("li", { className: f.reviewed(e.gk) ? "" : "gk-extracted" }, [
        f.lineSwatch(e.gk.relation), el("span", { className: "gk-dir", text: out ? "→" : "←" }),
        el("button", { className: "gk-link", type: "button", text: f.nodeLabel(other), dataset: { edge: e.id },
          onClick: function () { selectEdge(e.id, { focus: true }); } }),
        el("span", { className: "gk-what", text: what }),
        f.reviewed(e.gk) ? null : el("span", { className: "gk-badge", text: T("待审核", "unreviewed"), title: T("机器提取，尚未人工审核", "extracted by machine, not yet reviewed") }),
      ]));
    });
    list.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
      const buttons = Array.from(list.querySelectorAll("button"));
      const at = buttons.indexOf(document.activeElement);
      const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + (ev.key === "ArrowDown" ? 1 : -1)))];
      if (next) { ev.preventDefault(); next.focus(); }
    });
    const helpers = items.filter(function (e) { return e.to === id; }).length;
    return el("div", {}, [el("h3", { text: T("关系 RELATIONS（" + items.length + "，其中受助 " + helpers + "）",
      "Relations (" + items.length + ", " + helpers + " received)") }), list]);
  }

  /** What sits within this entity (townships of a county, bureaus of a city), as links. */
  function containedList(id) {
    const inside = INCIDENT.get(id).filter(function (e) { return !f.isEvent(e) && e.to === id; });
    if (!inside.length) return null;
    const list = el("ul", { className: "gk-list gk-inline-list" });
    inside.slice(0, 60).forEach(function (e) {
      list.append(el("li", {}, [f.dot(f.typeStyle(NODE.get(e.from).gk.type).color), nodeButton(e.from)]));
    });
    return el("div", {}, [el("h3", { text: T("下辖/所属 WITHIN（" + inside.length + "）", "Within (" + inside.length + ")") }), list]);
  }

  function sourcesOf(id) {
    const ids = [];
    INCIDENT.get(id).forEach(function (e) {
      if (e.gk.sourceId && ids.indexOf(e.gk.sourceId) < 0) ids.push(e.gk.sourceId);
    });
    if (!ids.length) return null;
    const list = el("ul", { className: "gk-list gk-sources" });
    ids.forEach(function (sid) {
      const s = SOURCES[sid] || {};
      list.append(el("li", {}, [f.sourceTitle(sid), el("span", { className: "gk-what", text: f.sourceLine(s) })]));
    });
    return el("div", {}, [el("h3", { text: T("来源 SOURCES（" + ids.length + "）", "Sources (" + ids.length + ")") }), list]);
  }

  /** The evidence of an event: the sentence that states it (when the articles were at hand at build
   * time, `graphkit build --articles`), else where in the article it stands. */
  function evidence(g) {
    if (g.evidence) {
      return el("figure", { className: "gk-evidence" }, [
        el("blockquote", { text: g.evidence, attrs: { lang: "zh" } }),
        el("figcaption", { className: "gk-sub", text: T("原文，第 " + g.span[0] + "–" + g.span[1] + " 字", "The article, characters " + g.span[0] + "–" + g.span[1]) }),
      ]);
    }
    return g.span ? el("div", { className: "gk-sub", style: { marginTop: "8px" },
      text: T("原文位置：第 " + g.span[0] + "–" + g.span[1] + " 字", "In the article: characters " + g.span[0] + "–" + g.span[1]) }) : null;
  }

  function showEdge(id) {
    const e = EDGE.get(id);
    const g = e.gk;
    const style = f.relationStyle(g.relation);
    const unit = g.unit && g.unit.length ? g.unit.filter(function (id) { return NODE.has(id); }) : null;
    fill(panel, [
      el("span", { className: "gk-chip" }, [f.lineSwatch(g.relation), style.zh + " · " + style.en]),
      f.isEvent(e) && !f.reviewed(g) ? el("span", { className: "gk-badge gk-badge-big", text: T("机器提取 · 待审核", "Extracted · not yet reviewed") }) : null,
      el("div", { className: "gk-route" }, [nodeButton(e.from), el("span", { className: "gk-arrow", text: "→" }),
        nodeButton(e.to)]),
      f.factList(f.eventFacts(g).concat(unit && unit.length ? [[T("派出单位", "Sent by"), el("span", {}, unit.map(nodeButton))]] : [])),
      hiddenNote("edge", id),
      evidence(g),
      g.sourceId ? sourceBlock(g.sourceId) : null,
      g.event ? el("div", { className: "gk-iri", text: g.event }) : null,
    ]);
  }

  /** A group of entities (a place on the map, a province): what is there and what flows. */
  function showGroup(title, subtitle, ids, edgeIds) {
    const list = el("ul", { className: "gk-list" });
    ids.slice(0, 150).forEach(function (id) {
      const g = NODE.get(id).gk;
      const money = (g.given || 0) + (g.received || 0);
      list.append(el("li", {}, [f.dot(f.typeStyle(g.type).color), nodeButton(id),
        el("span", { className: "gk-what", text: money ? f.yuanShort(money) : f.term(f.typeStyle(g.type)) })]));
    });
    const events = el("ul", { className: "gk-list" });
    (edgeIds || []).slice(0, 150).forEach(function (eid) {
      const e = EDGE.get(eid);
      events.append(el("li", {}, [f.lineSwatch(e.gk.relation),
        el("button", { className: "gk-link", type: "button", text: f.nodeLabel(e.from) + " → " + f.nodeLabel(e.to),
          onClick: function () { selectEdge(eid); } }),
        el("span", { className: "gk-what", text: [e.gk.amount ? f.yuanShort(e.gk.amount) : f.term(f.relationStyle(e.gk.relation)), e.gk.when].filter(Boolean).join(" · ") })]));
    });
    fill(panel, [
      el("h2", { text: title }),
      subtitle ? el("div", { className: "gk-sub", text: subtitle }) : null,
      edgeIds && edgeIds.length ? el("div", {}, [el("h3", { text: T("帮扶事件 EVENTS（" + edgeIds.length + "）", "Events (" + edgeIds.length + ")") }), events]) : null,
      ids.length ? el("div", {}, [el("h3", { text: T("实体 ENTITIES（" + ids.length + "）", "Entities (" + ids.length + ")") }), list]) : null,
    ]);
  }

  /** Before anything is selected: how to read the page and who gives and receives the most among
   * what is shown (the top lists follow the filters, as every number does). */
  function showOverview() {
    const sum = gk.summary();
    fill(panel, [
      el("h2", { text: T("概览 Overview", "Overview") }),
      el("div", { className: "gk-intro" }, [
        el("p", { text: T("每个圆点是一个地区、机构或个人，连线是一项帮扶：结对、捐赠或挂职派驻。",
          "Each dot is a place, a body or a person; each line is an act of assistance: a pairing, a donation or a secondment.") }),
        el("p", { text: T("搜索名称、别名或拼音（如 heishui、hsx）查看它的邻域；双击节点展开。左侧的图例也是筛选：关系、类型、年份、省份、金额。",
          "Search a name, alias, pinyin or English name to see its neighbourhood; double-click a dot to expand. The legend on the left filters: relations, types, years, province, mode, amount.") }),
        el("p", { text: T("点击圆点或连线查看详情和新闻来源；顶部切换地图、时间线与表格视图。",
          "Click a dot or a line for details and news sources; switch to the map, timeline and table at the top.") }),
      ]),
      sum.filtered ? el("p", { className: "gk-note gk-filtered-note", text: T("以下排名只计当前筛选显示的事件。", "The rankings below count only the events the filters show.") }) : null,
      topList(T("捐出最多 TOP GIVERS", "Top givers"), sum.given, sum.filtered),
      topList(T("收到最多 TOP RECIPIENTS", "Top recipients"), sum.received, sum.filtered),
    ]);
  }

  function topList(heading, money, filtered) {
    const top = Array.from(money.entries()).filter(function (kv) { return kv[1] > 0; })
      .sort(function (a, b) { return b[1] - a[1] || f.nodeLabel(a[0]).localeCompare(f.nodeLabel(b[0])); }).slice(0, 6);
    if (!top.length) return null;
    const list = el("ul", { className: "gk-list gk-top" });
    top.forEach(function (kv) {
      list.append(el("li", {}, [f.dot(f.typeStyle(NODE.get(kv[0]).gk.type).color), nodeButton(kv[0]),
        el("span", { className: "gk-what", text: f.yuanShort(kv[1]) })]));
    });
    return el("div", {}, [el("h3", { text: heading + (filtered ? T("（筛选后）", " (filtered)") : "") }), list]);
  }

  /* ------------------------------------------------------------------ views and language */

  function showView(name) {
    const tab = document.querySelector('.gk-tab[data-view="' + name + '"]');
    if (!tab || tab.hidden) return;
    gk.view = name;
    document.querySelectorAll(".gk-tab").forEach(function (t) {
      t.setAttribute("aria-selected", t.dataset.view === name ? "true" : "false");
    });
    document.querySelectorAll(".gk-view").forEach(function (v) { v.hidden = v.dataset.view !== name; });
    document.body.dataset.view = name;
    gk.tooltip.hide();
    gk.bus.emit("view", name);
    byId("gk-print-caption").textContent = caption();
  }

  /** Chinese or English: the page's own words, the vocabulary and (where known) entity names. */
  function setLanguage(code) {
    const next = code === "en" ? "en" : "zh";
    if (gk.lang.current === next && document.documentElement.lang) return;
    gk.lang.current = next;
    document.documentElement.lang = next === "en" ? "en" : "zh-CN";
    byId("gk-lang").textContent = next === "en" ? "中文" : "EN";
    gk.relabel();
    buildLegend();
    gk.bus.emit("lang", next);
    const sel = gk.state.selected;
    if (sel && sel.kind === "node") showNode(sel.id);
    else if (sel && sel.kind === "edge") showEdge(sel.id);
    else showOverview();
    renderCounts();
    renderFocus();
  }

  function setupChrome() {
    const main = byId("gk-main");
    const toggle = byId("gk-toggle-left");
    toggle.addEventListener("click", function () {
      const collapsed = main.classList.toggle("gk-left-collapsed");
      toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
      setTimeout(function () { gk.bus.emit("resize"); gk.graphView.redraw(); }, 220);
    });
    byId("gk-fit").addEventListener("click", function () {
      if (gk.view === "graph") gk.graphView.fit(true);
      gk.bus.emit("fit", gk.view);
    });
    document.querySelectorAll(".gk-tab").forEach(function (tab) {
      tab.addEventListener("click", function () { showView(tab.dataset.view); });
    });
    byId("gk-lang").addEventListener("click", function () { setLanguage(gk.lang.current === "en" ? "zh" : "en"); });
    if (gk.served) document.querySelector('.gk-tab[data-view="sparql"]').hidden = false;
    window.addEventListener("resize", function () { gk.bus.emit("resize"); });
  }

  /* ------------------------------------------------------------------ API and start */

  Object.assign(gk, {
    selectNode: selectNode, selectEdge: selectEdge, selectNothing: selectNothing, showView: showView,
    showGroup: showGroup, showOverview: showOverview, findPath: findPath, showPath: showPath,
    setLanguage: setLanguage, caption: caption, syncControls: syncControls,
    setRelation: function (key, on) { toggleIn(gk.state.relations, key, on); syncControls(); gk.applyFilters(); },
    setType: function (key, on) { toggleIn(gk.state.types, key, on); syncControls(); gk.applyFilters(); },
    setYears: function (from, to, undated) {
      gk.state.yearFrom = from; gk.state.yearTo = to;
      if (undated !== undefined) gk.state.undated = undated;
      syncControls(); gk.applyFilters();
    },
    setProvince: function (code) { gk.state.province = code || ""; syncControls(); gk.applyFilters(); },
    setAmount: function (min, max) { gk.state.amountMin = min; gk.state.amountMax = max; syncControls(); gk.applyFilters(); },
    setMode: function (key) { gk.state.mode = key || ""; syncControls(); gk.applyFilters(); },
    setText: function (text) { gk.state.text = (text || "").trim(); syncControls(); gk.applyFilters(); },
    setReviewedOnly: function (on) { gk.state.reviewedOnly = !!on; syncControls(); gk.applyFilters(); },
    resetFilters: resetFilters,
  });

  gk.bus.on("visibility", function () {
    renderCounts(); renderFocus();
    if (!gk.state.selected && gk.ready) showOverview();
  });
  gk.bus.on("view", renderHiddenNote);
  gk.bus.on("focus", renderFocus);

  document.documentElement.lang = "zh-CN";
  buildLegend();
  wireControls();
  setupSearch();
  setupChrome();
  gk.bus.emit("visibility", gk.visible); // computed by the graph view before it drew
  performance.mark("gk:filters");
  showOverview();
  gk.graphView.start();
})();
