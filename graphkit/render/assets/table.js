/* graphkit explorer — the table view: the visible events, one row each, sortable and searchable.
 *
 * Beside graph, map and timeline, under the same filters: a click on a column's header sorts by it
 * (amounts as numbers, again for the other way), the box above narrows the rows to those containing
 * every word typed, and a click on a row selects its event in every view (and opens its panel).
 */
(function () {
  "use strict";
  const gk = window.graphkit;
  const { el, byId, clear } = gk.util;
  const f = gk.fmt;
  const T = f.T;
  const root = byId("gk-view-table");
  const LIMIT = 2000;
  const state = { query: "", sort: null, table: null };

  function parties(ids) { return ids.map(f.nodeLabel).join(T("、", ", ")); }

  function columns() {
    return [
      { key: "date", label: T("日期", "Date"), value: function (ev) { return ev.gk.when || ""; } },
      { key: "relation", label: T("关系", "Relation"), value: function (ev) { return f.term(f.relationStyle(ev.gk.relation)); } },
      { key: "from", label: T("帮扶方", "Helper"), value: function (ev) { return parties(ev.from); } },
      { key: "to", label: T("受助方", "Helped"), value: function (ev) { return parties(ev.to); } },
      { key: "amount", label: T("金额（元）", "Amount (yuan)"), numeric: true,
        value: function (ev) { return ev.gk.amount === undefined ? null : ev.gk.amount; },
        cell: function (ev) { return f.amountText(ev.gk) || ""; } },
      { key: "what", label: T("物资/用途/职务", "Items, purpose, post"),
        value: function (ev) { return [ev.gk.items, ev.gk.purpose, ev.gk.role].filter(Boolean).join(" · "); } },
      { key: "mode", label: T("方式", "Mode"), value: function (ev) { return f.modeText(ev.gk) || ""; } },
      { key: "source", label: T("来源", "Source"), value: function (ev) { return (gk.data.sources[ev.gk.sourceId] || {}).title || ev.gk.sourceId || ""; },
        cell: function (ev) { return ev.gk.sourceId ? f.sourceTitle(ev.gk.sourceId) : ""; } },
      { key: "review", label: T("审核", "Review"), value: function (ev) { return f.reviewed(ev.gk) ? "" : T("待审核", "unreviewed"); } },
    ];
  }

  function rowText(ev, cols) {
    return cols.map(function (c) { const v = c.value(ev); return v === null ? "" : String(v); }).join(" ").toLowerCase();
  }

  function draw() {
    const cols = columns();
    const all = gk.visibleEvents();
    const words = state.query.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = words.length ? all.filter(function (ev) {
      const text = rowText(ev, cols);
      return words.every(function (w) { return text.indexOf(w) >= 0; });
    }) : all;
    const search = el("input", { className: "gk-input gk-table-search", type: "search",
      attrs: { "aria-label": T("在表格中查找", "Find in the table"), placeholder: T("在表格中查找…", "Find in the table…") } });
    search.value = state.query;
    search.addEventListener("input", function () {
      state.query = search.value;
      draw();
      const again = root.querySelector(".gk-table-search");
      again.focus();
      again.setSelectionRange(again.value.length, again.value.length);
    });
    const count = el("span", { className: "gk-sub", text: words.length
      ? T(rows.length + " / " + all.length + " 项事件", rows.length + " of " + all.length + " events")
      : T(all.length + " 项事件", all.length + (all.length === 1 ? " event" : " events")) });
    const sortAt = state.sort ? cols.findIndex(function (c) { return c.key === state.sort.key; }) : -1;
    const table = gk.util.sortableTable(cols, rows, {
      className: "gk-events-table", limit: LIMIT,
      sortBy: sortAt >= 0 ? sortAt : 0, descending: sortAt >= 0 ? state.sort.descending : false,
      onRow: function (ev, tr) {
        tr.dataset.event = ev.key;
        tr.tabIndex = 0;
        if (!f.reviewed(ev.gk)) tr.classList.add("gk-extracted");
        tr.addEventListener("click", function (e) { if (e.target.closest("a, button")) return; gk.selectEdge(ev.edge); });
        tr.addEventListener("keydown", function (e) { if (e.key === "Enter") gk.selectEdge(ev.edge); });
      },
      onRender: function () { highlight(); },
    });
    table.querySelectorAll("thead th").forEach(function (th, i) {
      th.querySelector("button").addEventListener("click", function () {
        state.sort = { key: cols[i].key, descending: th.getAttribute("aria-sort") === "descending" };
      });
    });
    state.table = table;
    clear(root);
    root.append(el("div", { className: "gk-tbl" }, [
      el("div", { className: "gk-tl-head" }, [el("h2", { text: T("事件表 Events", "Events") }), search, count]),
      rows.length ? table : el("p", { className: "gk-sub", text: T("没有符合筛选条件的事件。", "No event passes the filters.") }),
      rows.length > LIMIT ? el("p", { className: "gk-sub", text: T("只列出前 " + LIMIT + " 行；CSV 导出包含全部。", "The first " + LIMIT + " rows; the CSV export has them all.") }) : null,
    ]));
  }

  function highlight() {
    const sel = gk.state.selected;
    root.querySelectorAll("tbody tr").forEach(function (tr) {
      let on = false;
      if (sel && sel.kind === "edge") {
        const e = gk.index.EDGE.get(sel.id);
        on = !!e && (e.gk.event || sel.id) === tr.dataset.event;
      }
      tr.classList.toggle("gk-selected-row", on);
    });
  }

  gk.bus.on("visibility", function () { if (gk.view === "table") draw(); });
  gk.bus.on("view", function (name) { if (name === "table") draw(); });
  gk.bus.on("lang", function () { if (gk.view === "table") draw(); });
  gk.bus.on("select", function () { if (gk.view === "table") highlight(); });

  gk.tableView = {
    draw: draw,
    sortBy: function (key, descending) { state.sort = { key: key, descending: !!descending }; if (gk.view === "table") draw(); },
    find: function (text) { state.query = text || ""; if (gk.view === "table") draw(); },
  };
})();
