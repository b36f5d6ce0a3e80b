/* graphkit explorer — core: data, formatting, state, filters, search and neighbourhoods.
 *
 * Every view (graph, map, timeline, SPARQL) reads the same data and the same state through
 * `window.graphkit`, and redraws on the bus's events:
 *   "visibility" (filters, focus or neighbourhood changed: app.visible = {nodes, edges} Sets of ids),
 *   "select" ({kind: "node"|"edge", id} or null), "view" (the shown view's name), "ready".
 * Data reaches the DOM only through textContent and checked attributes, never innerHTML, so a name
 * like "<img onerror=…>" stays text.
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

  const SVG_NS = "http://www.w3.org/2000/svg";
  /** An SVG element with attributes (values set with setAttribute, so they are never parsed as markup). */
  function svg(tag, attrs, children) {
    const node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    (children || []).forEach(function (child) { if (child) node.append(child); });
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

  performance.mark("gk:start");
  const DATA = JSON.parse(byId("graph-data").textContent);
  // Expand the compact wire format (page.py `page_data`): edge ends by node index, event IRIs by base.
  (function expand() {
    const ids = DATA.nodes.map(function (n) { return n.id; });
    const base = DATA.eventBase || "";
    DATA.edges.forEach(function (e) {
      if (typeof e.from === "number") e.from = ids[e.from];
      if (typeof e.to === "number") e.to = ids[e.to];
      if (e.gk.event !== undefined) e.gk.event = base + e.gk.event;
      if (e.gk.when) e.gk.year = parseInt(e.gk.when.slice(0, 4), 10);
    });
  })();
  performance.mark("gk:parsed");
  const TYPES = indexBy(DATA.entityTypes, "key");
  const RELATIONS = indexBy(DATA.relations, "key");
  const NODE = indexBy(DATA.nodes, "id");
  const EDGE = indexBy(DATA.edges, "id");
  const SOURCES = DATA.sources || {};
  const REGIONS = DATA.regions || {};
  const INCIDENT = new Map(); // node id -> edges touching it, in data order
  DATA.nodes.forEach(function (n) { INCIDENT.set(n.id, []); });
  DATA.edges.forEach(function (e) {
    if (INCIDENT.has(e.from)) INCIDENT.get(e.from).push(e);
    if (INCIDENT.has(e.to) && e.to !== e.from) INCIDENT.get(e.to).push(e);
  });
  const modeMeta = document.querySelector('meta[name="graphkit-mode"]');
  // The SPARQL editor needs both: the served page's CSP (connect-src 'self') and an http(s) origin.
  const SERVED = !!modeMeta && modeMeta.getAttribute("content") === "served" && /^https?:$/.test(location.protocol);

  function typeStyle(key) { return TYPES.get(key) || TYPES.get("Other"); }
  function relationStyle(key) { return RELATIONS.get(key) || { key: key, zh: key, en: key, color: "#999" }; }
  function nodeLabel(id) { const n = NODE.get(id); return n ? n.label : id; }
  function isEvent(e) { return e.gk.relation !== "within"; }

  /* ------------------------------------------------------------------ format */

  const NUM = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });
  // Level and register-link names come from graphkit.vocabulary (the ontology's labels), key -> zh.
  const LEVELS = {};
  DATA.levels.forEach(function (t) { LEVELS[t.key] = t.zh; });
  const LINK_KINDS = {};
  DATA.registerLinks.forEach(function (t) { LINK_KINDS[t.key] = t.zh; });
  const PERIODS = { month: "月", year: "年" };

  /** 150000 → "15 万元": graphkit.money.short, with the rule (units, decimals) from the page data. */
  const MONEY = DATA.money;
  const COMPACT = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: MONEY.decimals });
  function yuanShort(value) {
    for (let i = 0; i < MONEY.units.length; i++) {
      const size = MONEY.units[i][0];
      if (Math.abs(value) >= size) return COMPACT.format(value / size) + " " + MONEY.units[i][1] + "元";
    }
    return COMPACT.format(value) + " 元";
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

  function whenText(gk) {
    if (!gk.when) return null;
    return gk.when + (gk.whenSource ? "（报道日期）" : "");
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
      ["日期", gk.date || (gk.when ? whenText(gk) : null)],
      ["方式", gk.mode],
      ["职务", gk.role],
      ["状态", gk.planned ? "计划中（尚未落实）" : null],
      ["对接/促成", brokersText(gk)],
    ].filter(function (row) { return row[1] !== null && row[1] !== undefined && row[1] !== ""; });
  }

  /** [label, value] rows about an entity; `skip` drops rows another part of the view already shows. */
  function nodeFacts(n, skip) {
    const gk = n.gk;
    const prov = gk.prov && REGIONS[gk.prov] ? REGIONS[gk.prov].name : null;
    const pref = gk.pref && REGIONS[gk.pref] ? REGIONS[gk.pref].name : null;
    const area = [prov, pref].filter(function (x) { return x && x !== n.label; }).join(" › ") || null;
    return [
      ["类型", typeStyle(gk.type).zh],
      ["级别", gk.level ? LEVELS[gk.level] || gk.level : null],
      ["别名", (gk.aliases || []).join("、") || null],
      ["职务", gk.role],
      ["区划代码", gk.adcode],
      ["所在地区", area],
      ["坐标", gk.geo ? gk.geo[0].toFixed(2) + "°E, " + gk.geo[1].toFixed(2) + "°N" +
        (gk.at ? "（取自 " + nodeLabel(gk.at) + "）" : "") : null],
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

  /** A source's title as a link (web URLs only) or as text. */
  function sourceTitle(sourceId, className) {
    const source = SOURCES[sourceId] || {};
    const url = safeUrl(source.url);
    const title = el(url ? "a" : "span", { className: className || "", text: source.title || url || sourceId });
    if (url) { title.href = url; title.target = "_blank"; title.rel = "noopener noreferrer"; }
    return title;
  }

  /* ------------------------------------------------------------------ state and filters */

  const years = DATA.edges.filter(function (e) { return e.gk.year; }).map(function (e) { return e.gk.year; });
  const YEAR_MIN = years.length ? Math.min.apply(null, years) : null;
  const YEAR_MAX = years.length ? Math.max.apply(null, years) : null;

  function defaultState() {
    return {
      relations: new Set(DATA.relations.map(function (r) { return r.key; })),
      types: new Set(DATA.entityTypes.map(function (t) { return t.key; })),
      hideOrphans: true,
      yearFrom: YEAR_MIN, yearTo: YEAR_MAX, undated: true,
      province: "",
      amountMin: null, amountMax: null, // yuan
      focus: null, // {roots: [ids], ids: Set} — the neighbourhood being explored, or null for everything
      depth: 1,
      selected: null,
    };
  }

  const app = {
    data: DATA, bus: bus, ready: false, served: SERVED, view: "graph",
    state: defaultState(),
    visible: { nodes: new Set(), edges: new Set() },
    index: { NODE: NODE, EDGE: EDGE, SOURCES: SOURCES, REGIONS: REGIONS, INCIDENT: INCIDENT, TYPES: TYPES },
    yearRange: [YEAR_MIN, YEAR_MAX],
    util: { el: el, svg: svg, byId: byId, clear: clear, fill: fill, indexBy: indexBy },
    fmt: {
      NUM: NUM, LEVELS: LEVELS, LINK_KINDS: LINK_KINDS, yuanShort: yuanShort, amountText: amountText,
      eventFacts: eventFacts, nodeFacts: nodeFacts, factList: factList, dot: dot, lineSwatch: lineSwatch,
      sourceLine: sourceLine, safeUrl: safeUrl, sourceTitle: sourceTitle, typeStyle: typeStyle,
      relationStyle: relationStyle, nodeLabel: nodeLabel, whenText: whenText, isEvent: isEvent,
    },
  };

  /** Whether an assistance event passes the relation, year, amount, province and type filters. */
  function eventPasses(e, st) {
    const gk = e.gk;
    if (!st.relations.has(gk.relation)) return false;
    const a = NODE.get(e.from), b = NODE.get(e.to);
    if (!a || !b || !st.types.has(a.gk.type) || !st.types.has(b.gk.type)) return false;
    if (gk.year) {
      if ((st.yearFrom !== null && gk.year < st.yearFrom) || (st.yearTo !== null && gk.year > st.yearTo)) return false;
    } else if (!st.undated) {
      return false;
    }
    if ((st.amountMin !== null || st.amountMax !== null) && gk.relation === "donation") {
      if (gk.amount === undefined || gk.amount === null) return false;
      if (st.amountMin !== null && gk.amount < st.amountMin) return false;
      if (st.amountMax !== null && gk.amount > st.amountMax) return false;
    }
    if (st.province && a.gk.prov !== st.province && b.gk.prov !== st.province) return false;
    if (st.focus && !(st.focus.ids.has(e.from) && st.focus.ids.has(e.to))) return false;
    return true;
  }

  /**
   * Which nodes and edges the filters leave: the events that pass, the entities they touch, and the
   * places and units those entities belong to (so a township keeps its county in view). Entities with
   * no visible event are kept when "hide orphans" is off, and always inside an explored neighbourhood.
   */
  function computeVisible() {
    const st = app.state;
    const shownNodes = new Set();
    const shownEdges = new Set();
    const within = [];
    DATA.edges.forEach(function (e) {
      if (!isEvent(e)) { within.push(e); return; }
      if (eventPasses(e, st)) { shownEdges.add(e.id); shownNodes.add(e.from); shownNodes.add(e.to); }
    });
    const typeOk = function (id) { const n = NODE.get(id); return !!n && st.types.has(n.gk.type); };
    const inScope = function (id) {
      if (st.focus) return st.focus.ids.has(id);
      return !st.province || NODE.get(id).gk.prov === st.province;
    };
    if (st.focus) st.focus.ids.forEach(function (id) { if (typeOk(id)) shownNodes.add(id); });
    else if (!st.hideOrphans) DATA.nodes.forEach(function (n) { if (typeOk(n.id) && inScope(n.id)) shownNodes.add(n.id); });
    if (st.relations.has("within")) {
      // Containers of shown entities join them, up the chain (township → county → prefecture …).
      for (let round = 0, changed = true; changed && round < 12; round++) {
        changed = false;
        within.forEach(function (e) {
          if (shownNodes.has(e.from) && !shownNodes.has(e.to) && typeOk(e.to) && inScope(e.to)) {
            shownNodes.add(e.to); changed = true;
          }
        });
      }
      within.forEach(function (e) { if (shownNodes.has(e.from) && shownNodes.has(e.to)) shownEdges.add(e.id); });
    }
    app.visible = { nodes: shownNodes, edges: shownEdges };
    return app.visible;
  }

  /** How many entities "hide orphans" alone keeps off screen: they pass the type and province
   * filters but no visible relation touches them (brokers, for one, have no edge of their own). */
  function hiddenOrphans() {
    const st = app.state;
    if (st.focus || !st.hideOrphans) return 0;
    let count = 0;
    DATA.nodes.forEach(function (n) {
      if (!app.visible.nodes.has(n.id) && st.types.has(n.gk.type) && (!st.province || n.gk.prov === st.province)) count++;
    });
    return count;
  }

  function applyFilters() {
    computeVisible();
    bus.emit("visibility", app.visible);
  }

  /* ------------------------------------------------------------------ neighbourhoods */

  /** Ids within `depth` steps of `roots`, following relations the filters allow (containment too). */
  function neighbourhood(roots, depth) {
    const st = app.state;
    const seen = new Set(roots.filter(function (id) { return NODE.has(id); }));
    let frontier = Array.from(seen);
    for (let d = 0; d < depth; d++) {
      const next = [];
      frontier.forEach(function (id) {
        INCIDENT.get(id).forEach(function (e) {
          if (!st.relations.has(e.gk.relation)) return;
          const other = e.from === id ? e.to : e.from;
          if (!seen.has(other)) { seen.add(other); next.push(other); }
        });
      });
      frontier = next;
    }
    return seen;
  }

  /** Explore from these entities: only their neighbourhood is shown until the focus is cleared. */
  function focusOn(roots, depth, opts) {
    const d = depth === undefined ? app.state.depth : depth;
    app.state.focus = { roots: roots.slice(), ids: neighbourhood(roots, d), depth: d, label: (opts && opts.label) || null };
    applyFilters();
    bus.emit("focus", { added: Array.from(app.state.focus.ids), from: roots[0] || null, reset: true });
  }

  /** Add a node's direct neighbours to the explored neighbourhood (or start one from it). */
  function expand(id) {
    if (!NODE.has(id)) return;
    if (!app.state.focus) { focusOn([id], 1); return; }
    const before = app.state.focus.ids;
    const more = neighbourhood([id], 1);
    const added = [];
    more.forEach(function (x) { if (!before.has(x)) { before.add(x); added.push(x); } });
    applyFilters();
    bus.emit("focus", { added: added, from: id, reset: false });
  }

  function clearFocus() {
    if (!app.state.focus) return;
    app.state.focus = null;
    applyFilters();
    bus.emit("focus", null);
  }

  /* ------------------------------------------------------------------ search */

  let SEARCH_INDEX = null; // built on the first search, not while the page opens
  function searchIndex() {
    if (!SEARCH_INDEX) {
      SEARCH_INDEX = DATA.nodes.map(function (n) {
        return { id: n.id, label: n.label, lower: n.label.toLowerCase(),
          aliases: (n.gk.aliases || []).map(function (a) { return [a, a.toLowerCase()]; }),
          pinyin: n.gk.py || [],
          weight: (n.gk.given || 0) + (n.gk.received || 0) + 1e4 * (n.gk.degree || 0) };
      });
    }
    return SEARCH_INDEX;
  }

  /**
   * Names, aliases and (for Latin input) pinyin: exact, then prefix, then substring matches; pinyin
   * matches the full syllables (heishui) or the initials (hsx). Ties go to the busier entity.
   */
  function searchNodes(query, limit) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const latin = /^[a-z0-9]+$/.test(q.replace(/\s+/g, ""));
    const qp = q.replace(/\s+/g, "");
    const hits = [];
    searchIndex().forEach(function (item) {
      let rank = item.lower === q ? 0 : item.lower.startsWith(q) ? 2 : item.lower.includes(q) ? 5 : 9;
      let alias = null;
      let pinyin = null;
      item.aliases.forEach(function (pair) {
        const r = pair[1] === q ? 1 : pair[1].startsWith(q) ? 3 : pair[1].includes(q) ? 6 : 9;
        if (r < rank) { rank = r; alias = pair[0]; }
      });
      if (latin) {
        item.pinyin.forEach(function (key) {
          const r = key === qp ? 2 : key.startsWith(qp) ? 4 : key.includes(qp) && qp.length > 2 ? 7 : 9;
          if (r < rank) { rank = r; pinyin = key; alias = null; }
        });
      }
      if (rank < 9) hits.push({ id: item.id, label: item.label, alias: alias, pinyin: pinyin, rank: rank, weight: item.weight });
    });
    hits.sort(function (a, b) {
      return a.rank - b.rank || b.weight - a.weight || a.label.length - b.label.length;
    });
    return hits.slice(0, limit || 12);
  }

  /* ------------------------------------------------------------------ totals */

  /** Money a node gave and received, its own and with everything it contains. */
  function totals(id) {
    const gk = NODE.get(id).gk;
    return {
      given: gk.given || 0, received: gk.received || 0,
      givenAll: gk.givenAll === undefined ? null : gk.givenAll,
      receivedAll: gk.receivedAll === undefined ? null : gk.receivedAll,
      within: gk.within || 0,
    };
  }

  Object.assign(app, {
    applyFilters: applyFilters, computeVisible: computeVisible, hiddenOrphans: hiddenOrphans, eventPasses: eventPasses,
    neighbourhood: neighbourhood, focusOn: focusOn, expand: expand, clearFocus: clearFocus,
    search: searchNodes, totals: totals, defaultState: defaultState,
  });
  window.graphkit = app;
  performance.mark("gk:core");
})();
