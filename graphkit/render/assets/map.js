/* graphkit explorer — the map view: places at their gazetteer coordinates, help drawn between them.
 *
 * The basemap is the simplified outline of China's provinces shipped in #geo-data (no tiles, nothing
 * fetched). Entities sit at their own coordinates or at those of the place they are within (computed in
 * Python: a township at its county, a bureau at its city). Points and flows are aggregated on demand:
 * by place (county level), by prefecture or by province. A flow's width is its money for donations and
 * its count of events for pairings and secondments. The map follows the same filters as the graph.
 */
(function () {
  "use strict";
  const gk = window.graphkit;
  const { el, svg, byId, clear } = gk.util;
  const f = gk.fmt;
  const { NODE, EDGE, REGIONS } = gk.index;
  const GEO = JSON.parse(byId("geo-data").textContent);
  const root = byId("gk-view-map");

  const PHI = Math.cos((36 * Math.PI) / 180); // equirectangular, true to scale at China's middle latitude
  function project(lon, lat) { return [lon * PHI, -lat]; }
  const CHINA = { x0: 73 * PHI, x1: 135.5 * PHI, y0: -54, y1: -17.5 };
  const HELPER = "#3b5bdb", HELPED = "#e8590c", NEUTRAL = "#8a94a6";
  const T = f.T;
  const LEVELS = { place: ["地点（县级）", "places (county)"], pref: ["地级", "prefectures"], prov: ["省级", "provinces"] };
  function levelName(level) { return T(LEVELS[level][0], LEVELS[level][1]); }

  const state = {
    level: gk.data.nodes.filter(function (n) { return n.gk.geo; }).length > 400 ? "prov" : "place",
    view: { s: 10, tx: 0, ty: 0 }, // screen = map * s + t
    groups: [], flows: [], built: false, dirty: true, fitted: false,
  };

  /* ------------------------------------------------------------------ DOM */

  const svgRoot = svg("svg", { class: "gk-map-svg", role: "img", "aria-label": "帮扶关系地图" });
  const defs = svg("defs");
  gk.data.relations.forEach(function (r) {
    defs.append(svg("marker", { id: "gk-arrow-" + r.key, viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 9,
      markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, [
      svg("path", { d: "M0,1 L9,5 L0,9 z", fill: r.color }),
    ]));
  });
  const base = svg("g", { class: "gk-basemap" });
  const flowLayer = svg("g", { class: "gk-flows" });
  const pointLayer = svg("g", { class: "gk-points" });
  svgRoot.append(defs, base, flowLayer, pointLayer);

  const levelBox = el("div", { className: "gk-map-levels", attrs: { role: "radiogroup", "aria-label": "汇总层级" } });
  Object.keys(LEVELS).forEach(function (level) {
    const b = el("button", { className: "gk-seg", type: "button", text: levelName(level), dataset: { level: level },
      onClick: function () { setLevel(level); } });
    levelBox.append(b);
  });
  const levelHeading = el("span", { className: "gk-h", text: T("汇总到", "Group by") });
  const zoomBox = el("div", { className: "gk-map-zoom" }, [
    el("button", { className: "gk-icon-btn", type: "button", text: "+", title: "放大", onClick: function () { zoomBy(1.5); } }),
    el("button", { className: "gk-icon-btn", type: "button", text: "−", title: "缩小", onClick: function () { zoomBy(1 / 1.5); } }),
    el("button", { className: "gk-icon-btn", type: "button", text: "⤢", title: "适应视图", onClick: function () { fit(); } }),
  ]);
  const legend = el("div", { className: "gk-map-legend" });
  const note = el("div", { className: "gk-map-note" });
  const attribution = el("div", { className: "gk-map-attr", text: "底图：" + (GEO.attribution || "") });
  root.append(svgRoot, el("div", { className: "gk-map-controls" }, [
    el("div", { className: "gk-map-row" }, [levelHeading, levelBox]), legend,
  ]), zoomBox, note, attribution);

  /* ------------------------------------------------------------------ basemap */

  const provincePaths = new Map(); // 2-digit prefix -> path
  function ringPath(rings) {
    return rings.map(function (ring) {
      return "M" + ring.map(function (p) { const q = project(p[0], p[1]); return q[0].toFixed(3) + "," + q[1].toFixed(2); }).join("L") + "Z";
    }).join("");
  }
  let basemapBuilt = false;
  /** The province outlines, drawn when the map is first shown (not while the page opens). */
  function buildBasemap() {
    if (basemapBuilt) return;
    basemapBuilt = true;
    (GEO.provinces || []).forEach(function (prov) {
      const path = svg("path", { d: ringPath(prov.rings), class: "gk-province", "fill-rule": "evenodd",
        "vector-effect": "non-scaling-stroke", "data-adcode": prov.adcode });
      path.addEventListener("pointerenter", function (ev) {
        const code = prov.adcode.slice(0, 2) + "0000";
        const count = state.groups.filter(function (g) { return g.prov === code; }).reduce(function (a, g) { return a + g.ids.length; }, 0);
        gk.tooltip.show(el("div", { className: "gk-tip" }, [
          el("div", { className: "gk-tip-title", text: (REGIONS[code] ? f.regionName(code) : prov.name) }),
          el("div", { className: "gk-sub", text: (count ? T("图中 " + count + " 个实体 · ", count + " entities here · ") : "") + T("点击筛选该省", "click to filter by this province") }),
        ]), ev.clientX, ev.clientY);
      });
      path.addEventListener("pointerleave", gk.tooltip.hide);
      path.addEventListener("click", function () {
        if (dragged) return;
        const code = prov.adcode.slice(0, 2) + "0000";
        gk.setProvince(gk.state.province === code ? "" : code);
      });
      provincePaths.set(prov.adcode.slice(0, 2), path);
      base.append(path);
    });
    if (GEO.inset) base.append(svg("path", { d: ringPath(GEO.inset), class: "gk-inset", "vector-effect": "non-scaling-stroke" }));
  }

  /* ------------------------------------------------------------------ aggregation */

  /** The group a node falls in: its place (places at the same coordinates are one: 深圳市 and 龙华区
   *  share theirs), its prefecture or its province. Province-level places stay whole at "pref". */
  function groupKey(n) {
    const g = n.gk;
    if (!g.geo) return null;
    const place = "p:" + g.geo[0] + "," + g.geo[1];
    if (state.level === "prov") return g.prov ? "r:" + g.prov : place;
    if (state.level === "pref") return g.pref ? "r:" + g.pref : g.prov && isProvinceLevel(g.at || n.id) ? "r:" + g.prov : place;
    return place;
  }
  function isProvinceLevel(id) { const n = NODE.get(id); return n && n.gk.level === "province"; }

  /** Groups of visible entities by place / prefecture / province, and the flows between groups. */
  function build() {
    const groups = new Map();
    let unplaced = 0;
    gk.visible.nodes.forEach(function (id) {
      const n = NODE.get(id);
      const key = groupKey(n);
      if (!key) { unplaced += 1; return; }
      let g = groups.get(key);
      if (!g) {
        g = { key: key, ids: [], out: 0, in: 0, outN: 0, inN: 0, internal: 0, prov: n.gk.prov };
        if (key.startsWith("r:")) {
          const region = REGIONS[key.slice(2)] || {};
          g.label = f.regionName(key.slice(2)); g.node = region.id || null; g.geo = region.geo || n.gk.geo;
        } else {
          g.anchors = []; g.geo = n.gk.geo;
        }
        groups.set(key, g);
      }
      g.ids.push(id);
      const anchor = n.gk.at || id;
      if (g.anchors && g.anchors.indexOf(anchor) < 0) g.anchors.push(anchor);
    });
    groups.forEach(function (g) {
      if (!g.anchors) return;
      // named after its places, the most important first (a city before its district)
      const rank = { province: 0, prefecture: 1, county: 2, district: 2 };
      g.anchors.sort(function (a, b) {
        const x = NODE.get(a).gk, y = NODE.get(b).gk;
        return (rank[x.level] === undefined ? 5 : rank[x.level]) - (rank[y.level] === undefined ? 5 : rank[y.level]);
      });
      g.label = g.anchors.slice(0, 2).map(f.nodeLabel).join(" · ");
      g.node = g.anchors.length === 1 ? g.anchors[0] : null;
    });
    const flows = new Map();
    const counted = new Set();
    gk.visible.edges.forEach(function (eid) {
      const e = EDGE.get(eid);
      if (!f.isEvent(e)) return;
      const a = groups.get(groupKey(NODE.get(e.from)) || ""), b = groups.get(groupKey(NODE.get(e.to)) || "");
      if (!a || !b) return;
      const amount = e.gk.counted || 0;  // the money totals add (Python: model.counted; a rate adds nothing)
      const once = function (tag) { const k = tag + "|" + (e.gk.event || eid); if (counted.has(k)) return false; counted.add(k); return true; };
      if (once("o" + a.key)) { a.out += amount; a.outN += 1; }
      if (once("i" + b.key)) { b.in += amount; b.inN += 1; }
      if (a === b) { a.internal += 1; return; }
      const key = a.key + ">" + b.key + ">" + e.gk.relation;
      let flow = flows.get(key);
      if (!flow) { flow = { key: key, from: a, to: b, relation: e.gk.relation, amount: 0, events: new Set(), edges: [] }; flows.set(key, flow); }
      if (!flow.events.has(e.gk.event || eid)) { flow.events.add(e.gk.event || eid); flow.amount += amount; }
      flow.edges.push(eid);
    });
    state.groups = Array.from(groups.values());
    state.flows = Array.from(flows.values());
    state.unplaced = unplaced;
    const order = { within: 0, pairing: 1, secondment: 2, donation: 3 };
    state.flows.sort(function (x, y) { return (order[x.relation] || 0) - (order[y.relation] || 0) || y.amount - x.amount; });
    const topMoney = Math.max.apply(null, [1].concat(state.groups.map(function (g) { return g.out + g.in; })));
    const topFlow = Math.max.apply(null, [1].concat(state.flows.map(function (fl) { return fl.amount; })));
    state.groups.forEach(function (g) {
      const money = g.out + g.in;
      g.r = money > 0 ? 5 + 19 * Math.sqrt(money / topMoney) : 4 + Math.min(g.ids.length, 12) * 0.35;
      g.color = g.outN > g.inN ? HELPER : g.inN > g.outN ? HELPED : g.outN ? "#8f5bb5" : NEUTRAL;
      g.weight = money + 1e4 * (g.outN + g.inN) + g.ids.length;
      g.xy = project(g.geo[0], g.geo[1]);
    });
    state.groups.sort(function (x, y) { return y.r - x.r; }); // small points drawn last, on top
    const topCount = Math.max.apply(null, [1].concat(state.flows.map(function (fl) { return fl.events.size; })));
    state.flows.forEach(function (fl) {
      fl.width = fl.relation === "donation" && fl.amount
        ? 1.2 + 12 * Math.sqrt(fl.amount / topFlow)
        : 1.2 + 5 * Math.sqrt(fl.events.size / topCount);
    });
    state.dirty = false;
  }

  /* ------------------------------------------------------------------ drawing */

  function toScreen(xy) { const v = state.view; return [xy[0] * v.s + v.tx, xy[1] * v.s + v.ty]; }

  function flowPath(fl) {
    const a = toScreen(fl.from.xy), b = toScreen(fl.to.xy);
    const dx = b[0] - a[0], dy = b[1] - a[1];
    const d = Math.sqrt(dx * dx + dy * dy) || 1;
    const factor = { pairing: 0.16, donation: 0.26, secondment: 0.34 }[fl.relation] || 0.2;
    const bend = Math.min(factor * d, 160);
    const cx = (a[0] + b[0]) / 2 - (dy / d) * bend, cy = (a[1] + b[1]) / 2 + (dx / d) * bend;
    // stop short of the target point so the arrow head shows
    const tx = b[0] - cx, ty = b[1] - cy, tl = Math.sqrt(tx * tx + ty * ty) || 1;
    const back = fl.to.r + 3;
    const ex = b[0] - (tx / tl) * back, ey = b[1] - (ty / tl) * back;
    return "M" + a[0].toFixed(1) + "," + a[1].toFixed(1) + "Q" + cx.toFixed(1) + "," + cy.toFixed(1) + " " + ex.toFixed(1) + "," + ey.toFixed(1);
  }

  function flowTip(fl) {
    const style = f.relationStyle(fl.relation);
    const rows = [[T("事件", "Events"), fl.events.size + T(" 项", "")]];
    if (fl.amount) rows.push([T("金额", "Amount"), f.yuanShort(fl.amount)]);
    return el("div", { className: "gk-tip" }, [
      el("div", { className: "gk-tip-head" }, [f.lineSwatch(fl.relation), f.term(style)]),
      el("div", { className: "gk-tip-title", text: fl.from.label + " → " + fl.to.label }),
      f.factList(rows),
    ]);
  }

  function groupTip(g) {
    const rows = [[T("实体", "Entities"), g.ids.length + T(" 个", "")]];
    if (g.out) rows.push([T("捐出", "Given"), f.yuanShort(g.out)]);
    if (g.in) rows.push([T("收到", "Received"), f.yuanShort(g.in)]);
    if (g.outN) rows.push([T("帮扶他方", "Helping others"), g.outN + T(" 项", "")]);
    if (g.inN) rows.push([T("受到帮扶", "Helped"), g.inN + T(" 项", "")]);
    if (g.internal) rows.push([T("区内", "Within"), g.internal + T(" 项", "")]);
    return el("div", { className: "gk-tip" }, [el("div", { className: "gk-tip-title", text: g.label }), f.factList(rows)]);
  }

  function openGroup(g) {
    const edgeIds = [];
    const members = new Set(g.ids);
    gk.visible.edges.forEach(function (eid) {
      const e = EDGE.get(eid);
      if (f.isEvent(e) && (members.has(e.from) || members.has(e.to))) edgeIds.push(eid);
    });
    if (g.node && g.ids.length === 1) { gk.selectNode(g.node); return; }
    const sub = [levelName(state.level), g.out ? T("捐出 ", "given ") + f.yuanShort(g.out) : null, g.in ? T("收到 ", "received ") + f.yuanShort(g.in) : null]
      .filter(Boolean).join(" · ");
    gk.showGroup(g.label, sub, g.ids.slice().sort(function (a, b) {
      const x = NODE.get(a).gk, y = NODE.get(b).gk;
      return ((y.given || 0) + (y.received || 0)) - ((x.given || 0) + (x.received || 0));
    }), edgeIds);
    state.selectedGroup = g.key;
    highlight();
  }

  function draw() {
    buildBasemap();
    if (state.dirty) build();
    const v = state.view;
    base.setAttribute("transform", "translate(" + v.tx + "," + v.ty + ") scale(" + v.s + ")");
    const provs = new Map();
    state.groups.forEach(function (g) { if (g.prov) provs.set(g.prov.slice(0, 2), (provs.get(g.prov.slice(0, 2)) || 0) + g.ids.length); });
    provincePaths.forEach(function (path, prefix) {
      path.classList.toggle("gk-province-active", provs.has(prefix));
      path.classList.toggle("gk-province-filter", gk.state.province.slice(0, 2) === prefix);
    });
    clear(flowLayer);
    svgRoot.classList.toggle("gk-dense", state.flows.length > 60);
    state.flows.forEach(function (fl) {
      const style = f.relationStyle(fl.relation);
      const path = svg("path", { d: flowPath(fl), class: "gk-flow", stroke: style.color, "stroke-width": fl.width.toFixed(2),
        "marker-end": "url(#gk-arrow-" + fl.relation + ")", "data-key": fl.key });
      if (fl.relation === "secondment") path.setAttribute("stroke-dasharray", "6 4");
      path.addEventListener("pointermove", function (ev) { gk.tooltip.show(flowTip(fl), ev.clientX, ev.clientY); });
      path.addEventListener("pointerleave", gk.tooltip.hide);
      path.addEventListener("click", function () {
        if (dragged) return;
        if (fl.edges.length === 1) gk.selectEdge(fl.edges[0]);
        else gk.showGroup(fl.from.label + " → " + fl.to.label, f.term(f.relationStyle(fl.relation)) + " · " + fl.events.size + T(" 项", " events") +
          (fl.amount ? " · " + f.yuanShort(fl.amount) : ""), [], fl.edges);
      });
      fl.path = path;
      flowLayer.append(path);
    });
    clear(pointLayer);
    const labelled = new Set(state.groups.slice().sort(function (a, b) { return b.weight - a.weight; })
      .slice(0, state.level === "place" ? 45 : 80).map(function (g) { return g.key; }));
    const placedLabels = [];
    state.groups.forEach(function (g) {
      const xy = toScreen(g.xy);
      const point = svg("g", { class: "gk-point", transform: "translate(" + xy[0].toFixed(1) + "," + xy[1].toFixed(1) + ")",
        "data-key": g.key, "data-label": g.label, tabindex: 0, role: "button", "aria-label": g.label });
      point.append(svg("circle", { r: g.r.toFixed(1), fill: g.color }));
      if (labelled.has(g.key)) {
        // skip a label that would sit on one already placed (bigger points are labelled first)
        const box = [xy[0] - 30, xy[1] + g.r, xy[0] + 30, xy[1] + g.r + 16];
        const clash = placedLabels.some(function (o) { return box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]; });
        if (!clash) {
          placedLabels.push(box);
          const text = svg("text", { y: (g.r + 13).toFixed(1), class: "gk-point-label" });
          text.textContent = g.label;
          point.append(text);
        }
      }
      point.addEventListener("pointermove", function (ev) { gk.tooltip.show(groupTip(g), ev.clientX, ev.clientY); });
      point.addEventListener("pointerleave", gk.tooltip.hide);
      point.addEventListener("click", function (ev) { ev.stopPropagation(); if (!dragged) openGroup(g); });
      point.addEventListener("keydown", function (ev) { if (ev.key === "Enter") openGroup(g); });
      g.el = point;
      pointLayer.append(point);
    });
    renderLegend();
    highlight();
  }

  /** Fade what does not touch the selected entity, event or group. */
  function highlight() {
    const sel = gk.state.selected;
    let keys = null, edgeSet = null;
    if (sel && sel.kind === "node") {
      const n = NODE.get(sel.id);
      const k = n && groupKey(n);
      if (k) keys = new Set([k]);
      edgeSet = new Set(gk.index.INCIDENT.get(sel.id).map(function (e) { return e.id; }));
    } else if (sel && sel.kind === "edge") {
      edgeSet = new Set([sel.id]);
      const e = EDGE.get(sel.id);
      keys = new Set([groupKey(NODE.get(e.from)), groupKey(NODE.get(e.to))]);
    } else if (state.selectedGroup) {
      keys = new Set([state.selectedGroup]);
    }
    state.groups.forEach(function (g) {
      if (!g.el) return;
      g.el.classList.toggle("gk-selected", !!keys && keys.has(g.key));
      g.el.classList.toggle("gk-faded", !!keys && !keys.has(g.key) && !!edgeSet && !state.flows.some(function (fl) {
        return (fl.from === g || fl.to === g) && fl.edges.some(function (id) { return edgeSet.has(id); });
      }));
    });
    state.flows.forEach(function (fl) {
      if (!fl.path) return;
      const on = edgeSet ? fl.edges.some(function (id) { return edgeSet.has(id); }) : keys ? keys.has(fl.from.key) || keys.has(fl.to.key) : true;
      fl.path.classList.toggle("gk-faded", !on);
    });
  }

  /** What a point's colour says: [colour, text] (the map's legend, and its exports'). */
  function dotLegend() {
    return [[HELPER, T("以帮扶他方为主", "mostly helping")], [HELPED, T("以受到帮扶为主", "mostly helped")]];
  }

  function renderLegend() {
    clear(legend);
    const rels = new Set(state.flows.map(function (fl) { return fl.relation; }));
    gk.data.relations.forEach(function (r) {
      if (r.key === "within" || !rels.has(r.key)) return;
      legend.append(el("div", { className: "gk-legend-row" }, [f.lineSwatch(r.key), el("span", { text: f.term(r) })]));
    });
    legend.append(
      el("div", { className: "gk-legend-row" }, [f.dot(HELPER), el("span", { text: dotLegend()[0][1] })]),
      el("div", { className: "gk-legend-row" }, [f.dot(HELPED), el("span", { text: dotLegend()[1][1] })]),
      el("div", { className: "gk-legend-note", text: T("圆点大小：捐赠金额；线宽：捐赠金额或事件数", "dot size: money; line width: money or number of events") }),
    );
    const parts = [T(state.groups.length + " 个" + (state.level === "place" ? "地点" : LEVELS[state.level][0] + "地区"), state.groups.length + " " + LEVELS[state.level][1]),
      T(state.flows.length + " 条流向", state.flows.length + " flows")];
    if (state.unplaced) parts.push(T(state.unplaced + " 个实体无地理位置，未显示", state.unplaced + " entities have no location and are not shown"));
    if (gk.isFiltered()) parts.unshift(T("筛选后", "filtered"));
    note.textContent = parts.join(" · ");
    levelBox.querySelectorAll(".gk-seg").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.level === state.level ? "true" : "false");
    });
  }

  /* ------------------------------------------------------------------ pan and zoom */

  function size() { const r = svgRoot.getBoundingClientRect(); return [r.width || 800, r.height || 600]; }

  function fitBounds(x0, x1, y0, y1) {
    const wh = size(), pad = 50, top = 110, bottom = 64; // room for the note and attribution below
    const s = Math.min((wh[0] - 2 * pad) / Math.max(x1 - x0, 1e-6), (wh[1] - top - bottom) / Math.max(y1 - y0, 1e-6));
    state.view = { s: s, tx: wh[0] / 2 - ((x0 + x1) / 2) * s, ty: top + (wh[1] - top - bottom) / 2 - ((y0 + y1) / 2) * s };
  }

  /** Fit the visible points (never closer than a ~9° window), or all of China when there are none. */
  function fit() {
    if (state.dirty) build();
    if (!state.groups.length) { fitBounds(CHINA.x0, CHINA.x1, CHINA.y0, CHINA.y1); draw(); return; }
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    state.groups.forEach(function (g) { x0 = Math.min(x0, g.xy[0]); x1 = Math.max(x1, g.xy[0]); y0 = Math.min(y0, g.xy[1]); y1 = Math.max(y1, g.xy[1]); });
    const minSpan = 9;
    if (x1 - x0 < minSpan * PHI) { const c = (x0 + x1) / 2; x0 = c - (minSpan * PHI) / 2; x1 = c + (minSpan * PHI) / 2; }
    if (y1 - y0 < minSpan * 0.6) { const c = (y0 + y1) / 2; y0 = c - minSpan * 0.3; y1 = c + minSpan * 0.3; }
    const mx = (x1 - x0) * 0.08, my = (y1 - y0) * 0.08;
    fitBounds(x0 - mx, x1 + mx, y0 - my, y1 + my);
    draw();
  }

  let frame = 0;
  function redrawSoon() {
    if (frame) return;
    frame = requestAnimationFrame(function () { frame = 0; draw(); });
  }

  function zoomAt(factor, cx, cy) {
    const v = state.view;
    const s = Math.max(2, Math.min(2000, v.s * factor));
    const k = s / v.s;
    state.view = { s: s, tx: cx - (cx - v.tx) * k, ty: cy - (cy - v.ty) * k };
    redrawSoon();
  }
  function zoomBy(factor) { const wh = size(); zoomAt(factor, wh[0] / 2, wh[1] / 2); }

  svgRoot.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    const r = svgRoot.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });

  let drag = null, dragged = false;
  svgRoot.addEventListener("pointerdown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, tx: state.view.tx, ty: state.view.ty };
    dragged = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
    dragged = true;
    gk.tooltip.hide();
    state.view.tx = drag.tx + dx; state.view.ty = drag.ty + dy;
    redrawSoon();
  });
  window.addEventListener("pointerup", function () { drag = null; setTimeout(function () { dragged = false; }, 0); });
  svgRoot.addEventListener("click", function (ev) {
    if (!dragged && (ev.target === svgRoot)) { state.selectedGroup = null; gk.selectNothing(); }
  });

  /* ------------------------------------------------------------------ wiring */

  function setLevel(level) {
    state.level = level;
    state.dirty = true;
    state.selectedGroup = null;
    if (gk.view === "map") fit();
  }

  gk.bus.on("visibility", function () {
    state.dirty = true;
    if (gk.view === "map") draw();
  });
  gk.bus.on("select", function (sel) {
    if (sel) state.selectedGroup = null;
    if (gk.view === "map") highlight();
  });
  gk.bus.on("view", function (name) {
    if (name !== "map") return;
    if (!state.fitted) { state.fitted = true; fit(); } else draw();
  });
  gk.bus.on("fit", function (name) { if (name === "map") fit(); });
  gk.bus.on("resize", function () { if (gk.view === "map") draw(); });
  gk.bus.on("lang", function () {
    levelHeading.textContent = T("汇总到", "Group by");
    levelBox.querySelectorAll(".gk-seg").forEach(function (b) { b.textContent = levelName(b.dataset.level); });
    state.dirty = true;
    if (gk.view === "map") draw();
  });

  gk.mapView = {
    setLevel: setLevel, fit: fit, legend: dotLegend,
    groups: function () { if (state.dirty) build(); return state.groups; },
    flows: function () { if (state.dirty) build(); return state.flows; },
    level: function () { return state.level; },
  };
})();
