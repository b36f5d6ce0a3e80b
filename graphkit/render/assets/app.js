/* graphkit explorer — the app: filters (the legend), search, the details panel, views, start-up.
 *
 * `window.graphkit` (built by core.js, extended by each view) is also the page's API for tests and
 * for people at the console: selectNode, selectEdge, setRelation, setType, setYears, setProvince,
 * setAmount, focusOn, expand, clearFocus, showView, search.
 */
(function () {
  "use strict";
  const gk = window.graphkit;
  const DATA = gk.data;
  const { el, byId, clear, fill } = gk.util;
  const f = gk.fmt;
  const { NODE, EDGE, SOURCES, REGIONS, INCIDENT } = gk.index;
  const NUM = f.NUM;

  function toggleIn(set, key, on) { if (on) set.add(key); else set.delete(key); }

  /* ------------------------------------------------------------------ filters = legend */

  function filterRow(idPrefix, style, count, checked, swatch, onChange) {
    const input = el("input", { type: "checkbox", attrs: { id: idPrefix + style.key }, dataset: { key: style.key } });
    input.checked = checked;
    input.addEventListener("change", function () { onChange(style.key, input.checked); });
    const counter = el("span", { className: "gk-count", text: NUM.format(count) });
    const row = el("label", { className: "gk-filter" + (count ? "" : " gk-empty-filter"), title: style.en }, [
      input, swatch, el("span", { className: "gk-name", text: style.zh }), counter,
    ]);
    return row;
  }

  // How many of each relation and type the data holds (the legend shows how many of them are on screen).
  const relCounts = new Map(), typeCounts = new Map();

  function renderFilters() {
    DATA.edges.forEach(function (e) { relCounts.set(e.gk.relation, (relCounts.get(e.gk.relation) || 0) + 1); });
    const relBox = byId("gk-relation-filters");
    DATA.relations.forEach(function (r) {
      relBox.append(filterRow("gk-rel-", r, relCounts.get(r.key) || 0, true, f.lineSwatch(r.key), function (k, on) {
        toggleIn(gk.state.relations, k, on); gk.applyFilters();
      }));
    });
    DATA.nodes.forEach(function (n) { typeCounts.set(n.gk.type, (typeCounts.get(n.gk.type) || 0) + 1); });
    const typeBox = byId("gk-type-filters");
    DATA.entityTypes.forEach(function (t) {
      if (!typeCounts.get(t.key)) return;
      typeBox.append(filterRow("gk-type-", t, typeCounts.get(t.key), true, f.dot(t.color), function (k, on) {
        toggleIn(gk.state.types, k, on); gk.applyFilters();
      }));
    });
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

    // Provinces the entities roll up to, with how many entities each holds.
    const provCounts = new Map();
    DATA.nodes.forEach(function (n) { if (n.gk.prov) provCounts.set(n.gk.prov, (provCounts.get(n.gk.prov) || 0) + 1); });
    const select = byId("gk-province");
    Array.from(provCounts.keys()).sort().forEach(function (code) {
      const region = REGIONS[code];
      const option = el("option", { text: (region ? region.name : code) + "（" + provCounts.get(code) + "）" });
      option.value = code;
      select.append(option);
    });
    select.addEventListener("change", function () { gk.state.province = select.value; gk.applyFilters(); });

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
    syncControls();
  }

  /** Put the controls in line with the state (after reset, or after a change made through the API). */
  function syncControls() {
    const st = gk.state;
    DATA.relations.forEach(function (r) { const b = byId("gk-rel-" + r.key); if (b) b.checked = st.relations.has(r.key); });
    DATA.entityTypes.forEach(function (t) { const b = byId("gk-type-" + t.key); if (b) b.checked = st.types.has(t.key); });
    byId("gk-hide-orphans").checked = st.hideOrphans;
    byId("gk-year-from").value = st.yearFrom === null ? "" : st.yearFrom;
    byId("gk-year-to").value = st.yearTo === null ? "" : st.yearTo;
    byId("gk-undated").checked = st.undated;
    byId("gk-province").value = st.province;
    byId("gk-amount-min").value = st.amountMin === null ? "" : st.amountMin / 1e4;
    byId("gk-amount-max").value = st.amountMax === null ? "" : st.amountMax / 1e4;
  }

  function resetFilters() {
    const fresh = gk.defaultState();
    fresh.focus = gk.state.focus; fresh.depth = gk.state.depth; fresh.selected = gk.state.selected;
    gk.state = fresh;
    syncControls();
    gk.applyFilters();
  }

  /** Legend counts follow the filters: how many of each relation and type are on screen now. */
  function renderCounts() {
    const meta = DATA.meta;
    const vis = gk.visible;
    const box = byId("gk-counts");
    clear(box);
    const parts = [
      [NUM.format(meta.entities), " 个实体"],
      [NUM.format(meta.events), " 项帮扶事件"],
      [NUM.format(meta.sources), " 篇来源"],
    ];
    if (meta.donated) parts.push(["¥" + f.yuanShort(meta.donated).replace(" ", ""), " 捐赠（一次性）"]);
    if (vis.nodes.size !== meta.entities) parts.push(["显示 " + NUM.format(vis.nodes.size), " / " + NUM.format(meta.entities)]);
    parts.forEach(function (part, i) {
      if (i) box.append(el("span", { className: "gk-sep", text: "·" }));
      box.append(el("b", { text: part[0] }), part[1]);
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
      counter.title = shown === total ? "" : "显示 " + NUM.format(shown) + "，共 " + NUM.format(total) + " · shown / in the data";
      row.classList.toggle("gk-empty-filter", !shown);
    });
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
      el("span", { text: NUM.format(orphans) + " 个实体没有可见关系，未画出" }),
      el("button", { className: "gk-link", type: "button", text: "显示", title: "show entities with no visible relation",
        onClick: function () { gk.state.hideOrphans = false; syncControls(); gk.applyFilters(); } }),
    ]);
    box.hidden = false;
  }

  /* ------------------------------------------------------------------ focus bar */

  function renderFocus() {
    const box = byId("gk-focus");
    const focus = gk.state.focus;
    if (!focus) { box.hidden = true; clear(box); return; }
    const name = focus.label || focus.roots.map(f.nodeLabel).slice(0, 3).join("、") + (focus.roots.length > 3 ? " 等" : "");
    fill(box, [
      el("div", { className: "gk-focus-text" }, [
        el("b", { text: "邻域：" }), name,
        el("span", { className: "gk-sub", text: "（" + NUM.format(focus.ids.size) + " 个实体）" }),
      ]),
      el("button", { className: "gk-btn gk-small-btn", type: "button", text: "显示全部",
        onClick: function () { gk.clearFocus(); } }),
    ]);
    box.hidden = false;
  }

  /* ------------------------------------------------------------------ search */

  function setupSearch() {
    const input = byId("gk-search");
    const list = byId("gk-suggestions");
    let hits = [];
    let active = -1;

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }

    function choose(hit) {
      input.value = hit.label;
      close();
      gk.focusOn([hit.id], gk.state.depth);
      selectNode(hit.id, { focus: false });
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
    }

    function render() {
      hits = gk.search(input.value);
      clear(list);
      if (!input.value.trim()) { close(); return; }
      if (!hits.length) list.append(el("li", { className: "gk-s-none", text: "没有匹配的实体" }));
      hits.forEach(function (hit, i) {
        const n = NODE.get(hit.id);
        const meta = f.typeStyle(n.gk.type).zh + (hit.alias ? " · 别名：" + hit.alias : "") +
          (hit.pinyin ? " · " + hit.pinyin : "");
        const li = el("li", { attrs: { role: "option", "aria-selected": "false" }, dataset: { id: hit.id } }, [
          f.dot(f.typeStyle(n.gk.type).color), el("span", { className: "gk-s-name", text: hit.label }),
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
        if (focus && focus.roots.length === 1) gk.focusOn(focus.roots, gk.state.depth);
      });
    });
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

  function sourceBlock(sourceId) {
    const source = SOURCES[sourceId] || {};
    const url = f.safeUrl(source.url);
    return el("div", { className: "gk-source" }, [
      el("h3", { text: "来源 SOURCE", style: { margin: "0 0 6px" } }), f.sourceTitle(sourceId, "gk-source-title"),
      f.sourceLine(source) ? el("div", { className: "gk-sub", text: f.sourceLine(source) }) : null,
      url ? null : el("div", { className: "gk-sub", text: "（无原文链接）" }),
    ]);
  }

  function hiddenNote(kind, id) {
    const shown = kind === "node" ? gk.visible.nodes.has(id) : gk.visible.edges.has(id);
    return shown ? null : el("div", { className: "gk-note", text: "当前筛选条件下，它在图中被隐藏。" });
  }

  function moneyBox(label, value) {
    return el("div", {}, [el("span", { text: label }), el("b", { text: value ? f.yuanShort(value) : "—" })]);
  }

  function actions(id) {
    const buttons = [
      el("button", { className: "gk-btn gk-small-btn", type: "button", text: "显示邻域",
        title: "只显示它周围 " + gk.state.depth + " 层的实体",
        onClick: function () { gk.focusOn([id], gk.state.depth); showView("graph"); selectNode(id); } }),
      el("button", { className: "gk-btn gk-small-btn", type: "button", text: "展开 +",
        title: "把它的邻居加入当前视图（也可双击节点）",
        onClick: function () { gk.expand(id); showView("graph"); selectNode(id); } }),
    ];
    if (NODE.get(id).gk.geo) {
      buttons.push(el("button", { className: "gk-btn gk-small-btn", type: "button", text: "在地图上",
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
      el("span", { className: "gk-chip" }, [f.dot(style.color), style.zh + (g.level ? " · " + (f.LEVELS[g.level] || g.level) : "")]),
      el("h2", { text: n.label }),
      g.aliases && g.aliases.length ? el("div", { className: "gk-sub", text: "又称 " + g.aliases.join("、") }) : null,
      actions(id),
      el("div", { className: "gk-money" }, [moneyBox("捐出 given", t.given), moneyBox("收到 received", t.received)]),
      t.within ? el("div", { className: "gk-money gk-money-all" }, [
        moneyBox("含下辖捐出 incl. within", t.givenAll), moneyBox("含下辖收到 incl. within", t.receivedAll),
      ]) : null,
      t.within ? el("div", { className: "gk-sub gk-within-note",
        text: "含下辖：连同其下属的 " + NUM.format(t.within) + " 个地区、机构与人员（每项捐赠只计一次）" }) : null,
      f.factList(f.nodeFacts(n, ["类型", "级别", "别名"]).concat(links.map(function (k) { return [f.LINK_KINDS[k], nodeButton(g[k])]; }))),
      hiddenNote("node", id),
      connectionList(id),
      containedList(id),
      sourcesOf(id),
      el("div", { className: "gk-iri", text: id }),
    ]);
  }

  /** The node's relations, each a link to the edge's details: the start of neighbourhood browsing. */
  function connectionList(id) {
    const items = INCIDENT.get(id).filter(f.isEvent);
    if (!items.length) return null;
    const list = el("ul", { className: "gk-list" });
    items.slice(0, 200).forEach(function (e) {
      const out = e.from === id;
      const other = out ? e.to : e.from;
      const what = [f.relationStyle(e.gk.relation).zh, e.gk.amount ? f.yuanShort(e.gk.amount) : e.gk.mode, e.gk.when]
        .filter(Boolean).join(" · ");
      list.append(el("li", {}, [
        f.lineSwatch(e.gk.relation), el("span", { className: "gk-dir", text: out ? "→" : "←" }),
        el("button", { className: "gk-link", type: "button", text: f.nodeLabel(other),
          onClick: function () { selectEdge(e.id, { focus: true }); } }),
        el("span", { className: "gk-what", text: what }),
      ]));
    });
    const helpers = items.filter(function (e) { return e.to === id; }).length;
    return el("div", {}, [el("h3", { text: "关系 RELATIONS（" + items.length + "，其中受助 " + helpers + "）" }), list]);
  }

  /** What sits within this entity (townships of a county, bureaus of a city), as links. */
  function containedList(id) {
    const inside = INCIDENT.get(id).filter(function (e) { return !f.isEvent(e) && e.to === id; });
    if (!inside.length) return null;
    const list = el("ul", { className: "gk-list gk-inline-list" });
    inside.slice(0, 60).forEach(function (e) {
      list.append(el("li", {}, [f.dot(f.typeStyle(NODE.get(e.from).gk.type).color), nodeButton(e.from)]));
    });
    return el("div", {}, [el("h3", { text: "下辖/所属 WITHIN（" + inside.length + "）" }), list]);
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
    return el("div", {}, [el("h3", { text: "来源 SOURCES（" + ids.length + "）" }), list]);
  }

  function showEdge(id) {
    const e = EDGE.get(id);
    const g = e.gk;
    const style = f.relationStyle(g.relation);
    const unit = g.unit && g.unit.length ? g.unit.filter(function (id) { return NODE.has(id); }) : null;
    fill(panel, [
      el("span", { className: "gk-chip" }, [f.lineSwatch(g.relation), style.zh + " · " + style.en]),
      el("div", { className: "gk-route" }, [nodeButton(e.from), el("span", { className: "gk-arrow", text: "→" }),
        nodeButton(e.to)]),
      f.factList(f.eventFacts(g).concat(unit && unit.length ? [["派出单位", el("span", {}, unit.map(nodeButton))]] : [])),
      hiddenNote("edge", id),
      g.sourceId ? sourceBlock(g.sourceId) : null,
      g.span ? el("div", { className: "gk-sub", style: { marginTop: "8px" },
        text: "原文位置：第 " + g.span[0] + "–" + g.span[1] + " 字" }) : null,
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
        el("span", { className: "gk-what", text: money ? f.yuanShort(money) : f.typeStyle(g.type).zh })]));
    });
    const events = el("ul", { className: "gk-list" });
    (edgeIds || []).slice(0, 150).forEach(function (eid) {
      const e = EDGE.get(eid);
      events.append(el("li", {}, [f.lineSwatch(e.gk.relation),
        el("button", { className: "gk-link", type: "button", text: f.nodeLabel(e.from) + " → " + f.nodeLabel(e.to),
          onClick: function () { selectEdge(eid); } }),
        el("span", { className: "gk-what", text: [e.gk.amount ? f.yuanShort(e.gk.amount) : f.relationStyle(e.gk.relation).zh, e.gk.when].filter(Boolean).join(" · ") })]));
    });
    fill(panel, [
      el("h2", { text: title }),
      subtitle ? el("div", { className: "gk-sub", text: subtitle }) : null,
      edgeIds && edgeIds.length ? el("div", {}, [el("h3", { text: "帮扶事件 EVENTS（" + edgeIds.length + "）" }), events]) : null,
      ids.length ? el("div", {}, [el("h3", { text: "实体 ENTITIES（" + ids.length + "）" }), list]) : null,
    ]);
  }

  /** Before anything is selected: how to read the page and who gives and receives the most. */
  function showOverview() {
    fill(panel, [
      el("h2", { text: "概览 Overview" }),
      el("div", { className: "gk-intro" }, [
        el("p", { text: "每个圆点是一个地区、机构或个人，连线是一项帮扶：结对、捐赠或挂职派驻。" }),
        el("p", { text: "搜索名称、别名或拼音（如 heishui、hsx）查看它的邻域；双击节点展开。左侧的图例也是筛选：关系、类型、年份、省份、金额。" }),
        el("p", { text: "点击圆点或连线查看详情和新闻来源；顶部切换地图与时间线视图。" }),
      ]),
      topList("捐出最多 TOP GIVERS", "given"),
      topList("收到最多 TOP RECIPIENTS", "received"),
    ]);
  }

  function topList(heading, key) {
    const top = DATA.nodes.filter(function (n) { return n.gk[key] > 0; })
      .sort(function (a, b) { return b.gk[key] - a.gk[key]; }).slice(0, 6);
    if (!top.length) return null;
    const list = el("ul", { className: "gk-list" });
    top.forEach(function (n) {
      list.append(el("li", {}, [f.dot(f.typeStyle(n.gk.type).color), nodeButton(n.id),
        el("span", { className: "gk-what", text: f.yuanShort(n.gk[key]) })]));
    });
    return el("div", {}, [el("h3", { text: heading }), list]);
  }

  /* ------------------------------------------------------------------ views */

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
    if (gk.served) document.querySelector('.gk-tab[data-view="sparql"]').hidden = false;
    window.addEventListener("resize", function () { gk.bus.emit("resize"); });
  }

  /* ------------------------------------------------------------------ API and start */

  Object.assign(gk, {
    selectNode: selectNode, selectEdge: selectEdge, selectNothing: selectNothing, showView: showView,
    showGroup: showGroup, showOverview: showOverview,
    setRelation: function (key, on) { toggleIn(gk.state.relations, key, on); syncControls(); gk.applyFilters(); },
    setType: function (key, on) { toggleIn(gk.state.types, key, on); syncControls(); gk.applyFilters(); },
    setYears: function (from, to, undated) {
      gk.state.yearFrom = from; gk.state.yearTo = to;
      if (undated !== undefined) gk.state.undated = undated;
      syncControls(); gk.applyFilters();
    },
    setProvince: function (code) { gk.state.province = code || ""; syncControls(); gk.applyFilters(); },
    setAmount: function (min, max) { gk.state.amountMin = min; gk.state.amountMax = max; syncControls(); gk.applyFilters(); },
    resetFilters: resetFilters,
  });

  gk.bus.on("visibility", function () { renderCounts(); renderFocus(); });
  gk.bus.on("view", renderHiddenNote);
  gk.bus.on("focus", renderFocus);

  renderFilters();
  setupSearch();
  setupChrome();
  gk.bus.emit("visibility", gk.visible); // computed by the graph view before it drew
  performance.mark("gk:filters");
  showOverview();
  gk.graphView.start();
})();
