/* graphkit explorer — permalinks: the view, the selection, the explored neighbourhood or path, its
 * depth, every filter and the language live in the URL's hash, so a link reopens exactly this view,
 * and the browser's Back button undoes the last step.
 *
 * The hash is a query string (#view=map&sel=n:黑水县&rel=donation …). Entities and events are named
 * by their IRIs without the common prefix (stable across rebuilds, unlike positions in the data);
 * anything a link names that the page does not hold is ignored. Each step is a new history entry,
 * except steps in quick succession (typing a year), which replace the last one.
 */
(function () {
  "use strict";
  const gk = window.graphkit;
  const DATA = gk.data;
  const { NODE, EDGE } = gk.index;
  const ID = "https://w3id.org/graphkit/id/";
  const EVENT_BY_IRI = new Map();
  DATA.edges.forEach(function (e) { if (e.gk.event && !EVENT_BY_IRI.has(e.gk.event)) EVENT_BY_IRI.set(e.gk.event, e.id); });

  function short(iri) { return iri.startsWith(ID) ? iri.slice(ID.length) : iri; }
  function long(name) { return /^[a-z]+:/.test(name) ? name : ID + name; }
  function keys(set, all) { return all.filter(function (k) { return set.has(k); }).join(","); }

  /** The state as a hash (only what differs from the page as it opens). */
  function encode() {
    const st = gk.state, d = gk.defaultState();
    const p = new URLSearchParams();
    if (gk.view !== "graph") p.set("view", gk.view);
    if (gk.lang.current !== "zh") p.set("lang", gk.lang.current);
    if (st.selected) {
      const e = st.selected.kind === "edge" ? EDGE.get(st.selected.id) : null;
      p.set("sel", st.selected.kind === "node" ? "n:" + short(st.selected.id) : "e:" + (e && e.gk.event ? short(e.gk.event) : st.selected.id));
    }
    if (st.focus) {
      p.set(st.focus.path ? "path" : "focus", st.focus.roots.map(short).join("|"));
      if (!st.focus.path && st.focus.depth !== 1) p.set("fdepth", String(st.focus.depth));
      if (st.focus.grown.length) p.set("grown", st.focus.grown.map(short).join("|"));
    }
    if (st.depth !== d.depth) p.set("depth", String(st.depth));
    const relations = DATA.relations.map(function (r) { return r.key; });
    if (st.relations.size !== d.relations.size) p.set("rel", keys(st.relations, relations) || "-");
    const types = DATA.entityTypes.map(function (t) { return t.key; });
    if (st.types.size !== d.types.size) p.set("type", keys(st.types, types) || "-");
    if (st.yearFrom !== d.yearFrom || st.yearTo !== d.yearTo) p.set("years", (st.yearFrom || "") + "-" + (st.yearTo || ""));
    if (!st.undated) p.set("undated", "0");
    if (!st.hideOrphans) p.set("orphans", "1");
    if (st.province) p.set("prov", st.province);
    if (st.amountMin !== null || st.amountMax !== null) p.set("amount", (st.amountMin === null ? "" : st.amountMin) + "-" + (st.amountMax === null ? "" : st.amountMax));
    if (st.mode) p.set("mode", st.mode);
    if (st.text) p.set("q", st.text);
    if (st.reviewedOnly) p.set("reviewed", "1");
    const text = p.toString();
    return text ? "#" + text : "";
  }

  function set(all, value) {
    if (value === null) return new Set(all);
    return new Set(value.split(",").filter(function (k) { return all.indexOf(k) >= 0; }));
  }
  function range(value, parse) {
    if (value === null) return null;
    const parts = value.split("-");
    return parts.map(function (x) { return x === "" ? null : parse(x); });
  }

  /** Put the page in the state a hash describes. */
  function apply(hash) {
    const p = new URLSearchParams((hash || "").replace(/^#/, ""));
    applying = true;
    try {
      if ((p.get("lang") || "zh") !== gk.lang.current) gk.setLanguage(p.get("lang") || "zh");
      const st = gk.defaultState();
      st.relations = set(DATA.relations.map(function (r) { return r.key; }), p.get("rel"));
      st.types = set(DATA.entityTypes.map(function (t) { return t.key; }), p.get("type"));
      const years = range(p.get("years"), function (x) { return parseInt(x, 10); });
      if (years) { st.yearFrom = isNaN(years[0]) ? st.yearFrom : years[0]; st.yearTo = isNaN(years[1]) ? st.yearTo : years[1]; }
      st.undated = p.get("undated") !== "0";
      st.hideOrphans = p.get("orphans") !== "1";
      st.province = p.get("prov") || "";
      const amount = range(p.get("amount"), parseFloat);
      if (amount) { st.amountMin = amount[0]; st.amountMax = amount[1] === undefined ? null : amount[1]; }
      st.mode = p.get("mode") || "";
      st.text = p.get("q") || "";
      st.reviewedOnly = p.get("reviewed") === "1";
      st.depth = parseInt(p.get("depth") || "1", 10) === 2 ? 2 : 1;
      gk.state = st;
      gk.syncControls();
      const roots = (p.get("path") || p.get("focus") || "").split("|").filter(Boolean).map(long).filter(function (id) { return NODE.has(id); });
      if (p.get("path") && roots.length >= 2) gk.showPath(roots[0], roots[roots.length - 1]);
      else if (roots.length) {
        const grown = (p.get("grown") || "").split("|").filter(Boolean).map(long).filter(function (id) { return NODE.has(id); });
        const depth = Math.max(0, Math.min(2, parseInt(p.get("fdepth") || "1", 10) || 0));
        gk.focusOn(roots, depth, { grown: grown });
      }
      else { gk.state.focus = null; gk.applyFilters(); gk.bus.emit("focus", null); }
      const view = p.get("view") || "graph";
      if (view !== gk.view) gk.showView(view);
      const sel = p.get("sel");
      if (sel && sel.startsWith("n:") && NODE.has(long(sel.slice(2)))) gk.selectNode(long(sel.slice(2)));
      else if (sel && sel.startsWith("e:")) {
        const name = sel.slice(2);
        const edge = EVENT_BY_IRI.get(long(name)) || (EDGE.has(name) ? name : null);
        if (edge) gk.selectEdge(edge); else gk.selectNothing();
      } else if (!p.get("path")) gk.selectNothing();
    } finally {
      applying = false;
    }
    last = encode();
  }

  let applying = false;
  let last = null;
  let lastPush = 0;
  /** After every step: record the state, as a new history entry or (within 600 ms) in the last one. */
  function record() {
    if (applying || !gk.ready) return;
    const hash = encode();
    if (hash === last) return;
    const url = location.pathname + location.search + hash;
    const now = Date.now();
    if (now - lastPush < 600) history.replaceState(null, "", url || location.pathname + location.search);
    else history.pushState(null, "", url || location.pathname + location.search);
    lastPush = now;
    last = hash;
  }

  ["visibility", "select", "view", "focus", "lang", "state"].forEach(function (name) {
    gk.bus.on(name, function () { setTimeout(record, 0); });
  });
  window.addEventListener("popstate", function () { apply(location.hash); });
  gk.bus.on("ready", function () {
    if (location.hash.length > 1) apply(location.hash);
    last = encode();
  });

  gk.permalink = { encode: encode, apply: apply };
})();
