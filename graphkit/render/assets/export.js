/* graphkit explorer — exports of what is on screen: the graph or the map as PNG and SVG (with the
 * legend and a caption naming the filters and the data's date), the filtered events as CSV with
 * their sources, a link to this view, and print.
 *
 * Everything is made in the page (canvas, SVG, Blob) and saved through a download link: nothing is
 * sent anywhere. The SVG of the graph is drawn from vis-network's positions (what is on screen,
 * hidden items left out); the map's is its own SVG. CSV cells follow graphkit.results' spreadsheet
 * rule (no formula can run), with a BOM so spreadsheet programs read UTF-8.
 */
(function () {
  "use strict";
  const gk = window.graphkit;
  const DATA = gk.data;
  const { el, svg, byId } = gk.util;
  const f = gk.fmt;
  const T = f.T;
  const { NODE, EDGE } = gk.index;
  const FONT = 'system-ui, "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

  function stamp() { return (DATA.meta.asOf || "graphkit").replace(/[^0-9A-Za-z-]/g, ""); }
  function fileName(kind, ext) { return "graphkit-" + kind + "-" + stamp() + "." + ext; }

  /* ------------------------------------------------------------------ legend and caption */

  /** What the legend of an export lists: the relations on screen, then what a dot's colour says (the
   * entity's type on the graph; helping or helped on the map, as its own legend says). */
  function legendEntries(view) {
    const rels = new Set(), types = new Set();
    gk.visible.edges.forEach(function (id) { const e = EDGE.get(id); if (f.isEvent(e)) rels.add(e.gk.relation); });
    gk.visible.nodes.forEach(function (id) { types.add(NODE.get(id).gk.type); });
    const lines = DATA.relations.filter(function (r) { return rels.has(r.key); }).map(function (r) { return { kind: "line", color: r.color, text: f.term(r), dashed: r.key === "secondment" }; });
    if (view === "map") {
      return lines.concat(gk.mapView.legend().map(function (entry) { return { kind: "dot", color: entry[0], text: entry[1] }; }));
    }
    return lines.concat(DATA.entityTypes.filter(function (t) { return types.has(t.key); }).map(function (t) { return { kind: "dot", color: t.color, text: f.term(t) }; }));
  }

  /** Lines of the caption, wrapped between its parts to about `width` pixels of 12px text. */
  function captionLines(width) {
    const perLine = Math.max(20, Math.floor(width / 12));
    const lines = [];
    let line = "";
    gk.caption().split(/(?<= · )|(?<=；)|(?<=; )/).forEach(function (piece) {
      while (piece.length > perLine) { lines.push(piece.slice(0, perLine)); piece = piece.slice(perLine); }
      if ((line + piece).length > perLine && line) { lines.push(line.trimEnd()); line = ""; }
      line += piece;
    });
    if (line.trim()) lines.push(line.trimEnd());
    return lines;
  }

  /** Legend and caption as SVG on white, `width` wide, placed at y = `top`; returns [group, height]. */
  function svgFooter(width, top, view) {
    const group = svg("g", { transform: "translate(0," + top + ")", "font-family": FONT, "font-size": 12, fill: "#1f2733" });
    const ground = svg("rect", { x: 0, y: 0, width: width, fill: "#ffffff" });
    group.append(ground);
    let x = 16, y = 18;
    legendEntries(view).forEach(function (entry) {
      const w = 28 + entry.text.length * 12;
      if (x + w > width - 16) { x = 16; y += 20; }
      if (entry.kind === "line") {
        group.append(svg("line", { x1: x, y1: y - 4, x2: x + 18, y2: y - 4, stroke: entry.color, "stroke-width": 2.5,
          "stroke-dasharray": entry.dashed ? "5 3" : "none" }));
      } else {
        group.append(svg("circle", { cx: x + 8, cy: y - 4, r: 5.5, fill: entry.color }));
      }
      const label = svg("text", { x: x + 24, y: y });
      label.textContent = entry.text;
      group.append(label);
      x += w;
    });
    y += 8;
    captionLines(width - 32).forEach(function (line) {
      y += 16;
      const text = svg("text", { x: 16, y: y, fill: "#5b6472" });
      text.textContent = line;
      group.append(text);
    });
    ground.setAttribute("height", y + 12);
    return [group, y + 12];
  }

  /* ------------------------------------------------------------------ the graph */

  /** The graph on screen as an SVG document: visible entities at their drawn positions, visible
   * relations as lines with arrows, labels as vis shows them, the legend and the caption. */
  function graphSvg() {
    const network = gk.network;
    const ids = Array.from(gk.visible.nodes).filter(function (id) { return network.body.nodes[id]; });
    const pos = network.getPositions(ids);
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    ids.forEach(function (id) {
      const r = (NODE.get(id).size || 10) + 40;
      x0 = Math.min(x0, pos[id].x - r); x1 = Math.max(x1, pos[id].x + r);
      y0 = Math.min(y0, pos[id].y - r); y1 = Math.max(y1, pos[id].y + r);
    });
    if (!ids.length) { x0 = y0 = 0; x1 = y1 = 200; }
    const width = Math.max(640, x1 - x0), height = y1 - y0;
    const scale = width / (x1 - x0);
    const doc = svg("svg", { xmlns: "http://www.w3.org/2000/svg", "font-family": FONT });
    const defs = svg("defs");
    DATA.relations.forEach(function (r) {
      defs.append(svg("marker", { id: "a-" + r.key, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
        orient: "auto-start-reverse" }, [svg("path", { d: "M0,1 L9,5 L0,9 z", fill: r.color })]));
    });
    doc.append(defs, svg("rect", { x: 0, y: 0, width: "100%", height: "100%", fill: "#ffffff" }));
    const drawing = svg("g", { transform: "scale(" + scale + ") translate(" + (-x0) + "," + (-y0) + ")" });
    gk.visible.edges.forEach(function (eid) {
      const e = EDGE.get(eid);
      const drawn = network.body.edges[eid];
      if (!drawn || !pos[e.from] || !pos[e.to]) return;
      const style = f.relationStyle(e.gk.relation);
      const a = pos[e.from], b = pos[e.to];
      const dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
      const rb = (NODE.get(e.to).size || 10) + 2;
      const line = svg("line", { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: (b.x - dx / d * rb).toFixed(1), y2: (b.y - dy / d * rb).toFixed(1),
        stroke: style.color, "stroke-width": e.width || (e.gk.relation === "within" ? 1 : 1.8), "stroke-opacity": f.reviewed(e.gk) ? 0.85 : 0.45 });
      if (f.isEvent(e)) line.setAttribute("marker-end", "url(#a-" + e.gk.relation + ")");
      if (e.gk.relation === "secondment") line.setAttribute("stroke-dasharray", "6 4");
      if (e.gk.relation === "within" || !f.reviewed(e.gk)) line.setAttribute("stroke-dasharray", "2 4");
      drawing.append(line);
    });
    ids.forEach(function (id) {
      const n = NODE.get(id);
      const p = pos[id];
      const r = n.size || 10;
      drawing.append(svg("circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: r, fill: f.typeStyle(n.gk.type).color, stroke: "#ffffff", "stroke-width": 1.5 }));
      const label = network.body.nodes[id].options.label;
      if (label && label.trim()) {
        const size = (n.font && n.font.size) || 13;
        const text = svg("text", { x: p.x.toFixed(1), y: (p.y + r + size).toFixed(1), "text-anchor": "middle", "font-size": size,
          fill: "#1f2733", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" });
        text.textContent = label;
        drawing.append(text);
      }
    });
    doc.append(drawing);
    const footer = svgFooter(width, height * scale, "graph");
    doc.append(footer[0]);
    const total = height * scale + footer[1];
    doc.setAttribute("width", Math.round(width));
    doc.setAttribute("height", Math.round(total));
    doc.setAttribute("viewBox", "0 0 " + Math.round(width) + " " + Math.round(total));
    return doc;
  }

  /** The graph as vis drew it on its canvas, on white, with the legend and caption beneath. */
  function graphPng() {
    const source = byId("gk-network").querySelector("canvas");
    const footer = svgFooter(source.width, 0, "graph");
    const footerHeight = Math.ceil(footer[1]);
    const canvas = document.createElement("canvas");
    canvas.width = source.width;
    canvas.height = source.height + footerHeight;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(source, 0, 0);
    return drawSvgOnto(ctx, footer[0], source.width, footerHeight, 0, source.height).then(function () { return canvasBlob(canvas); });
  }

  /* ------------------------------------------------------------------ the map */

  function mapSvg() {
    const live = byId("gk-view-map").querySelector("svg.gk-map-svg");
    const box = live.getBoundingClientRect();
    const width = Math.round(box.width) || 800, height = Math.round(box.height) || 600;
    const doc = live.cloneNode(true);
    doc.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    doc.removeAttribute("class");
    // the page's stylesheet is not in the file: the looks the map takes from it are written inline
    const computed = function (selector, props) {
      const from = live.querySelectorAll(selector), to = doc.querySelectorAll(selector);
      from.forEach(function (node, i) {
        const style = getComputedStyle(node);
        props.forEach(function (p) { to[i].setAttribute(p, style.getPropertyValue(p)); });
      });
    };
    computed(".gk-province", ["fill", "stroke", "stroke-width"]);
    computed(".gk-inset", ["fill", "stroke", "stroke-width"]);
    computed(".gk-flow", ["fill", "stroke-opacity", "opacity"]);
    computed(".gk-point circle", ["stroke", "stroke-width", "opacity"]);
    computed(".gk-point-label", ["font-size", "fill", "stroke", "stroke-width", "paint-order", "text-anchor"]);
    doc.insertBefore(svg("rect", { x: 0, y: 0, width: width, height: height, fill: "#f4f6f9" }), doc.firstChild);
    const footer = svgFooter(width, height, "map");
    doc.append(footer[0]);
    const total = height + footer[1];
    doc.setAttribute("width", width);
    doc.setAttribute("height", Math.round(total));
    doc.setAttribute("viewBox", "0 0 " + width + " " + Math.round(total));
    doc.setAttribute("font-family", FONT);
    return doc;
  }

  /* ------------------------------------------------------------------ SVG to PNG */

  function svgText(doc) { return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(doc); }

  /** Draw an SVG element (or document) into a 2D context: through an <img> of a data: URL, which the
   * page's CSP allows (img-src data:) and which keeps the canvas exportable. */
  function drawSvgOnto(ctx, node, width, height, x, y) {
    let doc = node;
    if (node.tagName !== "svg") {
      doc = svg("svg", { xmlns: "http://www.w3.org/2000/svg", width: width, height: height, viewBox: "0 0 " + width + " " + height });
      doc.append(svg("rect", { x: 0, y: 0, width: width, height: height, fill: "#ffffff" }), node);
    }
    return new Promise(function (resolve, reject) {
      const img = new Image();
      img.onload = function () { ctx.drawImage(img, x, y, width, height); resolve(); };
      img.onerror = function () { reject(new Error("the SVG could not be drawn")); };
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(doc));
    });
  }

  function canvasBlob(canvas) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
  }

  function svgPng(doc) {
    const width = parseFloat(doc.getAttribute("width")), height = parseFloat(doc.getAttribute("height"));
    const ratio = Math.min(2, Math.max(1, 2400 / width));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext("2d");
    return drawSvgOnto(ctx, doc, canvas.width, canvas.height, 0, 0).then(function () { return canvasBlob(canvas); });
  }

  /* ------------------------------------------------------------------ CSV */

  const CSV_HEADER = ["event", "date", "date_is_article_date", "relation", "from", "to", "from_ids", "to_ids",
    "amount_yuan", "approximate", "per_period", "counted_yuan", "stated_as", "items", "quantity", "purpose", "mode",
    "post", "planned", "review_status", "source_id", "source_title", "publisher", "source_date", "source_url", "evidence"];

  /** The visible events, one row each (every party named), with their sources. */
  function eventsCsv() {
    const rows = gk.visibleEvents().sort(function (a, b) { return (a.gk.when || "~").localeCompare(b.gk.when || "~") || a.key.localeCompare(b.key); })
      .map(function (ev) {
        const g = ev.gk;
        const source = DATA.sources[g.sourceId] || {};
        const names = function (ids) { return ids.map(function (id) { return NODE.get(id).label; }).join("; "); };
        return [g.event || ev.key, g.when || "", g.whenSource ? "true" : "", g.relation, names(ev.from), names(ev.to),
          ev.from.join(" "), ev.to.join(" "), g.amount === undefined ? "" : g.amount, g.amount === undefined ? "" : String(!!g.approximate),
          g.period || "", g.counted === undefined ? "" : g.counted, g.statedAs || "", g.items || "", g.quantity || "", g.purpose || "",
          g.mode || "", g.role || "", g.planned ? "true" : "", source.status || "reviewed", g.sourceId || "", source.title || "",
          source.publisher || "", source.date || "", source.url || "", g.evidence || ""];
      });
    return gk.util.csvText(CSV_HEADER, rows);
  }

  /* ------------------------------------------------------------------ the menu */

  function exportAs(kind) {
    const view = gk.view === "map" ? "map" : "graph";
    if (kind === "csv") {
      gk.util.download(new Blob(["\ufeff" + eventsCsv()], { type: "text/csv;charset=utf-8" }), fileName("events", "csv"));
      return Promise.resolve();
    }
    if (kind === "print") { window.print(); return Promise.resolve(); }
    if (kind === "link") return copyLink();
    if (gk.view !== "graph" && gk.view !== "map") gk.showView("graph");
    const doc = view === "map" ? mapSvg() : graphSvg();
    if (kind === "svg") {
      gk.util.download(new Blob([svgText(doc)], { type: "image/svg+xml;charset=utf-8" }), fileName(view, "svg"));
      return Promise.resolve();
    }
    return (view === "graph" ? graphPng() : svgPng(doc)).then(function (blob) { gk.util.download(blob, fileName(view, "png")); });
  }

  function copyLink() {
    const url = location.href;
    const done = function () { flash(T("链接已复制", "Link copied")); };
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(url).then(done, function () { prompt(T("本视图的链接：", "A link to this view:"), url); });
    window.prompt(T("本视图的链接：", "A link to this view:"), url);
    return Promise.resolve();
  }

  function flash(text) {
    const note = el("div", { className: "gk-flash", text: text, attrs: { role: "status" } });
    document.body.append(note);
    setTimeout(function () { note.remove(); }, 1800);
  }

  const button = byId("gk-export"), menu = byId("gk-export-menu");
  function openMenu(open) { menu.hidden = !open; button.setAttribute("aria-expanded", open ? "true" : "false"); }
  button.addEventListener("click", function () { openMenu(menu.hidden); if (!menu.hidden) menu.querySelector("button").focus(); });
  menu.querySelectorAll("button").forEach(function (item) {
    item.addEventListener("click", function () { openMenu(false); exportAs(item.dataset.export); });
  });
  menu.addEventListener("keydown", function (ev) {
    const items = Array.from(menu.querySelectorAll("button"));
    const at = items.indexOf(document.activeElement);
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      items[(at + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length].focus();
    } else if (ev.key === "Escape") { openMenu(false); button.focus(); }
  });
  document.addEventListener("click", function (ev) { if (!ev.target.closest(".gk-menu")) openMenu(false); });

  gk.exports = { as: exportAs, csv: eventsCsv, graphSvg: function () { return svgText(graphSvg()); }, mapSvg: function () { return svgText(mapSvg()); } };
})();
