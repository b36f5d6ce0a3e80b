/* graphkit review — the review screen: a queue of sources, the article with each candidate's span
 * highlighted, and the candidates as cards to accept, edit, reject or add (graphkit/review/app.py).
 *
 * Article text and names reach the page only through textContent and attributes, never as markup.
 * Every change is kept in an undo history and as a draft on the server (data/.review/<id>.json), so a
 * closed tab loses nothing; saving sends the accepted events with the version they were read from.
 */
(function () {
  "use strict";

  const TOKEN = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  const VOCAB = JSON.parse(document.getElementById("rv-vocabulary").textContent);
  const RELATIONS = new Map(VOCAB.relations.map(function (r) { return [r.key, r]; }));
  const FIELDS = {
    pairing: [["from", "帮扶方", "parties"], ["to", "受助方", "parties"], ["mode", "方式", "mode"],
      ["date", "日期", "text"], ["valid_from", "起始", "text"], ["valid_to", "终止", "text"], ["as_of", "截至", "text"],
      ["note", "备注", "text"]],
    donation: [["from", "捐赠方", "parties"], ["to", "受赠方", "parties"], ["amount", "金额(元)", "number"],
      ["approximate", "约数", "flag"], ["amount_text", "原文金额", "text"], ["per", "周期", "period"],
      ["figure", "金额性质", "figure"], ["aggregate", "计入汇总", "aggregate"],
      ["items", "物品", "text"], ["quantity", "数量", "text"], ["purpose", "用途", "text"],
      ["brokers", "对接人", "parties"], ["date", "日期", "text"], ["planned", "计划中", "flag"], ["note", "备注", "text"]],
    secondment: [["from", "派出单位", "parties"], ["person", "人员/工作队", "party"], ["to", "派驻单位", "parties"],
      ["role", "职务", "text"], ["date", "日期", "text"], ["note", "备注", "text"]],
  };
  // every field of an event the server keeps (graphkit.dataset's order), so a save loses none
  const EVENT_KEYS = VOCAB.eventFields;

  const state = {
    queue: [], source: null, version: "", cards: [], entities: {}, newEntities: [], merges: [], focus: 0, history: [],
    modes: [], onlyOpen: true, error: null,
  };

  /* ------------------------------------------------------------------ util */

  function el(tag, props, children) {
    const node = document.createElement(tag);
    const p = props || {};
    if (p.className) node.className = p.className;
    if (p.text !== undefined && p.text !== null) node.textContent = String(p.text);
    if (p.title) node.title = String(p.title);
    if (p.type) node.type = p.type;
    if (p.attrs) Object.keys(p.attrs).forEach(function (k) { node.setAttribute(k, String(p.attrs[k])); });
    if (p.style) Object.assign(node.style, p.style);
    if (p.onClick) node.addEventListener("click", p.onClick);
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }
  function byId(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function status(message, kind) {
    const box = byId("rv-status");
    box.textContent = message || "";
    box.className = "rv-status" + (kind ? " rv-" + kind : "");
  }

  async function api(method, url, body, headers) {
    const options = { method: method, headers: Object.assign({ "X-CSRF-Token": TOKEN }, headers || {}) };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    const data = response.status === 204 ? null : await response.json();
    if (!response.ok) {
      const error = new Error((data && data.error) || ("HTTP " + response.status));
      error.status = response.status;
      error.detail = data || {};
      throw error;
    }
    return data;
  }

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  /* ------------------------------------------------------------------ history and drafts */

  function remember() {
    state.history.push(copy({ cards: state.cards, newEntities: state.newEntities, merges: state.merges, focus: state.focus }));
    if (state.history.length > 200) state.history.shift();
  }

  function undo() {
    const last = state.history.pop();
    if (!last) { status("没有可撤销的操作 nothing to undo"); return; }
    state.cards = last.cards; state.newEntities = last.newEntities; state.merges = last.merges || []; state.focus = last.focus;
    render(); keepDraft();
    status("已撤销 undone");
  }

  let draftTimer = null;
  function keepDraft() {
    if (!state.source) return;
    clearTimeout(draftTimer);
    const id = state.source.id;
    const draft = { version: state.version, cards: state.cards, newEntities: state.newEntities, merges: state.merges, focus: state.focus };
    draftTimer = setTimeout(function () {
      api("PUT", "/api/drafts/" + encodeURIComponent(id), draft).catch(function (e) { status("草稿未保存: " + e.message, "error"); });
    }, 300);
  }

  /** Apply a change with an undo step; a change that changes nothing (a field committed twice,
   * once by the reviewer and once when it loses focus) leaves no step to undo. */
  function changed(mutate) {
    remember();
    mutate();
    const before = state.history[state.history.length - 1];
    if (JSON.stringify({ cards: state.cards, newEntities: state.newEntities, merges: state.merges }) ===
        JSON.stringify({ cards: before.cards, newEntities: before.newEntities, merges: before.merges })) {
      state.history.pop();
      return;
    }
    render();
    keepDraft();
  }

  /* ------------------------------------------------------------------ queue */

  async function loadQueue() {
    state.queue = await api("GET", "/api/queue");
    renderQueue();
  }

  function renderQueue() {
    const list = byId("rv-queue-list");
    clear(list);
    state.queue.filter(function (row) { return !state.onlyOpen || row.status !== "reviewed"; }).forEach(function (row) {
      const badge = el("span", { className: "rv-badge rv-" + row.status.replace(" ", "-"), text: row.status });
      const item = el("li", { attrs: { "data-id": row.id }, onClick: function () { openSource(row.id); } }, [
        el("div", { className: "rv-id", text: row.title || row.id }),
        el("div", { className: "rv-sub" }, [badge, " " + row.events + " 条 · " + (row.date || row.id)]),
      ]);
      if (state.source && state.source.id === row.id) item.classList.add("rv-current");
      list.append(item);
    });
  }

  function nextSource() {
    const open = state.queue.filter(function (row) { return row.status !== "reviewed"; });
    const here = open.findIndex(function (row) { return state.source && row.id === state.source.id; });
    const next = open[here + 1] || open[0];
    if (next && (!state.source || next.id !== state.source.id)) openSource(next.id);
    else status("没有更多待审核的来源 nothing left to review", "done");
  }

  /* ------------------------------------------------------------------ a source */

  async function openSource(id) {
    status("载入 loading " + id + " …");
    let source;
    try {
      source = await api("GET", "/api/sources/" + encodeURIComponent(id));
    } catch (e) {
      status(e.message, "error");
      return;
    }
    state.source = source; state.version = source.version; state.entities = source.entities;
    state.newEntities = []; state.merges = []; state.history = []; state.focus = 0; state.error = null;
    state.cards = source.events.map(function (event) {
      return Object.assign({}, event, { decision: source.status === "extracted" ? "pending" : "accepted", origin: "extracted" });
    });
    const draft = source.draft;
    if (draft && draft.version === source.version) {
      state.cards = draft.cards; state.newEntities = draft.newEntities || []; state.merges = draft.merges || [];
      state.focus = Math.min(draft.focus || 0, Math.max(state.cards.length - 1, 0));
      status("已恢复草稿 draft restored (" + state.cards.length + " 条)");
    } else {
      status(source.status === "extracted" ? "待审核 to review" : "已审核 reviewed");
    }
    state.newEntities.forEach(function (e) { state.entities[e.id] = { id: e.id, name: e.name || e.id, type: e.type, kind: "新", status: "new", place: "" }; });
    render();
    renderQueue();
  }

  // Removing a focused input fires its change event (and so another render) in the middle of a
  // render; the focused field is committed first, and a render asked for during one runs after it.
  let rendering = false, again = false;
  function render() {
    if (rendering) { again = true; return; }
    rendering = true;
    try {
      const active = document.activeElement;
      if (active && active !== document.body && byId("rv-card-list").contains(active)) active.blur();
      do {
        again = false;
        renderMeta();
        renderText();
        renderCards();
      } while (again);
    } finally {
      rendering = false;
    }
  }

  function renderMeta() {
    const s = state.source;
    const box = byId("rv-meta");
    clear(box);
    if (!s) return;
    box.append(el("b", { text: s.title || s.id }), " · " + [s.publisher, s.date, s.file].filter(Boolean).join(" · "));
  }

  function colour(card) { const r = RELATIONS.get(card.type); return r ? r.color : "#999"; }

  /** The article with every candidate's span underlined in its relation's colour (segments split
   * at every span boundary, so overlapping spans both show). */
  function renderText() {
    const box = byId("rv-text");
    clear(box);
    if (!state.source) return;
    const text = state.source.text;
    const cuts = new Set([0, text.length]);
    state.cards.forEach(function (c) { if (c.span) { cuts.add(c.span[0]); cuts.add(c.span[1]); } });
    const points = Array.from(cuts).filter(function (p) { return p >= 0 && p <= text.length; }).sort(function (a, b) { return a - b; });
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const covering = [];
      state.cards.forEach(function (c, index) { if (c.span && c.span[0] <= a && b <= c.span[1]) covering.push(index); });
      const piece = text.slice(a, b);
      if (!covering.length) { box.append(document.createTextNode(piece)); continue; }
      const shown = covering.indexOf(state.focus) >= 0 ? state.focus : covering[0];
      const card = state.cards[shown];
      const mark = el("mark", { text: piece, attrs: { "data-card": shown }, style: { borderBottomColor: colour(card) },
        onClick: function () { state.focus = shown; render(); } });
      if (shown === state.focus) mark.classList.add("rv-focus");
      if (card.decision === "rejected") mark.classList.add("rv-rejected");
      box.append(mark);
    }
  }

  function renderCards() {
    const list = byId("rv-card-list");
    clear(list);
    const counts = { pending: 0, accepted: 0, rejected: 0 };
    state.cards.forEach(function (c) { counts[c.decision] = (counts[c.decision] || 0) + 1; });
    byId("rv-summary").textContent = state.source
      ? state.cards.length + " 条候选 · 已接受 " + counts.accepted + " · 已拒绝 " + counts.rejected + " · 待定 " + counts.pending
      : "从左侧选择一篇来源 choose a source";
    state.cards.forEach(function (card, index) { list.append(cardView(card, index)); });
    const focused = list.children[state.focus];
    if (focused && focused.scrollIntoView) focused.scrollIntoView({ block: "nearest" });
    renderExtractorCheck();
  }

  /** On a reviewed source: what the current extractor misses (the cards get a badge) and what it
   * finds that the review does not state (listed under the cards; a click selects its sentence). */
  function renderExtractorCheck() {
    const box = byId("rv-extractor");
    clear(box);
    const check = state.source && state.source.extractor;
    if (!check) { box.hidden = true; return; }
    box.hidden = false;
    const found = state.cards.length - check.missed.length;
    box.append(el("div", { className: "rv-summary", text: "提取器对照 extractor now: 找到 " + found + "/" + state.cards.length +
      " · 漏掉 missed " + check.missed.length + " · 误报 wrong " + check.wrong.length }));
    const list = el("ol", { className: "rv-wrong" });
    check.wrong.forEach(function (r) {
      const parties = [r.from || r.person, r.to].filter(Boolean).join(" → ");
      const label = (RELATIONS.get(r.type) || { zh: r.type }).zh + "：" + parties +
        (r.amount ? " · " + r.amount + " 元" : "") + " · 规则 " + (r.rule || "?");
      list.append(el("li", { text: label, attrs: { "data-rule": r.rule || "" },
        onClick: function () { if (r.span) selectSpan(r.span); } }));
    });
    box.append(list);
  }

  function selectSpan(span) {
    const box = byId("rv-text");
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let seen = 0, node;
    while ((node = walker.nextNode())) {
      const length = node.textContent.length;
      if (seen <= span[0] && span[0] < seen + length) range.setStart(node, span[0] - seen);
      if (seen < span[1] && span[1] <= seen + length) { range.setEnd(node, span[1] - seen); break; }
      seen += length;
    }
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    if (range.startContainer.parentElement) range.startContainer.parentElement.scrollIntoView({ block: "center" });
  }

  function cardView(card, index) {
    const typeSelect = el("select", { attrs: { "aria-label": "关系类型" } });
    VOCAB.relations.forEach(function (r) {
      const option = el("option", { text: r.zh });
      option.value = r.key;
      if (r.key === card.type) option.selected = true;
      typeSelect.append(option);
    });
    typeSelect.addEventListener("change", function () { changed(function () { card.type = typeSelect.value; }); });
    const decision = { pending: "待定", accepted: "已接受", rejected: "已拒绝" }[card.decision];
    const head = el("div", { className: "rv-card-head" }, [
      typeSelect,
      el("span", { className: "rv-conf", text: card.confidence !== null && card.confidence !== undefined
        ? "置信度 " + Number(card.confidence).toFixed(2) : (card.origin === "added" ? "人工添加" : "") }),
      el("span", { className: "rv-decision rv-" + card.decision, text: decision }),
    ]);
    const node = el("li", { className: "rv-card rv-" + card.decision, style: { borderLeftColor: colour(card) },
      attrs: { "data-index": index } }, [head]);
    if (index === state.focus) node.classList.add("rv-focus");
    node.addEventListener("click", function (ev) {
      if (state.focus !== index && !(ev.target instanceof HTMLInputElement)) { state.focus = index; renderText(); markFocus(); }
    });
    const error = state.error && state.error.event === index ? state.error : null;
    (FIELDS[card.type] || []).forEach(function (spec) { node.append(fieldView(card, spec, error)); });
    if (error && !error.field) node.append(el("div", { className: "rv-error-text", text: error.message }));
    if (error) node.classList.add("rv-invalid");
    const check = state.source.extractor;
    if (check && card.key && check.missed.indexOf(card.key) >= 0) {
      head.append(el("span", { className: "rv-missed", text: "提取器漏掉", title: "the current extractor does not find this event" }));
    }
    const quote = card.span ? state.source.text.slice(card.span[0], card.span[1]) : "（无原文位置 no span）";
    node.append(el("div", { className: "rv-evidence", text: (card.rule ? "规则 " + card.rule + " · " : "") + "原文：" + quote.slice(0, 80) }));
    node.append(el("div", { className: "rv-card-actions" }, [
      el("button", { type: "button", text: "接受 a", onClick: function () { decide(index, "accepted"); } }),
      el("button", { type: "button", text: "拒绝 r", onClick: function () { decide(index, "rejected"); } }),
      card.type === "donation" ? el("button", { type: "button", text: "与上一条同一捐赠", title: "same gift as the previous donation: merge",
        onClick: function () { mergeWithPrevious(index); } }) : null,
    ]));
    return node;
  }

  function markFocus() {
    document.querySelectorAll(".rv-card").forEach(function (node, i) { node.classList.toggle("rv-focus", i === state.focus); });
  }

  /** A select of [value, label] options with `current` chosen; `set` receives the new value. */
  function choice(options, current, set) {
    const control = el("select");
    options.forEach(function (p) {
      const option = el("option", { text: p[1] }); option.value = p[0];
      if (current === p[0]) option.selected = true;
      control.append(option);
    });
    control.addEventListener("change", function () { changed(function () { set(control.value); }); });
    return control;
  }

  function fieldView(card, spec, error) {
    const key = spec[0], label = spec[1], kind = spec[2];
    let control;
    if (kind === "parties" || kind === "party") control = partiesView(card, key, kind === "party");
    else if (kind === "flag") {
      control = el("input", { type: "checkbox" });
      control.checked = !!card[key];
      control.addEventListener("change", function () { changed(function () { card[key] = control.checked; }); });
    } else if (kind === "figure") { // a pledge is planned and a planned gift is a pledge (the loader's rule)
      control = choice([["", VOCAB.figures[0].zh]].concat(VOCAB.figures.slice(1).map(function (t) { return [t.key, t.zh]; })),
        card.figure || (card.planned ? "pledge" : ""), function (value) {
          card.figure = value || null;
          card.planned = value === "pledge" ? true : null;
        });
    } else if (kind === "aggregate") { // empty: what the figure implies (graphkit.model.recommended_for_aggregates)
      control = choice([["", "按金额性质"], ["true", "计入"], ["false", "不计入"]],
        card.aggregate === true ? "true" : card.aggregate === false ? "false" : "", function (value) {
          card.aggregate = value === "" ? null : value === "true";
        });
    } else if (kind === "period") {
      control = choice([["", "一次性"], ["month", "每月"], ["year", "每年"]], card[key] || "", function (value) {
        card[key] = value || null;
      });
    } else {
      control = el("input", { type: kind === "number" ? "number" : "text" });
      if (kind === "mode") control.setAttribute("list", "rv-modes");
      control.value = card[key] === null || card[key] === undefined ? "" : card[key];
      control.setAttribute("data-field", key);
      control.addEventListener("change", function () {
        changed(function () {
          const v = control.value.trim();
          card[key] = v === "" ? null : kind === "number" ? Number(v) : v;
        });
      });
    }
    if (control.tagName === "SELECT") control.setAttribute("data-field", key);
    const row = el("label", { className: "rv-field" }, [el("span", { text: label }), control]);
    if (error && error.field === key) {
      row.classList.add("rv-error");
      row.append(el("span"), el("div", { className: "rv-error-text", text: error.message }));
    }
    return row;
  }

  /* ------------------------------------------------------------------ parties and autocomplete */

  function chip(id, onRemove) {
    const info = state.entities[id] || { name: id, kind: "?", status: "" };
    const node = el("span", { className: "rv-chip" + (info.status === "extracted" ? " rv-extracted" : ""),
      title: [info.kind, info.place, info.status === "extracted" ? "未审核实体 unreviewed entity" : ""].filter(Boolean).join(" · ") }, [
      info.name || id, el("span", { className: "rv-kind", text: info.kind || "" }),
      info.status === "extracted" ? el("button", { type: "button", text: "⇢", title: "合并到另一个实体 merge into another entity (the same one under another name)",
        onClick: function (ev) { ev.preventDefault(); mergeEntity(id, node); } }) : null,
      info.status !== "new" ? el("button", { type: "button", text: "⇹", title: "拆分：这里是另一个同名实体 split: here it is a different entity of the same name",
        attrs: { "data-action": "split" }, onClick: function (ev) { ev.preventDefault(); splitEntity(id, node); } }) : null,
      el("button", { type: "button", text: "×", title: "移除 remove", onClick: function (ev) { ev.preventDefault(); onRemove(); } }),
    ]);
    return node;
  }

  /** An unreviewed entity that is another one under another name: every card names the other, and
   * its names become that entity's aliases when it is saved. */
  function mergeEntity(id, anchor) {
    const box = el("div", { className: "rv-parties rv-new-entity" }, [el("span", { text: "合并「" + ((state.entities[id] || {}).name || id) + "」到：" })]);
    const input = el("input", { type: "text", attrs: { placeholder: "名称、别名或拼音…", "data-field": "merge", autocomplete: "off" } });
    box.append(input);
    autocomplete(input, box, function (target) {
      if (target.id === id) return;
      state.entities[target.id] = target;
      changed(function () {
        state.merges.push({ from: id, into: target.id });
        renameOnCards(id, target.id);
      });
      status("已合并 merged into " + target.name);
    });
    anchor.after(box);
    input.focus();
  }

  /** Every card of the source names `to` where it named `from` (a merge or a split). */
  function renameOnCards(from, to) {
    state.cards.forEach(function (card) {
      ["from", "to", "brokers"].forEach(function (k) {
        if (card[k]) card[k] = Array.from(new Set(card[k].map(function (x) { return x === from ? to : x; })));
      });
      if (card.person === from) card.person = to;
    });
  }

  /** A name that stands for two entities (a person of the same name in two articles): in this source
   * it becomes a new entity with the same name and an id that tells the two apart. */
  function splitEntity(id, anchor) {
    const info = state.entities[id] || { name: id };
    newEntity(info.name || id, function (created) {
      state.entities[created.id] = created;
      changed(function () { renameOnCards(id, created.id); });
      status("已拆分 split: 本文中的「" + created.name + "」是新实体 " + created.id);
    }, anchor, { type: info.type, split: true });
  }

  function partiesView(card, key, single) {
    const values = single ? (card[key] ? [card[key]] : []) : (card[key] || []);
    const box = el("div", { className: "rv-parties" });
    values.forEach(function (id) {
      box.append(chip(id, function () {
        changed(function () {
          if (single) card[key] = null; else card[key] = (card[key] || []).filter(function (x) { return x !== id; });
        });
      }));
    });
    const input = el("input", { type: "text", attrs: { placeholder: "名称、别名或拼音…", "data-field": key, autocomplete: "off" } });
    box.append(input);
    autocomplete(input, box, function (entity) {
      state.entities[entity.id] = entity;
      changed(function () {
        if (single) card[key] = entity.id;
        else if ((card[key] || []).indexOf(entity.id) < 0) card[key] = (card[key] || []).concat([entity.id]);
      });
    });
    return box;
  }

  function autocomplete(input, box, choose) {
    let list = null, hits = [], active = -1, timer = null;
    function close() { if (list) { list.remove(); list = null; } active = -1; }
    function show(query) {
      close();
      list = el("ul", { className: "rv-suggest", attrs: { role: "listbox" } });
      hits.forEach(function (hit, i) {
        list.append(el("li", { attrs: { role: "option", "data-i": i }, onClick: function () { pick(i); } }, [
          hit.name, " ", el("span", { className: "rv-place", text: [hit.kind, hit.place, hit.status === "extracted" ? "未审核" : ""].filter(Boolean).join(" · ") }),
        ]));
      });
      list.append(el("li", { attrs: { "data-i": hits.length }, onClick: function () { pick(hits.length); } },
        ["新建实体「" + query + "」 new entity"]));
      box.append(list);
    }
    function pick(i) {
      const query = input.value.trim();
      close();
      input.value = "";
      if (i < hits.length) choose(hits[i]);
      else if (query) newEntity(query, choose, box);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      const query = input.value.trim();
      if (!query) { close(); return; }
      timer = setTimeout(async function () {
        hits = await api("GET", "/api/entities?q=" + encodeURIComponent(query));
        if (input.value.trim() === query) show(query);
      }, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (!list) return;
      const items = list.querySelectorAll("li");
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        active = (active + (ev.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
        items.forEach(function (li, i) { li.classList.toggle("rv-active", i === active); });
      } else if (ev.key === "Enter") {
        ev.preventDefault();
        pick(active < 0 ? 0 : active);
      } else if (ev.key === "Escape") close();
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }

  /** A small form for an entity the register lacks: name, type, level, the region it lies in. When
   * it splits an entity (`preset.split`), the form also asks for the id that tells the two apart. */
  function newEntity(name, choose, box, preset) {
    const given = preset || {};
    const typeSelect = el("select", { attrs: { "aria-label": "实体类型" } });
    VOCAB.types.forEach(function (t) {
      const o = el("option", { text: t.zh }); o.value = t.key;
      if (t.key === given.type) o.selected = true;
      typeSelect.append(o);
    });
    const levelSelect = el("select", { attrs: { "aria-label": "级别" } });
    [{ key: "", zh: "（非行政区）" }].concat(VOCAB.levels).forEach(function (t) { const o = el("option", { text: t.zh }); o.value = t.key; levelSelect.append(o); });
    const idInput = given.split ? el("input", { type: "text", attrs: { "aria-label": "标识 id", "data-field": "id",
      title: "区别于同名实体的标识，如「张明（鹭川市）」 an id that tells it from the other of the same name" } }) : null;
    if (idInput) idInput.value = name + "（）";
    let place = null;
    const placeBox = el("div", { className: "rv-parties" });
    const placeInput = el("input", { type: "text", attrs: { placeholder: "所在/上级地区 region it lies in" } });
    placeBox.append(placeInput);
    autocomplete(placeInput, placeBox, function (entity) { place = entity.id; placeInput.value = entity.name; });
    const problem = el("div", { className: "rv-error-text" });
    const form = el("div", { className: "rv-new-entity" }, [
      el("div", { text: (given.split ? "拆分：另一个「" : "新建实体「") + name + "」" }), idInput, typeSelect, levelSelect, placeBox,
      el("button", { type: "button", text: "创建 create", onClick: function () {
        const type = typeSelect.value;
        const id = idInput ? idInput.value.trim() : name;
        if (!id || (idInput && (id === name || id === name + "（）" || state.entities[id]))) {
          problem.textContent = "需要一个不同的标识 a different id is needed";
          return;
        }
        const entity = { id: id, type: type };
        if (id !== name) entity.name = name;
        if (type === "Region") { if (levelSelect.value) entity.level = levelSelect.value; if (place) entity.part_of = place; }
        else if (place) entity.located_in = place;
        form.remove();
        state.newEntities.push(entity);  // kept by undo too: an unused new entity is not saved
        const kind = (VOCAB.types.find(function (t) { return t.key === type; }) || {}).zh;
        choose({ id: id, name: name, type: type, kind: kind, status: "new", place: placeInput.value || "" });
      } }),
      el("button", { type: "button", text: "取消", onClick: function () { form.remove(); } }),
      problem,
    ]);
    box.after(form);
    (idInput || typeSelect).focus();
  }

  /* ------------------------------------------------------------------ decisions */

  function decide(index, decision) {
    if (!state.cards[index]) return;
    changed(function () {
      state.cards[index].decision = decision;
      state.focus = Math.min(index + 1, state.cards.length - 1);
    });
  }

  function mergeWithPrevious(index) {
    const card = state.cards[index];
    let previous = index - 1;
    while (previous >= 0 && state.cards[previous].type !== card.type) previous--;
    if (previous < 0) { status("上面没有同类候选 no earlier candidate of this type", "error"); return; }
    changed(function () {
      const into = state.cards[previous];
      ["from", "to", "brokers"].forEach(function (k) {
        into[k] = Array.from(new Set((into[k] || []).concat(card[k] || [])));
      });
      if (into.amount === null || into.amount === undefined) into.amount = card.amount;
      card.decision = "rejected";
      card.note = "同一捐赠，已并入上一条 merged into the previous candidate";
      state.focus = previous;
    });
  }

  /** The selected article text, as [start, end) offsets of the shown text, or null. */
  function selectedSpan() {
    const selection = window.getSelection();
    const box = byId("rv-text");
    if (!selection || selection.isCollapsed || !box.contains(selection.anchorNode) || !box.contains(selection.focusNode)) return null;
    const range = selection.getRangeAt(0);
    const before = document.createRange();
    before.setStart(box, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    const end = start + range.toString().length;
    return end > start ? [start, end] : null;
  }

  function addFromSelection() {
    const span = selectedSpan();
    if (!span) { status("先在原文中选择一段文字 select the sentence first", "error"); return; }
    changed(function () {
      const card = { type: "donation", from: [], to: [], brokers: [], span: span, decision: "accepted", origin: "added",
        rule: null, confidence: null };
      let at = state.cards.findIndex(function (c) { return c.span && c.span[0] > span[0]; });
      if (at < 0) at = state.cards.length;
      state.cards.splice(at, 0, card);
      state.focus = at;
    });
    window.getSelection().removeAllRanges();
    byId("rv-selection").hidden = true;
    const input = document.querySelectorAll(".rv-card")[state.focus].querySelector("input");
    if (input) input.focus();
  }

  /* ------------------------------------------------------------------ saving */

  async function save() {
    if (!state.source) return;
    const pending = state.cards.filter(function (c) { return c.decision === "pending"; }).length;
    if (pending) { status("还有 " + pending + " 条候选未决定 decide every candidate first", "error"); return; }
    const events = state.cards.filter(function (c) { return c.decision === "accepted"; }).map(function (c) {
      const out = {};
      EVENT_KEYS.forEach(function (k) { if (c[k] !== undefined && c[k] !== null) out[k] = c[k]; });
      return out;
    });
    const used = new Set();
    events.forEach(function (e) { ["from", "to", "brokers"].forEach(function (k) { (e[k] || []).forEach(function (x) { used.add(x); }); }); if (e.person) used.add(e.person); });
    const entities = state.newEntities.filter(function (e) {
      return used.has(e.id) || state.newEntities.some(function (o) { return o.part_of === e.id || o.located_in === e.id; });
    });
    status("保存并重建图谱 saving and rebuilding …");
    try {
      const result = await api("POST", "/api/sources/" + encodeURIComponent(state.source.id),
        { version: state.version, events: events, entities: entities, merges: state.merges }, { "If-Match": '"' + state.version + '"' });
      state.error = null;
      state.version = result.version;
      state.source.status = "reviewed";
      status("已保存为已审核 saved as reviewed: " + result.events + " 条事件", "done");
      await loadQueue();
    } catch (e) {
      if (e.status === 409) { status("冲突：" + e.message, "error"); return; }
      const detail = e.detail || {};
      if (typeof detail.event === "number") {
        const accepted = state.cards.map(function (c, i) { return [c, i]; }).filter(function (p) { return p[0].decision === "accepted"; });
        const index = accepted[detail.event] ? accepted[detail.event][1] : null;
        state.error = { event: index, field: detail.field, message: e.message };
        if (index !== null) state.focus = index;
      } else state.error = null;
      render();
      status("未保存：" + e.message, "error");
    }
  }

  /* ------------------------------------------------------------------ keys and start */

  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "s") { ev.preventDefault(); save(); return; }
    const typing = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement || ev.target instanceof HTMLTextAreaElement;
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "j") { state.focus = Math.min(state.focus + 1, state.cards.length - 1); render(); }
    else if (ev.key === "k") { state.focus = Math.max(state.focus - 1, 0); render(); }
    else if (ev.key === "a") decide(state.focus, "accepted");
    else if (ev.key === "r") decide(state.focus, "rejected");
    else if (ev.key === "z") undo();
    else if (ev.key === "n") addFromSelection();
    else if (ev.key === "]") nextSource();
    else if (ev.key === "e") {
      const card = document.querySelectorAll(".rv-card")[state.focus];
      const input = card && card.querySelector("input");
      if (input) { ev.preventDefault(); input.focus(); }
    } else return;
    ev.preventDefault();
  });

  byId("rv-text").addEventListener("mouseup", function () {
    const span = selectedSpan();
    byId("rv-selection").hidden = !span;
    if (span) byId("rv-selection-text").textContent = "已选 " + (span[1] - span[0]) + " 字：" + state.source.text.slice(span[0], Math.min(span[1], span[0] + 30));
  });
  byId("rv-add").addEventListener("click", addFromSelection);
  byId("rv-save").addEventListener("click", save);
  byId("rv-undo").addEventListener("click", undo);
  byId("rv-only-open").addEventListener("change", function (ev) { state.onlyOpen = ev.target.checked; renderQueue(); });

  (async function start() {
    await loadQueue();
    state.modes = await api("GET", "/api/modes");
    const datalist = el("datalist", { attrs: { id: "rv-modes" } });
    state.modes.forEach(function (m) { const o = el("option"); o.value = m; datalist.append(o); });
    document.body.append(datalist);
    const first = state.queue.find(function (row) { return row.status !== "reviewed"; });
    if (first) await openSource(first.id);
    else status("没有待审核的来源 nothing to review", "done");
    window.graphkitReview = { state: state, ready: true, save: save, openSource: openSource };
  })();
})();
