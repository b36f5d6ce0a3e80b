/* graphkit explorer — the SPARQL editor, on the page `graphkit serve` sends.
 *
 * Only there: the file page's Content-Security-Policy forbids every fetch (connect-src 'none'), and
 * the tab stays hidden. The served page may call its own origin only (connect-src 'self'): queries go
 * to /sparql (POST, form-encoded) or, for an unedited named query with parameters, to /queries/NAME.
 * Results become a table (text only), a CSV download, and "show as graph" for results naming entities.
 */
(function () {
  "use strict";
  const gk = window.graphkit;
  if (!gk.served) return;
  const { el, byId, clear, fill } = gk.util;
  const { NODE } = gk.index;
  const root = byId("gk-view-sparql");
  const QUERIES = gk.data.queries || [];
  const DEFAULT = [
    "# 谁帮助了哪个地区 — who helps whom: pairings and donations with amounts",
    "SELECT ?helper ?helperLabel ?helped ?helpedLabel ?type ?amount WHERE {",
    "  ?event a ?type ; gk:helper|gk:donor ?helper ; gk:helped|gk:recipient ?helped .",
    "  FILTER(?type IN (gk:Pairing, gk:Donation))",
    "  ?helper rdfs:label ?helperLabel . FILTER(LANG(?helperLabel) = \"zh\")",
    "  ?helped rdfs:label ?helpedLabel . FILTER(LANG(?helpedLabel) = \"zh\")",
    "  OPTIONAL { ?event gk:amountCNY ?amount }",
    "}",
    "ORDER BY DESC(?amount)",
    "LIMIT 100",
  ].join("\n");

  const state = { example: null, result: null, running: false };

  const select = el("select", { className: "gk-select gk-sq-examples", attrs: { "aria-label": "示例查询 named queries" } });
  select.append(el("option", { text: "示例查询 examples…" }));
  QUERIES.forEach(function (q, i) {
    const option = el("option", { text: q.name + " — " + q.description });
    option.value = String(i);
    select.append(option);
  });
  const text = el("textarea", { className: "gk-sq-text", attrs: { spellcheck: "false", "aria-label": "SPARQL 查询", rows: 14 } });
  text.value = DEFAULT;
  const params = el("div", { className: "gk-sq-params" });
  const run = el("button", { className: "gk-btn gk-primary", type: "button", text: "运行 Run ⌃⏎" });
  const status = el("span", { className: "gk-sub gk-sq-status", attrs: { "aria-live": "polite" } });
  const csv = el("button", { className: "gk-btn", type: "button", text: "下载 CSV" });
  const asGraph = el("button", { className: "gk-btn", type: "button", text: "在图中显示 show as graph" });
  csv.disabled = asGraph.disabled = true;
  const results = el("div", { className: "gk-sq-results" });
  root.append(el("div", { className: "gk-sq" }, [
    el("div", { className: "gk-sq-head" }, [el("h2", { text: "SPARQL" }),
      el("span", { className: "gk-sub", text: "查询本服务器的 /sparql；gk: rdfs: skos: 等前缀可省略" })]),
    select, params, text,
    el("div", { className: "gk-sq-bar" }, [run, csv, asGraph, status]),
    results,
  ]));

  /** The example's default for a parameter: the text in brackets at the end of its description. */
  function example(param) {
    const m = /[（(]([^()（）]+)[)）]\s*$/.exec(param.description || "");
    return m ? m[1] : "";
  }

  select.addEventListener("change", function () {
    const q = QUERIES[parseInt(select.value, 10)];
    state.example = q || null;
    clear(params);
    if (!q) return;
    text.value = q.text;
    q.params.forEach(function (p) {
      const input = el("input", { className: "gk-sq-param", attrs: { "aria-label": p.name, placeholder: p.description }, dataset: { name: p.name } });
      input.value = example(p);
      params.append(el("label", { className: "gk-sq-param-row" }, [el("span", { text: "?" + p.name }), input]));
    });
  });

  function request() {
    const q = state.example;
    const headers = { Accept: "application/sparql-results+json, text/turtle;q=0.5" };
    if (q && q.params.length && text.value === q.text) {
      const search = new URLSearchParams();
      params.querySelectorAll("input").forEach(function (input) { search.set(input.dataset.name, input.value); });
      return fetch("queries/" + encodeURIComponent(q.name) + "?" + search.toString(), { headers: headers, credentials: "same-origin" });
    }
    const body = new URLSearchParams();
    body.set("query", text.value);
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    return fetch("sparql", { method: "POST", headers: headers, body: body.toString(), credentials: "same-origin" });
  }

  function runQuery() {
    if (state.running) return;
    state.running = true;
    status.textContent = "运行中…";
    run.disabled = true;
    const started = performance.now();
    request().then(function (response) {
      const truncated = response.headers.get("X-Graphkit-Truncated") === "true";
      const type = response.headers.get("Content-Type") || "";
      return (type.indexOf("json") >= 0 ? response.json() : response.text()).then(function (body) {
        if (!response.ok) throw new Error((body && body.message) || (body && body.error) || String(body) || response.statusText);
        show(body, truncated, performance.now() - started);
      });
    }).catch(function (err) {
      state.result = null;
      csv.disabled = asGraph.disabled = true;
      fill(results, [el("div", { className: "gk-note gk-sq-error", text: "查询失败：" + (err && err.message ? err.message : String(err)) })]);
      status.textContent = "";
    }).finally(function () { state.running = false; run.disabled = false; });
  }

  const PREFIXES = [
    ["https://w3id.org/graphkit/ontology#", "gk:"], ["https://w3id.org/graphkit/id/", "id:"],
    ["http://www.w3.org/2000/01/rdf-schema#", "rdfs:"], ["http://www.w3.org/2004/02/skos/core#", "skos:"],
    ["http://schema.org/", "schema:"], ["https://schema.org/", "schema:"], ["http://www.w3.org/ns/org#", "org:"],
  ];
  /** gk:Donation rather than the whole IRI (which stays in the cell's tooltip and in the CSV). */
  function shortIri(iri) {
    for (let i = 0; i < PREFIXES.length; i++) {
      if (iri.startsWith(PREFIXES[i][0])) return PREFIXES[i][1] + iri.slice(PREFIXES[i][0].length);
    }
    return iri;
  }

  const NUMERIC = /#(decimal|integer|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;
  function numeric(term) { return !!term && term.type === "literal" && NUMERIC.test(term.datatype || "") && isFinite(parseFloat(term.value)); }

  /** A result cell's content: an entity of the graph as a link to it, anything else as text. */
  function cell(term) {
    if (!term) return null;
    if (term.type === "uri" && NODE.has(term.value)) {
      return el("button", { className: "gk-link", type: "button", text: gk.fmt.nodeLabel(term.value), title: term.value,
        onClick: function () { gk.selectNode(term.value); } });
    }
    const span = el("span", { className: "gk-sq-cell", text: term.type === "uri" ? shortIri(term.value) : term.value,
      title: term.type === "uri" ? term.value : term.datatype || "" });
    if (term["xml:lang"]) span.append(el("span", { className: "gk-sq-lang", text: "@" + term["xml:lang"] }));
    return span;
  }

  function show(body, truncated, ms) {
    if (typeof body === "string") {
      state.result = null;
      csv.disabled = asGraph.disabled = true;
      fill(results, [el("pre", { className: "gk-sq-pre", text: body })]);
      status.textContent = Math.round(ms) + " ms";
      return;
    }
    if (typeof body.boolean === "boolean") {
      state.result = null;
      csv.disabled = asGraph.disabled = true;
      fill(results, [el("p", { className: "gk-sq-bool", text: "ASK → " + body.boolean })]);
      status.textContent = Math.round(ms) + " ms";
      return;
    }
    const vars = body.head.vars || [];
    const rows = body.results.bindings || [];
    state.result = { vars: vars, rows: rows };
    // Sorting compares numbers as numbers (a literal of a numeric datatype), everything else as text.
    const table = gk.util.sortableTable(vars.map(function (v) {
      return { label: "?" + v, numeric: rows.some(function (row) { return numeric(row[v]); }),
        value: function (row) { const t = row[v]; return !t ? null : numeric(t) ? parseFloat(t.value) : t.value; },
        cell: function (row) { return cell(row[v]); } };
    }), rows, { className: "gk-sq-table", limit: 1000 });
    const entities = entityIds();
    csv.disabled = !rows.length;
    asGraph.disabled = !entities.length;
    asGraph.title = entities.length ? entities.length + " 个图中实体" : "结果中没有图中的实体";
    fill(results, [table, rows.length > 1000 ? el("p", { className: "gk-sub", text: "表格只显示前 1000 行；CSV 包含全部 " + rows.length + " 行。" }) : null]);
    status.textContent = gk.fmt.T(rows.length + " 行", rows.length === 1 ? "1 row" : rows.length + " rows") + " · " +
      Math.round(ms) + " ms" + (truncated ? gk.fmt.T(" · 结果已截断（服务器行数上限）", " · truncated (the server's row limit)") : "");
  }

  /** Entities of the graph named anywhere in the results, in order of first appearance. */
  function entityIds() {
    const out = [];
    const seen = new Set();
    if (!state.result) return out;
    state.result.rows.forEach(function (row) {
      state.result.vars.forEach(function (v) {
        const t = row[v];
        if (t && t.type === "uri" && NODE.has(t.value) && !seen.has(t.value)) { seen.add(t.value); out.push(t.value); }
      });
    });
    return out;
  }

  function csvText() {
    const r = state.result;
    return gk.util.csvText(r.vars, r.rows.map(function (row) { return r.vars.map(function (v) { return row[v] ? row[v].value : ""; }); }));
  }

  csv.addEventListener("click", function () {
    if (!state.result) return;
    gk.util.download(new Blob(["\ufeff" + csvText()], { type: "text/csv;charset=utf-8" }), "graphkit-results.csv");
  });
  asGraph.addEventListener("click", function () {
    const ids = entityIds();
    if (!ids.length) return;
    gk.focusOn(ids, 0, { label: "SPARQL 结果（" + ids.length + "）" });
    gk.showView("graph");
  });
  run.addEventListener("click", runQuery);
  text.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); runQuery(); }
  });

  gk.sparql = { run: runQuery, csv: function () { return state.result ? csvText() : null; }, entities: entityIds };
})();
