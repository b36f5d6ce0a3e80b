/* graphkit explorer — the page script.
 *
 * Reads the graph from the JSON script element #graph-data and builds everything from it:
 * the vis-network view, tooltips, search, filters and the details panel. Data reaches the DOM only
 * through textContent and checked attributes, never innerHTML, so a name like "<img onerror=…>" stays text.
 *
 * Layout of this file: util → data → format → tooltips → view (vis) → filters → search → panel → app.
 * State changes go through a tiny event bus ("filter", "select"), so later views (map, timeline,
 * neighbourhood expansion) can subscribe to the same state instead of reaching into the graph view.
 */
(function () {
  "use strict";

  /* ------------------------------------------------------------------ util */

  /** Create an element; `text` goes through textContent, children may be nodes or strings (as text). */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    const p = props || {};
    if (p.className) node.className = p.className;
    if (p.text !== undefined && p.text !== null) node.textContent = String(p.text);
    if (p.title) node.title = String(p.title);
    if (p.type) node.type = p.type;
    if (p.style) Object.assign(node.style, p.style);
    if (p.dataset) Object.assign(node.dataset, p.dataset);
    if (p.attrs) Object.keys(p.attrs).forEach(function (k) { node.setAttribute(k, String(p.attrs[k])); });
    if (p.onClick) node.addEventListener("click", p.onClick);
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function byId(id) { return document.getElementById(id); }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /** Replace a container's content; null entries (optional sections) are skipped, not shown as "null". */
  function fill(node, children) {
    clear(node);
    children.forEach(function (child) { if (child !== null && child !== undefined) node.append(child); });
  }

  function indexBy(list, key) {
    const map = new Map();
    list.forEach(function (item) { map.set(item[key], item); });
    return map;
  }

  /** A minimal event bus: views subscribe to state changes rather than to each other. */
  const bus = {
    handlers: {},
    on: function (name, fn) { (this.handlers[name] = this.handlers[name] || []).push(fn); },
    emit: function (name, payload) { (this.handlers[name] || []).forEach(function (fn) { fn(payload); }); },
  };

  /* ------------------------------------------------------------------ data */

  const DATA = JSON.parse(byId("graph-data").textContent);
  const TYPES = indexBy(DATA.entityTypes, "key");
  const RELATIONS = indexBy(DATA.relations, "key");
  const NODE = indexBy(DATA.nodes, "id");
  const EDGE = indexBy(DATA.edges, "id");
  const SOURCES = DATA.sources || {};
  const INCIDENT = new Map(); // node id -> edges touching it, in data order
  DATA.nodes.forEach(function (n) { INCIDENT.set(n.id, []); });
  DATA.edges.forEach(function (e) {
    if (INCIDENT.has(e.from)) INCIDENT.get(e.from).push(e);
    if (INCIDENT.has(e.to) && e.to !== e.from) INCIDENT.get(e.to).push(e);
  });

  function typeStyle(key) { return TYPES.get(key) || TYPES.get("Other"); }
  function relationStyle(key) { return RELATIONS.get(key) || { key: key, zh: key, en: key, color: "#999" }; }
  function nodeLabel(id) { const n = NODE.get(id); return n ? n.label : id; }

  /* ------------------------------------------------------------------ format */

  const NUM = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });
  const LEVELS = { province: "省级", prefecture: "地级", county: "县级", district: "区级", township: "乡镇级",
    village: "村级" };
  const PERIODS = { month: "月", year: "年" };
  const LINK_KINDS = { parent: "隶属于", based: "所在地", member: "所属单位" };

  /** 150000 → "15 万元"; readers of Chinese sources think in 万 and 亿. */
  function yuanShort(value) {
    if (value >= 1e8) return NUM.format(value / 1e8) + " 亿元";
    if (value >= 1e4) return NUM.format(value / 1e4) + " 万元";
    return NUM.format(value) + " 元";
  }

  /** The amount as stated: 约 for approximate figures, "/月" for rates, the exact yuan beside 万/亿. */
  function amountText(gk) {
    if (gk.amount === undefined || gk.amount === null) return null;
    let text = (gk.approximate ? "约 " : "") + yuanShort(gk.amount);
    if (gk.period) text += " / " + (PERIODS[gk.period] || gk.period);
    if (gk.amount >= 1e4) text += "（" + NUM.format(gk.amount) + " 元）";
    return text;
  }

  function brokersText(gk) {
    return (gk.brokers || []).map(function (b) { return b.label; }).join("、") || null;
  }

  /** [label, value] rows describing an assistance event, in the order a reader scans them. */
  function eventFacts(gk) {
    if (gk.relation === "within") return [["关系", LINK_KINDS[gk.kind] || gk.kind]];
    return [
      ["金额", amountText(gk)],
      ["原文", gk.statedAs],
      ["物资", gk.items],
      ["数量", gk.quantity],
      ["用途", gk.purpose],
      ["日期", gk.date],
      ["方式", gk.mode],
      ["职务", gk.role],
      ["状态", gk.planned ? "计划中（尚未落实）" : null],
      ["对接/促成", brokersText(gk)],
    ].filter(function (row) { return row[1] !== null && row[1] !== undefined && row[1] !== ""; });
  }

  /** [label, value] rows about an entity; `skip` drops rows another part of the view already shows. */
  function nodeFacts(n, skip) {
    const gk = n.gk;
    return [
      ["类型", typeStyle(gk.type).zh],
      ["级别", gk.level ? LEVELS[gk.level] || gk.level : null],
      ["别名", (gk.aliases || []).join("、") || null],
      ["职务", gk.role],
      ["区划代码", gk.adcode],
    ].filter(function (row) { return row[1] && (skip || []).indexOf(row[0]) < 0; });
  }

  function factList(rows) {
    const dl = el("dl", { className: "gk-facts" });
    rows.forEach(function (row) {
      dl.append(el("dt", { text: row[0] }), el("dd", {}, [row[1]]));
    });
    return dl;
  }

  function dot(color) { return el("span", { className: "gk-dot", style: { background: color } }); }

  function lineSwatch(relation) {
    const style = relationStyle(relation);
    const kind = relation === "secondment" ? " gk-dashed" : relation === "within" ? " gk-dotted" : "";
    return el("span", { className: "gk-line" + kind, style: { borderTopColor: style.color } });
  }

  function sourceLine(source) {
    return [source.publisher, source.date].filter(Boolean).join(" · ");
  }

  /** Only web links become clickable; anything else (javascript:, data:) stays plain text. */
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  /* ------------------------------------------------------------------ tooltips (hover) */

  function nodeTooltip(n) {
    const gk = n.gk;
    const style = typeStyle(gk.type);
    const rows = nodeFacts(n, ["类型"]);
    if (gk.given) rows.push(["捐出", yuanShort(gk.given)]);
    if (gk.received) rows.push(["收到", yuanShort(gk.received)]);
    return el("div", { className: "gk-tip" }, [
      el("div", { className: "gk-tip-head" }, [dot(style.color), style.zh]),
      el("div", { className: "gk-tip-title", text: n.label }),
      rows.length ? factList(rows) : null,
    ]);
  }

  function edgeTooltip(e) {
    const gk = e.gk;
    const style = relationStyle(gk.relation);
    const source = SOURCES[gk.sourceId];
    return el("div", { className: "gk-tip" }, [
      el("div", { className: "gk-tip-head" }, [lineSwatch(gk.relation), style.zh]),
      el("div", { className: "gk-tip-title", text: nodeLabel(e.from) + " → " + nodeLabel(e.to) }),
      factList(eventFacts(gk)),
      source ? el("div", { className: "gk-tip-source" }, [
        "来源：" + (source.title || gk.sourceId) + (source.publisher ? " · " + source.publisher : ""),
      ]) : null,
    ]);
  }

  /* ------------------------------------------------------------------ view: the vis network */

  const nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    return Object.assign({}, n, { title: nodeTooltip(n) });
  }));
  const edges = new vis.DataSet(DATA.edges.map(function (e) {
    return Object.assign({}, e, { title: edgeTooltip(e) });
  }));
  const container = byId("gk-network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);

  const app = {
    data: DATA, network: network, nodes: nodes, edges: edges, bus: bus, ready: false,
    state: {
      relations: new Set(DATA.relations.map(function (r) { return r.key; })),
      types: new Set(DATA.entityTypes.map(function (t) { return t.key; })),
      hideOrphans: true,
      selected: null,
    },
  };

  /** Fit the view to what the filters leave visible (hidden nodes keep positions but should not shrink it). */
  function fitVisible(animate) {
    const ids = nodes.getIds({ filter: function (n) { return !n.hidden; } });
    network.fit({ nodes: ids, // an empty list means every node
      animation: animate ? { duration: 500, easingFunction: "easeInOutQuad" } : false });
  }

  function markReady() {
    if (app.ready) return;
    app.ready = true;
    byId("gk-progress").hidden = true;
    document.body.dataset.ready = "true";
    bus.emit("ready", app);
  }

  /** Physics only until the layout settles, then frozen: nothing keeps wobbling while people read. */
  function startLayout() {
    if (!DATA.nodes.length) {
      byId("gk-empty").hidden = false;
      markReady();
      return;
    }
    if (DATA.meta.layout !== "physics") {
      fitVisible(false);
      network.once("afterDrawing", markReady);
      return;
    }
    const progress = byId("gk-progress");
    const bar = progress.querySelector("i");
    progress.hidden = false;
    network.on("stabilizationProgress", function (p) {
      bar.style.width = Math.round((100 * p.iterations) / Math.max(p.total, 1)) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false });
      fitVisible(false);
      markReady();
    });
  }

  network.on("click", function (params) {
    if (params.nodes.length) selectNode(params.nodes[0], { focus: false });
    else if (params.edges.length) selectEdge(params.edges[0]);
    else { app.state.selected = null; showOverview(); bus.emit("select", null); }
  });

  /* ------------------------------------------------------------------ filters */

  /** Hide edges of unchecked relations or touching unchecked types; then (optionally) stranded nodes. */
  function applyFilters() {
    const st = app.state;
    const visibleDegree = new Map();
    const edgeUpdates = [];
    DATA.edges.forEach(function (e) {
      const show = st.relations.has(e.gk.relation) && st.types.has(NODE.get(e.from).gk.type) &&
        st.types.has(NODE.get(e.to).gk.type);
      if (show) {
        visibleDegree.set(e.from, (visibleDegree.get(e.from) || 0) + 1);
        visibleDegree.set(e.to, (visibleDegree.get(e.to) || 0) + 1);
      }
      edgeUpdates.push({ id: e.id, hidden: !show });
    });
    const nodeUpdates = DATA.nodes.map(function (n) {
      const hide = !st.types.has(n.gk.type) || (st.hideOrphans && !visibleDegree.get(n.id));
      return { id: n.id, hidden: hide };
    });
    edges.update(edgeUpdates);
    nodes.update(nodeUpdates);
    renderCounts();
    bus.emit("filter", st);
  }

  function filterRow(idPrefix, style, count, checked, swatch, onChange) {
    const input = el("input", { type: "checkbox", attrs: { id: idPrefix + style.key }, dataset: { key: style.key } });
    input.checked = checked;
    input.addEventListener("change", function () { onChange(style.key, input.checked); });
    return el("label", { className: "gk-filter" + (count ? "" : " gk-empty-filter"), title: style.en }, [
      input, swatch, el("span", { className: "gk-name", text: style.zh }),
      el("span", { className: "gk-count", text: NUM.format(count) }),
    ]);
  }

  function toggleIn(set, key, on) { if (on) set.add(key); else set.delete(key); }

  function renderFilters() {
    const relCounts = new Map();
    DATA.edges.forEach(function (e) { relCounts.set(e.gk.relation, (relCounts.get(e.gk.relation) || 0) + 1); });
    const relBox = byId("gk-relation-filters");
    DATA.relations.forEach(function (r) {
      relBox.append(filterRow("gk-rel-", r, relCounts.get(r.key) || 0, true, lineSwatch(r.key), function (k, on) {
        toggleIn(app.state.relations, k, on); applyFilters();
      }));
    });
    const typeCounts = new Map();
    DATA.nodes.forEach(function (n) { typeCounts.set(n.gk.type, (typeCounts.get(n.gk.type) || 0) + 1); });
    const typeBox = byId("gk-type-filters");
    DATA.entityTypes.forEach(function (t) {
      if (!typeCounts.get(t.key)) return;
      typeBox.append(filterRow("gk-type-", t, typeCounts.get(t.key), true, dot(t.color), function (k, on) {
        toggleIn(app.state.types, k, on); applyFilters();
      }));
    });
    const orphans = byId("gk-hide-orphans");
    orphans.checked = app.state.hideOrphans;
    orphans.addEventListener("change", function () { app.state.hideOrphans = orphans.checked; applyFilters(); });
  }

  function renderCounts() {
    const meta = DATA.meta;
    const shown = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
    const box = byId("gk-counts");
    clear(box);
    const parts = [
      [NUM.format(meta.entities), " 个实体"],
      [NUM.format(meta.events), " 项帮扶事件"],
      [NUM.format(meta.sources), " 篇来源"],
    ];
    if (meta.donated) parts.push(["¥" + yuanShort(meta.donated).replace(" ", ""), " 捐赠（一次性）"]);
    if (shown !== meta.entities) parts.push(["显示 " + NUM.format(shown), " / " + NUM.format(meta.entities)]);
    parts.forEach(function (part, i) {
      if (i) box.append(el("span", { className: "gk-sep", text: "·" }));
      box.append(el("b", { text: part[0] }), part[1]);
    });
  }

  /* ------------------------------------------------------------------ search */

  const SEARCH_INDEX = DATA.nodes.map(function (n) {
    return { id: n.id, label: n.label, lower: n.label.toLowerCase(),
      aliases: (n.gk.aliases || []).map(function (a) { return [a, a.toLowerCase()]; }),
      weight: (n.gk.given || 0) + (n.gk.received || 0) + (n.gk.degree || 0) };
  });

  /** Substring search over names and aliases; exact and prefix hits first, then the busier entity. */
  function searchNodes(query, limit) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    SEARCH_INDEX.forEach(function (item) {
      let rank = item.lower === q ? 0 : item.lower.startsWith(q) ? 2 : item.lower.includes(q) ? 4 : 9;
      let alias = null;
      item.aliases.forEach(function (pair) {
        const r = pair[1] === q ? 1 : pair[1].startsWith(q) ? 3 : pair[1].includes(q) ? 5 : 9;
        if (r < rank) { rank = r; alias = pair[0]; }
      });
      if (rank < 9) hits.push({ id: item.id, label: item.label, alias: alias, rank: rank, weight: item.weight });
    });
    hits.sort(function (a, b) {
      return a.rank - b.rank || b.weight - a.weight || a.label.length - b.label.length;
    });
    return hits.slice(0, limit || 12);
  }

  function setupSearch() {
    const input = byId("gk-search");
    const list = byId("gk-suggestions");
    let hits = [];
    let active = -1;

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }

    function choose(hit) {
      input.value = hit.label;
      close();
      selectNode(hit.id, { focus: true });
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
    }

    function render() {
      hits = searchNodes(input.value);
      clear(list);
      if (!input.value.trim()) { close(); return; }
      if (!hits.length) list.append(el("li", { className: "gk-s-none", text: "没有匹配的实体" }));
      hits.forEach(function (hit, i) {
        const n = NODE.get(hit.id);
        const meta = typeStyle(n.gk.type).zh + (hit.alias ? " · 别名：" + hit.alias : "");
        const li = el("li", { attrs: { role: "option", "aria-selected": "false" }, dataset: { id: hit.id } }, [
          dot(typeStyle(n.gk.type).color), el("span", { className: "gk-s-name", text: hit.label }),
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
  }

  /* ------------------------------------------------------------------ selection */

  function isHidden(dataset, id) { const item = dataset.get(id); return !item || item.hidden === true; }

  /** Select a node, show it in the panel and (from search) fly to it. */
  function selectNode(id, opts) {
    if (!NODE.has(id)) return;
    app.state.selected = { kind: "node", id: id };
    if (!isHidden(nodes, id)) {
      network.selectNodes([id], true);
      if (opts && opts.focus) {
        network.focus(id, { scale: Math.max(network.getScale(), 1.15),
          animation: { duration: 650, easingFunction: "easeInOutQuad" } });
      }
    } else {
      network.unselectAll();
    }
    showNode(id);
    bus.emit("select", app.state.selected);
  }

  /** Select an edge and show its event; from the panel's lists also bring both ends into view. */
  function selectEdge(id, opts) {
    if (!EDGE.has(id)) return;
    const e = EDGE.get(id);
    app.state.selected = { kind: "edge", id: id };
    if (!isHidden(edges, id)) {
      network.selectEdges([id]);
      if (opts && opts.focus) {
        network.fit({ nodes: [e.from, e.to], maxZoomLevel: 1.4,
          animation: { duration: 650, easingFunction: "easeInOutQuad" } });
      }
    } else {
      network.unselectAll();
    }
    showEdge(id);
    bus.emit("select", app.state.selected);
  }

  /* ------------------------------------------------------------------ details panel */

  const panel = byId("gk-panel");

  function nodeButton(id) {
    return el("button", { className: "gk-link", type: "button", text: nodeLabel(id),
      onClick: function () { selectNode(id, { focus: true }); } });
  }

  function sourceBlock(sourceId) {
    const source = SOURCES[sourceId] || {};
    const url = safeUrl(source.url);
    let title;
    if (url) {
      title = el("a", { className: "gk-source-title", text: source.title || url });
      title.href = url;
      title.target = "_blank";
      title.rel = "noopener noreferrer";
    } else {
      title = el("span", { className: "gk-source-title", text: source.title || sourceId });
    }
    return el("div", { className: "gk-source" }, [
      el("h3", { text: "来源 SOURCE", style: { margin: "0 0 6px" } }), title,
      sourceLine(source) ? el("div", { className: "gk-sub", text: sourceLine(source) }) : null,
      url ? null : el("div", { className: "gk-sub", text: "（无原文链接）" }),
    ]);
  }

  function hiddenNote(dataset, id) {
    return isHidden(dataset, id) ? el("div", { className: "gk-note", text: "当前筛选条件下，它在图中被隐藏。" }) : null;
  }

  function showNode(id) {
    const n = NODE.get(id);
    const gk = n.gk;
    const style = typeStyle(gk.type);
    const links = Object.keys(LINK_KINDS).filter(function (k) { return gk[k] && NODE.has(gk[k]); });
    fill(panel, [
      el("span", { className: "gk-chip" }, [dot(style.color), style.zh + (gk.level ? " · " + (LEVELS[gk.level] || gk.level) : "")]),
      el("h2", { text: n.label }),
      gk.aliases && gk.aliases.length ? el("div", { className: "gk-sub", text: "又称 " + gk.aliases.join("、") }) : null,
      el("div", { className: "gk-money" }, [
        el("div", {}, [el("span", { text: "捐出 given" }), el("b", { text: gk.given ? yuanShort(gk.given) : "—" })]),
        el("div", {}, [el("span", { text: "收到 received" }), el("b", { text: gk.received ? yuanShort(gk.received) : "—" })]),
      ]),
      factList(nodeFacts(n, ["类型", "级别"]).concat(links.map(function (k) { return [LINK_KINDS[k], nodeButton(gk[k])]; }))),
      hiddenNote(nodes, id),
      connectionList(id),
      sourcesOf(id),
      el("div", { className: "gk-iri", text: id }),
    ]);
  }

  /** The node's relations, each a link to the edge's details: the start of neighbourhood browsing. */
  function connectionList(id) {
    const items = INCIDENT.get(id).filter(function (e) { return e.gk.relation !== "within"; });
    if (!items.length) return null;
    const list = el("ul", { className: "gk-list" });
    items.forEach(function (e) {
      const out = e.from === id;
      const other = out ? e.to : e.from;
      const what = [relationStyle(e.gk.relation).zh, amountText(e.gk) ? yuanShort(e.gk.amount) : e.gk.mode]
        .filter(Boolean).join(" · ");
      list.append(el("li", {}, [
        lineSwatch(e.gk.relation), el("span", { className: "gk-dir", text: out ? "→" : "←" }),
        el("button", { className: "gk-link", type: "button", text: nodeLabel(other),
          onClick: function () { selectEdge(e.id, { focus: true }); } }),
        el("span", { className: "gk-what", text: what }),
      ]));
    });
    return el("div", {}, [el("h3", { text: "关系 RELATIONS（" + items.length + "）" }), list]);
  }

  function sourcesOf(id) {
    const ids = [];
    INCIDENT.get(id).forEach(function (e) {
      if (e.gk.sourceId && ids.indexOf(e.gk.sourceId) < 0) ids.push(e.gk.sourceId);
    });
    if (!ids.length) return null;
    const list = el("ul", { className: "gk-list" });
    ids.forEach(function (sid) {
      const s = SOURCES[sid] || {};
      const url = safeUrl(s.url);
      const title = el(url ? "a" : "span", { text: s.title || sid });
      if (url) { title.href = url; title.target = "_blank"; title.rel = "noopener noreferrer"; }
      list.append(el("li", {}, [title, el("span", { className: "gk-what", text: sourceLine(s) })]));
    });
    return el("div", {}, [el("h3", { text: "来源 SOURCES（" + ids.length + "）" }), list]);
  }

  function showEdge(id) {
    const e = EDGE.get(id);
    const gk = e.gk;
    const style = relationStyle(gk.relation);
    fill(panel, [
      el("span", { className: "gk-chip" }, [lineSwatch(gk.relation), style.zh + " · " + style.en]),
      el("div", { className: "gk-route" }, [nodeButton(e.from), el("span", { className: "gk-arrow", text: "→" }),
        nodeButton(e.to)]),
      factList(eventFacts(gk)),
      hiddenNote(edges, id),
      gk.sourceId ? sourceBlock(gk.sourceId) : null,
      gk.span ? el("div", { className: "gk-sub", style: { marginTop: "8px" },
        text: "原文位置：第 " + gk.span[0] + "–" + gk.span[1] + " 字" }) : null,
      gk.event ? el("div", { className: "gk-iri", text: gk.event }) : null,
    ]);
  }

  /** Before anything is selected: how to read the page and who gives and receives the most. */
  function showOverview() {
    fill(panel, [
      el("h2", { text: "概览 Overview" }),
      el("div", { className: "gk-intro" }, [
        el("p", { text: "每个圆点是一个地区、机构或个人，连线是一项帮扶：结对、捐赠或挂职派驻。" }),
        el("p", { text: "在左侧搜索名称或别名，勾选关系与实体类型进行筛选；点击圆点或连线查看详情和新闻来源。" }),
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
      list.append(el("li", {}, [dot(typeStyle(n.gk.type).color), nodeButton(n.id),
        el("span", { className: "gk-what", text: yuanShort(n.gk[key]) })]));
    });
    return el("div", {}, [el("h3", { text: heading }), list]);
  }

  /* ------------------------------------------------------------------ app */

  function setupChrome() {
    const main = byId("gk-main");
    const toggle = byId("gk-toggle-left");
    toggle.addEventListener("click", function () {
      const collapsed = main.classList.toggle("gk-left-collapsed");
      toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
      setTimeout(function () { network.redraw(); }, 220);
    });
    byId("gk-fit").addEventListener("click", function () { fitVisible(true); });
  }

  Object.assign(app, {
    selectNode: selectNode, selectEdge: selectEdge, search: searchNodes, applyFilters: applyFilters,
    setRelation: function (key, on) {
      toggleIn(app.state.relations, key, on);
      const box = byId("gk-rel-" + key); if (box) box.checked = on;
      applyFilters();
    },
    setType: function (key, on) {
      toggleIn(app.state.types, key, on);
      const box = byId("gk-type-" + key); if (box) box.checked = on;
      applyFilters();
    },
  });
  window.graphkit = app;

  renderFilters();
  setupSearch();
  setupChrome();
  applyFilters();
  showOverview();
  startLayout();
})();
