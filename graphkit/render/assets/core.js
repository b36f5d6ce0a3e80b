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

  /* The spreadsheet rule is graphkit.results.spreadsheet_cell's, read from the page data: a cell that
   * a spreadsheet would run as a formula (=, +, -, @ …, but not a number) is written with a quote. */
  function spreadsheetCell(s) {
    const rule = DATA.csv;
    return s && rule.formulaStarts.indexOf(s[0]) >= 0 && !new RegExp(rule.number).test(s) ? "'" + s : s;
  }

  /** CSV text (RFC 4180, CRLF) of a header row and rows of plain values, every cell formula-safe. */
  function csvText(header, rows) {
    const quote = function (value) {
      const s = spreadsheetCell(value === undefined || value === null ? "" : String(value));
      return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    return [header].concat(rows).map(function (row) { return row.map(quote).join(","); }).join("\r\n") + "\r\n";
  }

  /** Save a Blob as a file: a link with `download`, clicked (no server, no popup). */
  function download(blob, name) {
    const a = el("a", { attrs: { download: name } });
    a.href = URL.createObjectURL(blob);
    document.body.append(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  /**
   * A table whose columns sort on a click of their header (again: the other way). `columns`:
   * [{label, value(row) -> sortable value, cell(row) -> node or text, numeric}]; `onRow(row, tr)`.
   */
  function sortableTable(columns, rows, opts) {
    const o = opts || {};
    const table = el("table", { className: "gk-table" + (o.className ? " " + o.className : "") });
    const tbody = el("tbody");
    const order = { column: o.sortBy === undefined ? -1 : o.sortBy, descending: !!o.descending };
    const heads = columns.map(function (col, i) {
      const th = el("th", { attrs: { scope: "col", "aria-sort": "none" }, className: col.numeric ? "gk-num" : "" }, [
        el("button", { className: "gk-th", type: "button", text: col.label, onClick: function () { sortBy(i); } }),
      ]);
      return th;
    });
    table.append(el("thead", {}, [el("tr", {}, heads)]), tbody);
    function compare(a, b) {
      if (a === b) return 0;
      if (a === null || a === undefined || a === "") return 1; // blanks last, either way
      if (b === null || b === undefined || b === "") return -1;
      return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b), "zh-CN");
    }
    function render() {
      const list = rows.slice();
      if (order.column >= 0) {
        const col = columns[order.column];
        list.sort(function (x, y) {
          const a = col.value(x), b = col.value(y);
          const blank = function (v) { return v === null || v === undefined || v === ""; };
          if (blank(a) || blank(b)) return compare(a, b);
          return order.descending ? compare(b, a) : compare(a, b);
        });
      }
      heads.forEach(function (th, i) {
        th.setAttribute("aria-sort", i !== order.column ? "none" : order.descending ? "descending" : "ascending");
      });
      clear(tbody);
      const limit = o.limit || list.length;
      list.slice(0, limit).forEach(function (row) {
        const tr = el("tr", {}, columns.map(function (col) {
          const content = col.cell ? col.cell(row) : col.value(row);
          return el("td", { className: col.numeric ? "gk-num" : "" },
            [content === null || content === undefined ? "" : typeof content === "object" ? content : String(content)]);
        }));
        if (o.onRow) o.onRow(row, tr);
        tbody.append(tr);
      });
      if (o.onRender) o.onRender(list);
    }
    function sortBy(i) {
      order.descending = order.column === i ? !order.descending : !!columns[i].numeric;
      order.column = i;
      render();
    }
    render();
    table.sortBy = function (i, descending) { order.column = i; order.descending = !!descending; render(); };
    return table;
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
  // Expand the compact wire format (page.py `page_data`): an edge's id is its place, its width is in
  // `widths`, its ends and event are named without the IRIs' common beginnings.
  (function expand() {
    const nodeBase = DATA.nodeBase || "", eventBase = DATA.eventBase || "", widths = DATA.widths || [];
    DATA.edges.forEach(function (e, i) {
      e.id = "e" + i;
      e.from = nodeBase + e.from;
      e.to = nodeBase + e.to;
      if (widths[i] !== undefined && widths[i] !== null) e.width = widths[i];
      if (e.gk.event !== undefined) e.gk.event = eventBase + e.gk.event;
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

  /* ------------------------------------------------------------------ language */

  // The interface speaks Chinese or English (the toggle in the header; `lang` in the permalink).
  // Strings are written where they are used, both languages side by side: T("捐赠", "donations").
  // Vocabulary terms (types, relations, levels, modes) carry both labels in the page data; names
  // are the register's name_en where known, the Chinese name otherwise.
  const lang = { current: "zh" };
  function T(zh, en) { return lang.current === "en" ? en : zh; }
  function term(style) { return style ? (lang.current === "en" ? style.en : style.zh) : ""; }
  function nodeLabel(id) {
    const n = NODE.get(id);
    if (!n) return id;
    return lang.current === "en" && n.gk.en ? n.gk.en : n.label;
  }
  function isEvent(e) { return e.gk.relation !== "within"; }

  /* ------------------------------------------------------------------ format */

  const NUM = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });
  // Level, register-link and mode names come from graphkit.vocabulary (the ontology's labels).
  const LEVEL_TERMS = indexBy(DATA.levels, "key");
  const LINK_TERMS = indexBy(DATA.registerLinks, "key");
  const MODES = indexBy(DATA.modes || [], "key");
  const LEVELS = {}; // key -> label in the current language (read through levelName / linkName)
  const LINK_KINDS = {};
  function relabel() {
    LEVEL_TERMS.forEach(function (t, k) { LEVELS[k] = term(t); });
    LINK_TERMS.forEach(function (t, k) { LINK_KINDS[k] = term(t); });
  }
  relabel();
  const PERIODS = { month: ["月", "month"], year: ["年", "year"] };
  function periodText(period) { const p = PERIODS[period]; return p ? T(p[0], p[1]) : period; }

  /** 150000 → "15 万元": graphkit.money.short, with the rule (units, decimals) from the page data. */
  const MONEY = DATA.money;
  const COMPACT = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: MONEY.decimals });
  const COMPACT_EN = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
  function yuanShort(value) {
    if (lang.current === "en") { // ¥1.5 million: English readers count in thousands
      const units = [[1e9, " billion"], [1e6, " million"]];
      for (let i = 0; i < units.length; i++) {
        if (Math.abs(value) >= units[i][0]) return "¥" + COMPACT_EN.format(value / units[i][0]) + units[i][1];
      }
      return "¥" + COMPACT_EN.format(value);
    }
    for (let i = 0; i < MONEY.units.length; i++) {
      const size = MONEY.units[i][0];
      if (Math.abs(value) >= size) return COMPACT.format(value / size) + " " + MONEY.units[i][1] + "元";
    }
    return COMPACT.format(value) + " 元";
  }
  /** The amount as stated: 约 for approximate figures, "/月" for rates, the exact yuan beside 万/亿. */
  function amountText(gk) {
    if (gk.amount === undefined || gk.amount === null) return null;
    let text = (gk.approximate ? T("约 ", "about ") : "") + yuanShort(gk.amount);
    if (gk.period) text += " / " + periodText(gk.period);
    if (lang.current === "en" ? gk.amount >= 1e6 : gk.amount >= 1e4) text += T("（" + NUM.format(gk.amount) + " 元）", " (¥" + NUM.format(gk.amount) + ")");
    return text;
  }

  function brokersText(gk) {
    return (gk.brokers || []).map(function (b) { return NODE.has(b.id) ? nodeLabel(b.id) : b.label; }).join(T("、", ", ")) || null;
  }

  function whenText(gk) {
    if (!gk.when) return null;
    return gk.when + (gk.whenSource ? T("（报道日期）", " (article date)") : "");
  }

  const FIGURES = new Map(DATA.figures.map(function (t) { return [t.key, t]; }));
  /** What kind of figure a donation's amount is, when it is not a gift (graphkit.vocabulary.FIGURES),
   * and whether totals leave it out: an amount they add carries `counted` (graphkit.model.counted). */
  function figureText(gk) {
    const key = gk.figure || (gk.planned && gk.relation === "donation" ? "pledge" : null);
    const kind = key && key !== "gift" ? FIGURES.get(key) : null;
    if (!kind) return null;
    const left = gk.amount && gk.counted === undefined;
    return T(kind.zh + (left ? "，不计入汇总" : ""), kind.en + (left ? ", not in totals" : ""));
  }

  /** When a pairing holds: 2010–2020, 2016 起, or 截至 2019 (graphkit's validFrom / validTo / asOf). */
  function validityText(gk) {
    if (gk.validFrom || gk.validTo) return (gk.validFrom || "…") + " – " + (gk.validTo || T("至今", "now"));
    return gk.asOf ? T("截至 ", "as of ") + gk.asOf : null;
  }

  /** The years a pairing holds, [from, to] (either may be null: open), as the build worked them out
   *  by graphkit's one rule (gk:inForceFrom / gk:inForceTo, graphkit.model.years_in_force); null when
   *  the build gave it none (an undated pairing, or another relation). */
  function validYears(gk) {
    const from = typeof gk.inForceFrom === "number" ? gk.inForceFrom : null;
    const to = typeof gk.inForceTo === "number" ? gk.inForceTo : null;
    return from === null && to === null ? null : [from, to];
  }

  function modeText(gk) {
    const mode = MODES.get(gk.modeKey);
    return mode && lang.current === "en" ? mode.en : gk.mode || null;
  }

  /** Whether a person stands behind the event's source (curated or reviewed), or it is only extracted. */
  function reviewed(gk) {
    const source = SOURCES[gk.sourceId];
    return !source || !source.status || source.status !== "extracted";
  }

  /** [label, value] rows describing an assistance event, in the order a reader scans them. */
  function eventFacts(gk) {
    if (gk.relation === "within") return [[T("关系", "Relation"), LINK_KINDS[gk.kind] || gk.kind]];
    return [
      [T("金额", "Amount"), amountText(gk)],
      [T("原文", "As stated"), gk.statedAs],
      [T("物资", "Items"), gk.items],
      [T("数量", "Quantity"), gk.quantity],
      [T("用途", "Purpose"), gk.purpose],
      [T("日期", "Date"), gk.date || (gk.when ? whenText(gk) : null)],
      [T("方式", "Mode"), modeText(gk)],
      [T("职务", "Post"), gk.role],
      [T("状态", "Status"), gk.planned ? T("计划中（尚未落实）", "planned (not yet carried out)") : null],
      [T("金额性质", "Figure"), figureText(gk)],
      [T("有效期", "In force"), validityText(gk)],
      [T("对接/促成", "Brokered by"), brokersText(gk)],
      [T("审核", "Review"), reviewed(gk) ? null : T("机器提取，尚未人工审核", "extracted by machine, not yet reviewed")],
    ].filter(function (row) { return row[1] !== null && row[1] !== undefined && row[1] !== ""; });
  }

  /** [label, value] rows about an entity; `skip` drops rows another part of the view already shows. */
  function nodeFacts(n, skip) {
    const gk = n.gk;
    const prov = gk.prov && REGIONS[gk.prov] ? regionName(gk.prov) : null;
    const pref = gk.pref && REGIONS[gk.pref] ? regionName(gk.pref) : null;
    const area = [prov, pref].filter(function (x) { return x && x !== nodeLabel(n.id); }).join(" › ") || null;
    return [
      ["type", T("类型", "Type"), term(typeStyle(gk.type))],
      ["level", T("级别", "Level"), gk.level ? LEVELS[gk.level] || gk.level : null],
      ["aliases", T("别名", "Also"), [lang.current === "en" && gk.en ? n.label : null].concat(gk.aliases || [])
        .filter(Boolean).join(T("、", ", ")) || null],
      ["role", T("职务", "Post"), gk.role],
      ["adcode", T("区划代码", "Division code"), gk.adcode],
      ["area", T("所在地区", "In"), area],
      ["geo", T("坐标", "Location"), gk.geo ? gk.geo[0].toFixed(2) + "°E, " + gk.geo[1].toFixed(2) + "°N" +
        (gk.at ? T("（取自 ", " (from ") + nodeLabel(gk.at) + T("）", ")") : "") : null],
    ].filter(function (row) { return row[2] && (skip || []).indexOf(row[0]) < 0; })
      .map(function (row) { return [row[1], row[2]]; });
  }

  function factList(rows) {
    const dl = el("dl", { className: "gk-facts" });
    rows.forEach(function (row) {
      dl.append(el("dt", { text: row[0] }), el("dd", {}, [row[1]]));
    });
    return dl;
  }

  /** A province or prefecture of the page's region table by its name in the current language. */
  function regionName(code) {
    const region = REGIONS[code];
    if (!region) return code;
    return region.id && NODE.has(region.id) ? nodeLabel(region.id) : region.name;
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

  const years = [];
  DATA.edges.forEach(function (e) {
    if (e.gk.year) years.push(e.gk.year);
    if (e.gk.validTo) years.push(parseInt(e.gk.validTo.slice(0, 4), 10));
  });
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
      mode: "", // an assistance mode's key (its narrower modes pass too), or "" for every mode
      text: "", // words that must appear in an event's items, purpose, post or stated amount
      reviewedOnly: false, // only events of sources a person has reviewed
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
    util: { el: el, svg: svg, byId: byId, clear: clear, fill: fill, indexBy: indexBy, csvText: csvText,
      download: download, sortableTable: sortableTable },
    fmt: {
      NUM: NUM, LEVELS: LEVELS, LINK_KINDS: LINK_KINDS, yuanShort: yuanShort, amountText: amountText,
      eventFacts: eventFacts, nodeFacts: nodeFacts, factList: factList, dot: dot, lineSwatch: lineSwatch,
      sourceLine: sourceLine, safeUrl: safeUrl, sourceTitle: sourceTitle, typeStyle: typeStyle,
      relationStyle: relationStyle, nodeLabel: nodeLabel, whenText: whenText, isEvent: isEvent,
      T: T, term: term, modeText: modeText, reviewed: reviewed, regionName: regionName, periodText: periodText,
      figureText: figureText, validityText: validityText,
    },
  };

  /** Whether an assistance event passes the relation, year, amount, province and type filters. */
  function eventPasses(e, st) {
    const gk = e.gk;
    if (!st.relations.has(gk.relation)) return false;
    const a = NODE.get(e.from), b = NODE.get(e.to);
    if (!a || !b || !st.types.has(a.gk.type) || !st.types.has(b.gk.type)) return false;
    const valid = validYears(gk);
    if (valid) { // a pairing passes when it was in force in the years chosen
      if ((st.yearFrom !== null && valid[1] !== null && valid[1] < st.yearFrom) || (st.yearTo !== null && valid[0] !== null && valid[0] > st.yearTo)) return false;
    } else if (gk.year) {
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
    if (st.mode && gk.modeKey !== st.mode && (!MODES.get(gk.modeKey) || MODES.get(gk.modeKey).broader !== st.mode)) return false;
    if (st.text && !textMatches(gk, st.text)) return false;
    if (st.reviewedOnly && !reviewed(gk)) return false;
    if (st.focus && !(st.focus.ids.has(e.from) && st.focus.ids.has(e.to))) return false;
    return true;
  }

  /** Every word of `text` (split on spaces) appears in the event's items, purpose, quantity, post,
   * mode or stated amount: "奶粉", "校服 2023" (its date counts too). */
  function textMatches(gk, text) {
    const hay = [gk.items, gk.purpose, gk.quantity, gk.role, gk.mode, gk.statedAs, gk.when].filter(Boolean).join(" ").toLowerCase();
    return text.toLowerCase().split(/\s+/).filter(Boolean).every(function (word) { return hay.indexOf(word) >= 0; });
  }

  /** Whether any filter (or an explored neighbourhood) narrows what is shown. */
  function isFiltered() {
    const st = app.state, d = defaultState();
    const sameSet = function (a, b) { return a.size === b.size && Array.from(a).every(function (k) { return b.has(k); }); };
    return !!st.focus || !sameSet(st.relations, d.relations) || !sameSet(st.types, d.types) ||
      st.yearFrom !== d.yearFrom || st.yearTo !== d.yearTo || st.undated !== d.undated || !!st.province ||
      st.amountMin !== null || st.amountMax !== null || !!st.mode || !!st.text || st.reviewedOnly;
  }

  /** The filters in force, in words (for captions of exports, the header's tooltip and print). */
  function describeFilters() {
    const st = app.state, d = defaultState();
    const out = [];
    if (st.focus) out.push(T("邻域：", "Neighbourhood: ") + (st.focus.label || st.focus.roots.map(nodeLabel).join(T("、", ", "))) +
      T("（" + st.focus.depth + " 层）", " (depth " + st.focus.depth + ")"));
    if (st.relations.size !== d.relations.size) {
      out.push(T("关系：", "Relations: ") + DATA.relations.filter(function (r) { return st.relations.has(r.key); }).map(term).join(T("、", ", ")));
    }
    if (st.types.size !== d.types.size) out.push(T("类型：", "Types: ") + DATA.entityTypes.filter(function (t) { return st.types.has(t.key); }).map(term).join(T("、", ", ")));
    if (st.yearFrom !== d.yearFrom || st.yearTo !== d.yearTo) out.push(T("年份：", "Years: ") + (st.yearFrom || "") + "–" + (st.yearTo || ""));
    if (!st.undated) out.push(T("不含无日期事件", "dated events only"));
    if (st.province) out.push(T("省份：", "Province: ") + regionName(st.province));
    if (st.amountMin !== null || st.amountMax !== null) {
      out.push(T("金额：", "Amount: ") + (st.amountMin !== null ? yuanShort(st.amountMin) : "0") + " – " + (st.amountMax !== null ? yuanShort(st.amountMax) : "∞"));
    }
    if (st.mode) out.push(T("方式：", "Mode: ") + term(MODES.get(st.mode)));
    if (st.text) out.push(T("物资/用途含“", "Items/purpose contain “") + st.text + "”");
    if (st.reviewedOnly) out.push(T("仅人工审核过的事件", "reviewed events only"));
    return out;
  }

  /**
   * Which nodes and edges the filters leave: the events that pass, the entities they touch, and the
   * places and units those entities belong to (so a township keeps its county in view). Entities with
   * no visible event are kept when "hide orphans" is off, and always inside an explored neighbourhood.
   */
  function computeVisible() {
    const st = app.state;
    if (st.focus) st.focus.ids = focusIds(st.focus); // the relations it follows may have changed
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

  /** The entities an exploration shows: the roots' neighbourhood at its depth, plus the direct
   * neighbours of each entity expanded since, all following the relations the filters allow (so a
   * permalink, which names the roots and the expanded, reopens the same entities). */
  function focusIds(focus) {
    const ids = neighbourhood(focus.roots, focus.depth);
    focus.grown.forEach(function (id) { neighbourhood([id], 1).forEach(function (x) { ids.add(x); }); });
    return ids;
  }

  /** Explore from these entities: only their neighbourhood is shown until the focus is cleared. */
  function focusOn(roots, depth, opts) {
    const d = depth === undefined ? app.state.depth : depth;
    app.state.focus = { roots: roots.slice(), depth: d, grown: ((opts && opts.grown) || []).slice(),
      label: (opts && opts.label) || null, path: !!(opts && opts.path) };
    app.state.focus.ids = focusIds(app.state.focus);
    applyFilters();
    bus.emit("focus", { added: Array.from(app.state.focus.ids), from: roots[0] || null, reset: true });
  }

  /** Add a node's direct neighbours to the explored neighbourhood (or start one from it). */
  function expand(id) {
    if (!NODE.has(id)) return;
    if (!app.state.focus) { focusOn([id], 1); return; }
    const before = app.state.focus.ids;
    if (app.state.focus.grown.indexOf(id) < 0) app.state.focus.grown.push(id);
    applyFilters();
    const added = Array.from(app.state.focus.ids).filter(function (x) { return !before.has(x); });
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
          aliases: (n.gk.aliases || []).concat(n.gk.en ? [n.gk.en] : []).map(function (a) { return [a, a.toLowerCase()]; }),
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

  /* ------------------------------------------------------------------ what is shown, counted */

  /** The visible assistance events, one per event (an event with several parties has one edge each),
   * with all their givers and takers: what the timeline, the table and the CSV export list. */
  function visibleEvents() {
    const byEvent = new Map();
    app.visible.edges.forEach(function (eid) {
      const e = EDGE.get(eid);
      if (!isEvent(e)) return;
      const key = e.gk.event || eid;
      let ev = byEvent.get(key);
      if (!ev) { ev = { key: key, edge: eid, gk: e.gk, from: [], to: [], edges: [] }; byEvent.set(key, ev); }
      if (ev.from.indexOf(e.from) < 0) ev.from.push(e.from);
      if (ev.to.indexOf(e.to) < 0) ev.to.push(e.to);
      ev.edges.push(eid);
    });
    return Array.from(byEvent.values());
  }

  /**
   * What the page shows, counted: entities, events, sources, and money donated, given and received.
   * The money an event adds is `counted` (Python: graphkit.model.counted, a rate adds nothing), each
   * event once in the total and once per party, as graphkit.analysis.aggregates.money_by_entity
   * counts it; unfiltered, these are the build's figures (a browser test holds them equal).
   */
  let summarised = null; // {visible, value}: the header, the overview and the captions ask once per change
  function summary() {
    if (summarised && summarised.visible === app.visible) return summarised.value;
    const events = visibleEvents();
    const given = new Map(), received = new Map(), sources = new Set();
    let donated = 0;
    events.forEach(function (ev) {
      if (ev.gk.sourceId) sources.add(ev.gk.sourceId);
      if (ev.gk.relation !== "donation") return;
      const amount = ev.gk.counted || 0;
      donated += amount;
      ev.from.forEach(function (id) { given.set(id, (given.get(id) || 0) + amount); });
      ev.to.forEach(function (id) { received.set(id, (received.get(id) || 0) + amount); });
    });
    const value = { entities: app.visible.nodes.size, events: events.length, sources: sources.size, donated: donated,
      given: given, received: received, filtered: isFiltered() };
    summarised = { visible: app.visible, value: value }; // every change of the filters makes a new app.visible
    return value;
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
    search: searchNodes, totals: totals, defaultState: defaultState, visibleEvents: visibleEvents, summary: summary,
    isFiltered: isFiltered, describeFilters: describeFilters, lang: lang, relabel: relabel, MODES: MODES,
  });
  window.graphkit = app;
  performance.mark("gk:core");
})();
