/* graphkit explorer — the network view (vis-network).
 *
 * Small graphs are laid out by physics once and then frozen; large ones arrive with positions
 * computed in Python and physics off. Exploring a neighbourhood (search, double-click, "expand")
 * lays out just those entities with a small force layout here, and restores the overview positions
 * when the focus is cleared. Tooltips are built on hover (not for every item up front), so a
 * 10,000-node graph opens quickly.
 */
(function () {
  "use strict";
  const gk = window.graphkit;
  const DATA = gk.data;
  const { el, byId } = gk.util;
  const f = gk.fmt;
  const { NODE, EDGE, SOURCES } = gk.index;

  /* ------------------------------------------------------------------ tooltips (hover) */

  function nodeTooltip(n) {
    const g = n.gk;
    const style = f.typeStyle(g.type);
    const T = f.T;
    const rows = f.nodeFacts(n, ["type", "geo", "adcode"]);
    if (g.given) rows.push([T("捐出", "Given"), f.yuanShort(g.given)]);
    if (g.received) rows.push([T("收到", "Received"), f.yuanShort(g.received)]);
    if (g.within && (g.givenAll || g.receivedAll)) {
      rows.push([T("含下辖", "Incl. within"), T("捐出 ", "given ") + f.yuanShort(g.givenAll || 0) + T(" · 收到 ", " · received ") + f.yuanShort(g.receivedAll || 0)]);
    }
    return el("div", { className: "gk-tip" }, [
      el("div", { className: "gk-tip-head" }, [f.dot(style.color), f.term(style)]),
      el("div", { className: "gk-tip-title", text: f.nodeLabel(n.id) }),
      rows.length ? f.factList(rows) : null,
    ]);
  }

  function edgeTooltip(e) {
    const g = e.gk;
    const style = f.relationStyle(g.relation);
    const source = SOURCES[g.sourceId];
    return el("div", { className: "gk-tip" }, [
      el("div", { className: "gk-tip-head" }, [f.lineSwatch(g.relation), f.term(style)]),
      el("div", { className: "gk-tip-title", text: f.nodeLabel(e.from) + " → " + f.nodeLabel(e.to) }),
      f.factList(f.eventFacts(g)),
      source ? el("div", { className: "gk-tip-source" }, [
        f.T("来源：", "Source: ") + (source.title || g.sourceId) + (source.publisher ? " · " + source.publisher : ""),
      ]) : null,
    ]);
  }

  /** One floating tooltip shared by every view: content is a DOM node, placed beside the pointer. */
  const tip = byId("gk-tooltip");
  function showTip(content, clientX, clientY) {
    gk.util.fill(tip, [content]);
    tip.hidden = false;
    const stage = tip.parentElement.getBoundingClientRect();
    const w = tip.offsetWidth, h = tip.offsetHeight;
    let x = clientX - stage.left + 14, y = clientY - stage.top + 14;
    if (x + w > stage.width - 8) x = Math.max(8, clientX - stage.left - w - 14);
    if (y + h > stage.height - 8) y = Math.max(8, clientY - stage.top - h - 14);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }
  gk.tooltip = { show: showTip, hide: hideTip, node: nodeTooltip, edge: edgeTooltip };

  /* ------------------------------------------------------------------ the network */

  // What the default filters show is known before drawing, so the network starts in that state.
  const initial = gk.computeVisible();
  const STYLES = DATA.edgeStyles || {};
  // Large graphs (positions from Python) leave out the part-of links: their layout already keeps a
  // place's units together, and 10,000 faint lines cost a third of the drawing. The panel still lists them.
  const drawWithin = DATA.meta.layout === "physics";
  // vis gets only what it draws; the rest of each record (gk) stays in DATA, read through gk.index.
  // Items hidden by the opening filters are created when first shown (syncVisibility), not up front.
  function nodeItem(n) {
    const item = { id: n.id, label: f.nodeLabel(n.id), group: n.group, size: n.size };
    if (n.font) item.font = n.font;
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    return item;
  }
  function drawn(e) { return drawWithin || e.gk.relation !== "within"; }
  // An event of a source nobody has reviewed yet (machine-extracted) is drawn faint and dotted.
  const EXTRACTED = { dashes: [2, 5], color: { opacity: 0.45 } };
  function edgeItem(e) {
    const item = Object.assign({ id: e.id, from: e.from, to: e.to }, STYLES[e.gk.relation]);
    if (f.isEvent(e) && !f.reviewed(e.gk)) {
      item.dashes = EXTRACTED.dashes;
      item.color = Object.assign({}, item.color, EXTRACTED.color);
    }
    if (e.width !== undefined) item.width = e.width;
    if (e.smooth !== undefined) item.smooth = e.smooth;
    if (e.length !== undefined) item.length = e.length;
    return item;
  }
  const physics = DATA.meta.layout === "physics"; // a physics layout needs every node from the start
  const nodes = new vis.DataSet(DATA.nodes.filter(function (n) { return physics || initial.nodes.has(n.id); }).map(function (n) {
    const item = nodeItem(n);
    if (!initial.nodes.has(n.id)) item.hidden = true;
    return item;
  }));
  const edges = new vis.DataSet(DATA.edges.filter(function (e) { return drawn(e) && (physics || initial.edges.has(e.id)); }).map(function (e) {
    const item = edgeItem(e);
    if (!initial.edges.has(e.id)) item.hidden = true;
    return item;
  }));
  performance.mark("gk:datasets");
  const container = byId("gk-network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);
  Object.assign(gk, { network: network, nodes: nodes, edges: edges });
  // vis fits the view to its items and draws as soon as the browser gets a frame, often before the
  // rest of the page's scripts have run: a static layout is ready at that first drawing.
  let drawnOnce = false;
  network.once("afterDrawing", function () { drawnOnce = true; });
  performance.mark("gk:network");

  let pointer = { x: 0, y: 0 };
  container.addEventListener("pointermove", function (ev) { pointer = { x: ev.clientX, y: ev.clientY }; });
  network.on("hoverNode", function (p) { const n = NODE.get(p.node); if (n) showTip(nodeTooltip(n), pointer.x, pointer.y); });
  network.on("hoverEdge", function (p) { const e = EDGE.get(p.edge); if (e) showTip(edgeTooltip(e), pointer.x, pointer.y); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  /** Fit the view to what the filters leave visible (hidden nodes keep positions but should not shrink it). */
  function fitVisible(animate) {
    const ids = Array.from(gk.visible.nodes);
    network.fit({ nodes: ids.length ? ids : [], // an empty list means every node
      animation: animate ? { duration: 500, easingFunction: "easeInOutQuad" } : false });
  }

  /**
   * Show exactly the visible sets. vis-network re-parses every option of an item updated through its
   * DataSet (about a second for 10,000 nodes), so the hidden flags are set on the drawn items directly
   * and vis is told once that its data changed (it then rebuilds its index of visible items).
   * `gk.visible` is the truth; the DataSets keep the data as loaded.
   */
  function syncVisibility(visible) {
    const body = network.body;
    let changed = false;
    const newNodes = [], newEdges = [];
    DATA.nodes.forEach(function (n) {
      const item = body.nodes[n.id];
      const hide = !visible.nodes.has(n.id);
      if (!item) { if (!hide) newNodes.push(nodeItem(n)); }
      else if (item.options.hidden !== hide) { item.options.hidden = hide; changed = true; }
    });
    DATA.edges.forEach(function (e) {
      const item = body.edges[e.id];
      const hide = !visible.edges.has(e.id);
      if (!item) { if (!hide && drawn(e)) newEdges.push(edgeItem(e)); }
      else if (item.options.hidden !== hide) { item.options.hidden = hide; changed = true; }
    });
    if (changed) body.emitter.emit("_dataChanged");
    if (newNodes.length) nodes.add(newNodes);
    if (newEdges.length) edges.add(newEdges);
    byId("gk-empty").hidden = visible.nodes.size > 0 || !gk.ready;
    // the drawing follows the filters: re-fit to what is left (a neighbourhood fits itself when laid out)
    if (gk.ready && !gk.state.focus && (changed || newNodes.length)) setTimeout(function () { fitVisible(true); declutterSoon(); }, 0);
  }
  gk.bus.on("visibility", syncVisibility);

  /* ------------------------------------------------------------------ labels that do not collide */

  const hiddenLabels = new Set();
  /**
   * Labels drawn in the canvas never overlap: a label whose box would cover a bigger entity's label
   * is left out (the biggest and busiest entities are named first), shown again when its entity is
   * selected or the view changes. Boxes come from vis itself (a dot's bounding box includes its label),
   * in canvas units, so whether two labels collide does not depend on the zoom. Up to 1,500 shown
   * entities; above that vis's drawThreshold already leaves small labels out of the overview.
   */
  function declutter() {
    const ids = Array.from(gk.visible.nodes).filter(function (id) { return network.body.nodes[id]; });
    const restore = [];
    hiddenLabels.forEach(function (id) { if (network.body.nodes[id]) restore.push({ id: id, label: f.nodeLabel(id) }); });
    hiddenLabels.clear();
    if (restore.length) nodes.update(restore);
    if (ids.length > 1500) return;
    network.redraw(); // boxes of the labels just restored
    const selected = gk.state.selected && gk.state.selected.kind === "node" ? gk.state.selected.id : null;
    ids.sort(function (a, b) {
      const x = NODE.get(a), y = NODE.get(b);
      return (b === selected) - (a === selected) || (y.size || 0) - (x.size || 0) || (y.gk.degree || 0) - (x.gk.degree || 0) || (a < b ? -1 : 1);
    });
    const kept = [];
    const hide = [];
    ids.forEach(function (id) {
      const box = network.getBoundingBox(id);
      const pos = network.getPosition(id);
      const r = NODE.get(id).size || 10;
      // the label's own box: the node's box minus its dot (vis puts the label under the dot)
      const label = { left: box.left, right: box.right, top: Math.max(box.top, pos.y + r), bottom: box.bottom };
      const clash = label.bottom > label.top && kept.some(function (o) {
        return label.left < o.right && o.left < label.right && label.top < o.bottom && o.top < label.bottom;
      });
      if (clash) { hide.push({ id: id, label: " " }); hiddenLabels.add(id); }
      else kept.push(label);
    });
    if (hide.length) nodes.update(hide);
  }
  let declutterTimer = 0;
  function declutterSoon() { clearTimeout(declutterTimer); declutterTimer = setTimeout(declutter, 60); }
  gk.bus.on("select", function (sel) { if (sel && sel.kind === "node" && hiddenLabels.has(sel.id)) declutterSoon(); });
  gk.bus.on("lang", function () {
    const relabelled = [];
    DATA.nodes.forEach(function (n) { if (network.body.nodes[n.id]) relabelled.push({ id: n.id, label: f.nodeLabel(n.id) }); });
    hiddenLabels.clear();
    nodes.update(relabelled);
    declutterSoon();
  });

  /* ------------------------------------------------------------------ zoom buttons */

  function zoomBy(factor) {
    network.moveTo({ scale: Math.max(0.02, Math.min(8, network.getScale() * factor)), animation: { duration: 200, easingFunction: "easeInOutQuad" } });
  }
  byId("gk-zoom-in").addEventListener("click", function () { zoomBy(1.4); });
  byId("gk-zoom-out").addEventListener("click", function () { zoomBy(1 / 1.4); });
  byId("gk-zoom-fit").addEventListener("click", function () { fitVisible(true); });

  /* ------------------------------------------------------------------ neighbourhood layout */

  const overview = new Map(); // overview positions of the nodes a neighbourhood layout moved

  /**
   * A compact force layout of the focused entities: new ones start around the entity they were
   * reached from, settled ones stay close to where they were. O(n²) per step, fine for ≤ 600 nodes.
   */
  function layoutFocus(event) {
    const ids = Array.from(gk.visible.nodes);
    if (!ids.length || ids.length > 600) { fitVisible(true); return; }
    const current = network.getPositions(ids);
    ids.forEach(function (id) { if (!overview.has(id)) overview.set(id, current[id]); });
    const index = new Map(ids.map(function (id, i) { return [id, i]; }));
    const pos = ids.map(function (id) { return { x: current[id].x, y: current[id].y }; });
    const fixed = new Set();
    const centre = event && event.from && index.has(event.from) ? current[event.from] : pos[0];
    const fresh = new Set(event && !event.reset && event.added ? event.added : ids);
    const links = [];
    const adjacent = ids.map(function () { return []; });
    gk.visible.edges.forEach(function (eid) {
      const e = EDGE.get(eid);
      if (!index.has(e.from) || !index.has(e.to) || e.from === e.to) return;
      const a = index.get(e.from), b = index.get(e.to);
      links.push([a, b, f.isEvent(e) ? 150 : 95]);
      adjacent[a].push(b); adjacent[b].push(a);
    });
    // Start from rings around the entities explored from (breadth-first), children near their parent.
    const roots = (event && !event.reset && event.from ? [event.from] : (gk.state.focus ? gk.state.focus.roots : []))
      .filter(function (id) { return index.has(id); }).map(function (id) { return index.get(id); });
    const angle = new Float64Array(ids.length);
    const ring = new Int32Array(ids.length).fill(-1);
    let frontier = roots.length ? roots : [0];
    frontier.forEach(function (i, k) { ring[i] = 0; angle[i] = (2 * Math.PI * k) / frontier.length; });
    for (let depth = 1; frontier.length; depth++) {
      const next = [];
      frontier.forEach(function (i) {
        adjacent[i].forEach(function (j) { if (ring[j] < 0 && fresh.has(ids[j])) { ring[j] = depth; angle[j] = angle[i]; next.push(j); } });
      });
      next.forEach(function (j, k) { angle[j] = angle[j] * 0.5 + (2 * Math.PI * k) / Math.max(next.length, 1) * 0.5 + depth; });
      frontier = next;
    }
    ids.forEach(function (id, i) {
      if (!fresh.has(id)) { fixed.add(i); return; }
      const r = ring[i] < 0 ? 200 + 40 * Math.sqrt(i) : 170 * ring[i] * (1 + 0.15 * Math.sqrt(ids.length / 40));
      pos[i] = { x: centre.x + r * Math.cos(angle[i]) + (i % 7) * 3, y: centre.y + r * Math.sin(angle[i]) + (i % 5) * 3 };
    });
    const n = ids.length;
    const size = ids.map(function (id) { return NODE.get(id).size || 10; });
    const STEPS = 300;
    for (let step = 0; step < STEPS; step++) {
      const cool = 1 - step / STEPS;
      const dx = new Float64Array(n), dy = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let vx = pos[i].x - pos[j].x, vy = pos[i].y - pos[j].y;
          let d2 = vx * vx + vy * vy;
          if (d2 < 1) { vx = Math.random() - 0.5; vy = Math.random() - 0.5; d2 = 1; }
          if (d2 > 1.44e6) continue;
          const want = size[i] + size[j] + 70;
          const force = (want * want * 2.5) / d2;
          const d = Math.sqrt(d2);
          dx[i] += (vx / d) * force; dy[i] += (vy / d) * force;
          dx[j] -= (vx / d) * force; dy[j] -= (vy / d) * force;
        }
      }
      links.forEach(function (l) {
        const a = l[0], b = l[1];
        const vx = pos[b].x - pos[a].x, vy = pos[b].y - pos[a].y;
        const d = Math.sqrt(vx * vx + vy * vy) || 1;
        const force = (d - (l[2] + size[a] + size[b])) * 0.06;
        dx[a] += (vx / d) * force; dy[a] += (vy / d) * force;
        dx[b] -= (vx / d) * force; dy[b] -= (vy / d) * force;
      });
      for (let i = 0; i < n; i++) {
        const pull = fixed.has(i) ? 0.1 : 1;
        const cap = 40 * cool + 1;
        const m = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) || 1;
        const s = Math.min(m, cap) / m;
        pos[i].x += dx[i] * s * pull; pos[i].y += dy[i] * s * pull;
        // a weak pull to the centre keeps separate pieces of the neighbourhood together
        pos[i].x += (centre.x - pos[i].x) * 0.002; pos[i].y += (centre.y - pos[i].y) * 0.002;
      }
    }
    ids.forEach(function (id, i) { network.moveNode(id, pos[i].x, pos[i].y); });
    setTimeout(function () { fitVisible(true); declutterSoon(); }, 30);
  }

  function restoreOverview() {
    overview.forEach(function (p, id) { network.moveNode(id, p.x, p.y); });
    overview.clear();
    setTimeout(function () { fitVisible(true); declutterSoon(); }, 30);
  }

  gk.bus.on("focus", function (event) {
    if (!gk.ready) return;
    if (event) layoutFocus(event); else restoreOverview();
  });

  /* ------------------------------------------------------------------ layout on open */

  function markReady() {
    if (gk.ready) return;
    performance.mark("gk:ready");
    gk.ready = true;
    declutter();
    byId("gk-progress").hidden = true;
    byId("gk-empty").hidden = gk.visible.nodes.size > 0;
    document.body.dataset.ready = "true";
    gk.bus.emit("ready", gk);
  }

  /** Physics only until the layout settles, then frozen: nothing keeps wobbling while people read. */
  function startLayout() {
    if (!DATA.nodes.length) {
      byId("gk-empty").hidden = false;
      markReady();
      return;
    }
    if (DATA.meta.layout !== "physics") {
      if (drawnOnce) markReady();
      else network.once("afterDrawing", markReady);
      return;
    }
    const progress = byId("gk-progress");
    const bar = progress.querySelector("i");
    progress.hidden = false;
    network.on("stabilizationProgress", function (p) {
      bar.style.width = Math.round((100 * p.iterations) / Math.max(p.total, 1)) + "%";
    });
    function settle() {
      if (gk.ready) return;
      network.setOptions({ physics: false });
      fitVisible(false);
      markReady();
    }
    // vis may finish a small graph's stabilization before these listeners exist (it runs on its own
    // timers from the constructor on): then its state says so; and a layout that never reports
    // settling is frozen after a while rather than leaving the page waiting.
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
    if (network.physics && network.physics.stabilized) settle();
    setTimeout(settle, 15000);
  }

  /* ------------------------------------------------------------------ selection in the graph */

  function isShown(kind, id) { return kind === "node" ? gk.visible.nodes.has(id) : gk.visible.edges.has(id); }

  gk.bus.on("select", function (sel) {
    if (!sel) { network.unselectAll(); return; }
    if (sel.kind === "node" && isShown("node", sel.id)) {
      network.selectNodes([sel.id], true);
      if (sel.focus && gk.view === "graph") {
        network.focus(sel.id, { scale: Math.max(network.getScale(), 1.15), animation: { duration: 650, easingFunction: "easeInOutQuad" } });
      }
    } else if (sel.kind === "edge" && isShown("edge", sel.id)) {
      network.selectEdges([sel.id]);
      if (sel.focus && gk.view === "graph") {
        const e = EDGE.get(sel.id);
        network.fit({ nodes: [e.from, e.to], maxZoomLevel: 1.4, animation: { duration: 650, easingFunction: "easeInOutQuad" } });
      }
    } else {
      network.unselectAll();
    }
  });

  network.on("click", function (params) {
    hideTip();
    if (params.nodes.length) gk.selectNode(params.nodes[0], { focus: false });
    else if (params.edges.length) gk.selectEdge(params.edges[0]);
    else gk.selectNothing();
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) gk.expand(params.nodes[0]);
  });

  gk.bus.on("view", function (name) {
    if (name === "graph") setTimeout(function () { network.redraw(); }, 0);
  });

  gk.graphView = { fit: fitVisible, start: startLayout, redraw: function () { network.redraw(); }, declutter: declutter,
    zoomBy: zoomBy, hiddenLabels: hiddenLabels };
})();
