/* graphkit explorer — the timeline view: assistance events by date, under the same filters.
 *
 * A strip chart (one lane per relation, a dot per event at its date, sized by money for donations)
 * above a list grouped by year. Events dated only by their article are marked so; events with no
 * date at all are listed last. An event with several parties (one edge each) appears once. A pairing
 * with a stated period is drawn as a bar from its start to its end (open-ended: to the chart's edge),
 * and its end is listed in the year it ends, so a re-pairing reads as one bar ending where another
 * begins.
 */
(function () {
  "use strict";
  const gk = window.graphkit;
  const { el, svg, byId, clear } = gk.util;
  const f = gk.fmt;
  const root = byId("gk-view-timeline");
  const state = { dirty: true, events: [], ends: [] };

  /** yyyy[-mm[-dd]] → fractional year (a year alone sits mid-year, a month mid-month). */
  function position(when) {
    const parts = when.split("-").map(function (x) { return parseInt(x, 10); });
    if (parts.length === 1) return parts[0] + 0.5;
    if (parts.length === 2) return parts[0] + (parts[1] - 0.5) / 12;
    return parts[0] + (parts[1] - 1) / 12 + (parts[2] - 0.5) / 365;
  }

  /** Visible events (one per event, graphkit.visibleEvents), by date, undated last. */
  function collect() {
    const events = gk.visibleEvents();
    events.forEach(function (ev) { ev.t = ev.gk.when ? position(ev.gk.when) : null; });
    events.sort(function (a, b) {
      if (a.t === null || b.t === null) return (a.t === null) - (b.t === null);
      return a.t - b.t || (b.gk.amount || 0) - (a.gk.amount || 0);
    });
    state.events = events;
    // the end of each pairing's stated period, listed in its year when the year filter shows that year
    const st = gk.state;
    state.ends = events.filter(function (ev) { return ev.gk.relation === "pairing" && ev.gk.validTo; })
      .map(function (ev) { return { ev: ev, t: position(ev.gk.validTo) }; })
      .filter(function (end) {
        const year = Math.floor(end.t);
        return (st.yearFrom === null || year >= st.yearFrom) && (st.yearTo === null || year <= st.yearTo);
      });
    state.dirty = false;
  }

  /** Events and pairing ends in date order, undated events last. */
  function entries() {
    const dated = state.events.filter(function (ev) { return ev.t !== null; });
    const undated = state.events.filter(function (ev) { return ev.t === null; });
    const all = dated.map(function (ev) { return { ev: ev, t: ev.t, end: false }; })
      .concat(state.ends.map(function (end) { return { ev: end.ev, t: end.t, end: true }; }));
    all.sort(function (a, b) { return a.t - b.t || (a.end - b.end); });
    return all.concat(undated.map(function (ev) { return { ev: ev, t: null, end: false }; }));
  }

  const T = f.T;
  function parties(ids) { return ids.map(f.nodeLabel).join(T("、", ", ")); }

  function eventTip(ev) {
    return el("div", { className: "gk-tip" }, [
      el("div", { className: "gk-tip-head" }, [f.lineSwatch(ev.gk.relation), f.term(f.relationStyle(ev.gk.relation))]),
      el("div", { className: "gk-tip-title", text: parties(ev.from) + " → " + parties(ev.to) }),
      f.factList(f.eventFacts(ev.gk)),
    ]);
  }

  function chart(events, width) {
    const dated = events.filter(function (ev) { return ev.t !== null; });
    const lanes = gk.data.relations.filter(function (r) {
      return r.key !== "within" && dated.some(function (ev) { return ev.gk.relation === r.key; });
    });
    if (!dated.length) return null;
    const times = dated.map(function (ev) { return ev.t; }).concat(state.ends.map(function (end) { return end.t; }));
    const t0 = Math.floor(Math.min.apply(null, times));
    const t1 = Math.floor(Math.max.apply(null, times)) + 1;
    const left = 110, right = 24, laneH = 54, top = 16;
    const height = top + lanes.length * laneH + 34;
    const x = function (t) { return left + ((t - t0) / Math.max(t1 - t0, 1)) * (width - left - right); };
    const chartSvg = svg("svg", { class: "gk-tl-chart", width: width, height: height, role: "img", "aria-label": T("帮扶事件时间分布", "Events over time") });
    lanes.forEach(function (lane, i) {
      const y = top + i * laneH;
      chartSvg.append(svg("rect", { x: left, y: y + 4, width: width - left - right, height: laneH - 8, rx: 6, class: "gk-tl-lane" }));
      const label = svg("text", { x: left - 12, y: y + laneH / 2 + 4, class: "gk-tl-lane-label" });
      label.textContent = f.term(lane);
      chartSvg.append(label);
    });
    // a label every `step` years, so that labels of about 36 px never run into each other
    const perYear = (width - left - right) / Math.max(t1 - t0, 1);
    const step = [1, 2, 5, 10, 20, 50].find(function (n) { return n * perYear >= 36; }) || 100;
    for (let year = t0; year <= t1; year++) {
      const gx = x(year);
      chartSvg.append(svg("line", { x1: gx, x2: gx, y1: top, y2: top + lanes.length * laneH, class: "gk-tl-grid" }));
      if ((year < t1 || t1 - t0 <= 1) && year % step === 0) {
        const label = svg("text", { x: year < t1 ? x(year + 0.5) : gx, y: top + lanes.length * laneH + 20, class: "gk-tl-year" });
        label.textContent = String(year);
        chartSvg.append(label);
      }
    }
    const top1 = Math.max.apply(null, [1].concat(dated.map(function (ev) { return ev.gk.amount || 0; })));
    const seen = new Map();
    const spans = svg("g", { class: "gk-tl-spans" });
    chartSvg.append(spans);
    dated.forEach(function (ev) {
      const lane = lanes.findIndex(function (l) { return l.key === ev.gk.relation; });
      if (lane < 0) return;
      const slot = Math.round(x(ev.t) / 6) + ":" + lane;
      const k = seen.get(slot) || 0;
      seen.set(slot, k + 1);
      const cy = top + lane * laneH + laneH / 2 + ((k % 5) - 2) * 7;
      const r = ev.gk.relation === "donation" && ev.gk.amount ? 3.5 + 10 * Math.sqrt(ev.gk.amount / top1) : 4.5;
      const style = f.relationStyle(ev.gk.relation);
      const precise = ev.gk.when.length > 4 && !ev.gk.whenSource;
      const faint = !f.reviewed(ev.gk);
      const period = ev.gk.relation === "pairing" && (ev.gk.validFrom || ev.gk.validTo);
      if (period) { // in force from its start to its end; an open end runs to the chart's edge
        const x0 = x(ev.gk.validFrom ? position(ev.gk.validFrom) : ev.t);
        const x1 = ev.gk.validTo ? x(position(ev.gk.validTo)) : width - right;
        spans.append(svg("line", { x1: x0.toFixed(1), x2: x1.toFixed(1), y1: cy.toFixed(1), y2: cy.toFixed(1), stroke: style.color,
          class: "gk-tl-span" + (ev.gk.validTo ? "" : " gk-tl-open") + (faint ? " gk-extracted" : "") }));
        if (ev.gk.validTo) {
          spans.append(svg("line", { x1: x1.toFixed(1), x2: x1.toFixed(1), y1: (cy - 6).toFixed(1), y2: (cy + 6).toFixed(1),
            stroke: style.color, class: "gk-tl-end" }));
        }
      }
      const dotEl = svg("circle", { cx: x(ev.t).toFixed(1), cy: cy.toFixed(1), r: r.toFixed(1), fill: precise ? style.color : "#fff",
        stroke: style.color, "stroke-width": precise ? 1 : 2, class: "gk-tl-dot" + (faint ? " gk-extracted" : ""), "data-event": ev.key });
      dotEl.addEventListener("pointermove", function (e) { gk.tooltip.show(eventTip(ev), e.clientX, e.clientY); });
      dotEl.addEventListener("pointerleave", gk.tooltip.hide);
      dotEl.addEventListener("click", function () { gk.selectEdge(ev.edge); });
      ev.dot = dotEl;
      chartSvg.append(dotEl);
    });
    return chartSvg;
  }

  /** One list row: the event at its date, or (`end`) the end of a pairing's period at its end date. */
  function row(ev, end) {
    const style = f.relationStyle(ev.gk.relation);
    const amount = ev.gk.amount ? f.yuanShort(ev.gk.amount) + (ev.gk.period ? " / " + f.periodText(ev.gk.period) : "") : null;
    const period = ev.gk.relation === "pairing" ? f.validityText(ev.gk) : null;
    const what = [amount, ev.gk.items, f.modeText(ev.gk), period, ev.gk.role].filter(Boolean).join(" · ");
    const date = end ? ev.gk.validTo : ev.gk.when;
    const li = el("li", { className: "gk-tl-item" + (end ? " gk-tl-ending" : "") + (f.reviewed(ev.gk) ? "" : " gk-extracted"),
      dataset: { event: ev.key } }, [
      el("span", { className: "gk-tl-date", text: date ? date : "—",
        title: !end && ev.gk.whenSource ? T("事件本身未注明日期，此为报道日期", "The event states no date: this is its article's") : "" },
      !end && ev.gk.whenSource ? [el("sup", { text: T("报", "a") })] : []),
      el("span", { className: "gk-tl-rel" }, [f.lineSwatch(ev.gk.relation),
        end ? T("结对结束", "pairing ends") : f.term(style)]),
      el("span", { className: "gk-tl-route" }, [
        el("button", { className: "gk-link", type: "button", text: parties(ev.from), onClick: function (e) { e.stopPropagation(); gk.selectNode(ev.from[0]); } }),
        el("span", { className: "gk-arrow", text: " → " }),
        el("button", { className: "gk-link", type: "button", text: parties(ev.to), onClick: function (e) { e.stopPropagation(); gk.selectNode(ev.to[0]); } }),
      ]),
      el("span", { className: "gk-tl-what", text: what }),
      ev.gk.sourceId ? el("span", { className: "gk-tl-source" }, [f.sourceTitle(ev.gk.sourceId)]) : null,
    ]);
    li.addEventListener("click", function () { gk.selectEdge(ev.edge); });
    if (end) ev.endRow = li; else ev.row = li;
    return li;
  }

  function draw() {
    if (state.dirty) collect();
    clear(root);
    const events = state.events;
    const width = Math.max(480, root.clientWidth - 48);
    const dated = events.filter(function (ev) { return ev.t !== null; }).length;
    const head = el("div", { className: "gk-tl-head" }, [
      el("h2", { text: T("时间线 Timeline", "Timeline") }),
      el("span", { className: "gk-sub", text: T(events.length + " 项事件 · " + dated + " 项有日期 · 空心点：只有年份或按报道日期",
        events.length + " events · " + dated + " dated · hollow dots: a year only, or the article's date") }),
    ]);
    const list = el("div", { className: "gk-tl-list" });
    let year = undefined, ul = null;
    const shown = entries();
    shown.slice(0, 3000).forEach(function (entry) {
      const y = entry.t === null ? T("无日期 undated", "Undated") : String(Math.floor(entry.t));
      if (y !== year) {
        year = y;
        ul = el("ul", { className: "gk-tl-items" });
        list.append(el("h3", { className: "gk-tl-group", text: y }), ul);
      }
      ul.append(row(entry.ev, entry.end));
    });
    if (shown.length > 3000) list.append(el("p", { className: "gk-sub", text: T("仅列出前 3000 项；请用筛选缩小范围。", "The first 3,000 events; narrow them with the filters.") }));
    root.append(el("div", { className: "gk-tl" }, [head, chart(events, width), events.length ? list : el("p", { className: "gk-sub", text: T("没有符合筛选条件的事件。", "No event passes the filters.") })]));
    highlight();
  }

  function highlight() {
    const sel = gk.state.selected;
    state.events.forEach(function (ev) {
      let on = false;
      if (sel && sel.kind === "edge") on = ev.edges.indexOf(sel.id) >= 0;
      else if (sel && sel.kind === "node") on = ev.from.indexOf(sel.id) >= 0 || ev.to.indexOf(sel.id) >= 0;
      if (ev.row) ev.row.classList.toggle("gk-selected-row", on);
      if (ev.endRow) ev.endRow.classList.toggle("gk-selected-row", on);
      if (ev.dot) ev.dot.classList.toggle("gk-tl-on", on);
    });
  }

  gk.bus.on("visibility", function () { state.dirty = true; if (gk.view === "timeline") draw(); });
  gk.bus.on("view", function (name) { if (name === "timeline") draw(); });
  gk.bus.on("resize", function () { if (gk.view === "timeline") draw(); });
  gk.bus.on("lang", function () { if (gk.view === "timeline") draw(); });
  gk.bus.on("select", function () { if (gk.view === "timeline") highlight(); });

  gk.timelineView = { events: function () { if (state.dirty) collect(); return state.events; }, draw: draw };
})();
