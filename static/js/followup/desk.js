// The follow-up desks' shared list code (Desk: the case table, its cells, the page's data, the
// case API's list) and the unit desk itself: the unit's own cases in the work queues a handler
// recognises, with counters of what is late. The list comes from GET /api/cases, which shows a
// unit only its own cases. Needs common.js (Hotline) and followup/common.js (Followup).
"use strict";

const Desk = (() => {
  const { el, t, api } = Hotline;

  // The page's first data, rendered by the server as JSON (never as markup).
  function pageData() {
    return JSON.parse(document.getElementById("desk-data").textContent);
  }

  // t() with {name} placeholders.
  function fmt(key, vars) {
    return t(key).replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  }

  // English says "1 case" but "2 cases": a key with ".one" holds the singular where it differs.
  function count(key, n, vars) {
    const one = n === 1 && window.I18N && window.I18N[key + ".one"];
    return fmt(one ? key + ".one" : key, Object.assign({ n }, vars || {}));
  }

  const { late, soon } = Followup;

  function subjectCell(row, ownUnit) {
    const marks = [];
    if (row.anonymous) marks.push(el("span", { class: "badge mark-anon" }, t("desk.anonymous")));
    if (row.commitment_open) marks.push(el("span", { class: "badge mark-commitment" }, t("desk.commitment")));
    if (row.redo_count) marks.push(el("span", { class: "badge mark-redo" }, t("desk.redo_count") + " ×" + row.redo_count));
    if (ownUnit && row.unit !== ownUnit) {
      marks.push(el("span", { class: "badge mark-assist" }, fmt("desk.assisting", { unit: row.unit })));
    }
    return el("td", { class: "subject" }, row.subject || "—", marks.length ? " " : null, marks);
  }

  function noticesCell(row) {
    if (!row.unseen_notices) return el("td", { class: "num" });
    return el("td", { class: "num" },
      el("span", { class: "badge unseen-notices", title: t("desk.unseen") }, String(row.unseen_notices)));
  }

  function extensionCell(row) {
    return el("td", {}, row.pending_extension
      ? el("span", { class: "badge extension-pending" }, t("desk.extension_pending")) : null);
  }

  // Each column: its heading and how a row fills it.
  const COLUMNS = {
    number: { head: "desk.col.number", cell: (row) => el("td", {}, Followup.caseLink(row)) },
    subject: { head: "desk.col.subject", cell: (row, opts) => subjectCell(row, opts.ownUnit) },
    unit: {
      head: "desk.col.unit",
      cell: (row) => el("td", { class: "unit" }, row.unit,
        row.section ? el("div", { class: "muted small" }, row.section) : null),
    },
    category: { head: "desk.col.category", cell: (row) => el("td", {}, row.category_label) },
    received: { head: "desk.col.received", cell: (row) => el("td", { class: "nowrap" }, row.received_on) },
    due: { head: "desk.col.due", cell: (row) => el("td", { class: "nowrap" }, Followup.dueCell(row)) },
    state: { head: "desk.col.state", cell: (row) => el("td", {}, Followup.stateBadge(row)) },
    notices: { head: "desk.col.notices", cell: noticesCell },
    extension: { head: "desk.col.extension", cell: extensionCell },
  };

  // A table of case rows. opts.selected (a Set of ids) adds a checkbox column whose changes call
  // opts.onSelect(); opts.ownUnit marks cases led by another unit.
  function table(rows, columns, opts) {
    opts = opts || {};
    const selecting = opts.selected instanceof Set;
    const head = el("tr", {},
      selecting ? el("th", { class: "pick" }, selectAll(rows, opts)) : null,
      columns.map((name) => el("th", { class: "col-" + name }, t(COLUMNS[name].head))));
    const body = el("tbody", {}, rows.map((row) => el("tr", {
      class: "case-row" + (late(row) ? " row-overdue" : soon(row) ? " row-soon" : ""),
      dataset: { id: String(row.id) },
    },
    selecting ? el("td", { class: "pick" }, pickBox(row, opts)) : null,
    columns.map((name) => COLUMNS[name].cell(row, opts)))));
    // Fixed layout: every queue's table lines up with the others.
    return el("table", { class: "grid case-table" + (selecting ? " selecting" : "") }, el("thead", {}, head), body);
  }

  function pickBox(row, opts) {
    return el("input", {
      type: "checkbox",
      "aria-label": row.number,
      checked: opts.selected.has(row.id),
      onchange: (e) => {
        if (e.target.checked) opts.selected.add(row.id); else opts.selected.delete(row.id);
        opts.onSelect && opts.onSelect();
      },
    });
  }

  function selectAll(rows, opts) {
    return el("input", {
      type: "checkbox",
      "aria-label": t("desk.select_all"),
      checked: rows.length > 0 && rows.every((r) => opts.selected.has(r.id)),
      onchange: (e) => {
        for (const row of rows) {
          if (e.target.checked) opts.selected.add(row.id); else opts.selected.delete(row.id);
        }
        e.target.closest("table").querySelectorAll("tbody input[type=checkbox]")
          .forEach((box) => { box.checked = e.target.checked; });
        opts.onSelect && opts.onSelect();
      },
    });
  }

  function fetchCases(params) {
    const query = params instanceof URLSearchParams ? params : new URLSearchParams(params);
    return api("GET", "/api/cases?" + query.toString());
  }

  // The desks' Socket.IO namespace says a case this person may see changed (or left their unit);
  // the desk then reloads its lists through the API. Bursts (a whole show converted) reload once.
  function live(reload) {
    if (typeof io !== "function") return;
    let timer = null;
    const later = () => { clearTimeout(timer); timer = setTimeout(reload, 400); };
    const socket = io("/desks", { transports: ["websocket", "polling"] });
    socket.on("case_changed", later);
    socket.on("case_gone", later);
  }

  return { pageData, fmt, count, late, soon, table, fetchCases, live, COLUMNS };
})();

// --- the unit desk ------------------------------------------------------------------------------
const UnitDesk = (() => {
  const { el, t, toast } = Hotline;
  const MAX = 500;
  const SETTLED_DAYS = 180;  // settled cases shown: received in the last half year
  // The work queues, in the order a handler works through them; the last holds the closed cases
  // (the server's "closed" list: which states those are is the server's to say).
  const QUEUES = [
    { key: "assigned", states: ["assigned"] },
    { key: "redo", states: ["redo"] },
    { key: "working", states: ["accepted", "in_progress"] },
    { key: "drafted", states: ["drafted"] },
    { key: "approved", states: ["approved"] },
    { key: "answered", states: ["answered", "called_back"] },
    { key: "returned", states: ["returned", "duplicate"] },
    { key: "settled", states: [], closed: true },
  ];
  const COLUMNS = ["number", "subject", "category", "received", "due", "state", "notices", "extension"];

  let data, rows = [], only = null, loadedAt = 0;
  const folded = {};  // queues the person opened or closed by hand stay so across reloads

  function daysAgo(iso, days) {
    const d = new Date(iso + "T00:00:00");
    d.setDate(d.getDate() - days);
    return d.toISOString().slice(0, 10);
  }

  async function load() {
    loadedAt = Date.now();
    try {
      const [open, closed] = await Promise.all([
        Desk.fetchCases({ due: "open", per_page: MAX }),
        Desk.fetchCases({ due: "closed", received_from: daysAgo(data.today, SETTLED_DAYS), per_page: MAX }),
      ]);
      closed.items.sort((a, b) => (a.due_on < b.due_on ? 1 : a.due_on > b.due_on ? -1 : 0));
      for (const row of closed.items) row.closed = true;
      rows = open.items.concat(closed.items);
      render(open.total > open.items.length ? open : null);
    } catch (err) {
      toast(err.message, "error");
    } finally {
      document.getElementById("desk-loading").hidden = true;
    }
  }

  function counters() {
    const open = rows.filter((r) => !r.closed);
    const counts = {
      overdue: open.filter(Desk.late).length,
      soon: open.filter(Desk.soon).length,
      notices: open.reduce((n, r) => n + (r.unseen_notices || 0), 0),
      open: open.length,
    };
    for (const node of document.querySelectorAll("#counters [data-count]")) {
      const name = node.dataset.count;
      node.querySelector("strong").textContent = String(counts[name]);
      node.classList.toggle("zero", counts[name] === 0);
      node.setAttribute("aria-pressed", String(only === name));
    }
  }

  // The counters double as a quick filter: only the overdue cases, the ones due soon, the ones
  // with unseen notices.
  const FILTERS = {
    overdue: Desk.late,
    soon: Desk.soon,
    notices: (r) => r.unseen_notices > 0,
    open: () => true,
  };

  function render(truncated) {
    counters();
    const box = document.getElementById("queues");
    box.replaceChildren();
    document.getElementById("desk-empty").hidden = rows.length > 0;
    if (truncated) {
      box.append(el("p", { class: "muted" }, Desk.fmt("desk.more", { shown: truncated.items.length, total: truncated.total })));
    }
    const shown = only ? rows.filter(FILTERS[only]) : rows;
    for (const queue of QUEUES) {
      const mine = shown.filter((r) => (queue.closed ? r.closed : queue.states.includes(r.state)));
      if (only && !mine.length) continue;
      box.append(queueBox(queue, mine));
    }
  }

  function queueBox(queue, mine) {
    const forReviewer = data.reviewer && queue.key === "drafted" && mine.length > 0;
    const lateCount = mine.filter(Desk.late).length;
    const details = el("details", {
      class: "queue queue-" + queue.key + (forReviewer ? " queue-highlight" : "") + (mine.length ? "" : " queue-empty"),
      id: "queue-" + queue.key,
      open: queue.key in folded ? folded[queue.key] : mine.length > 0 && !queue.closed,
    },
    el("summary", {},
      el("span", { class: "queue-title" }, t("desk.queue." + queue.key)),
      el("span", { class: "queue-count" }, String(mine.length)),
      lateCount ? el("span", { class: "badge deadline-overdue" }, lateCount + " " + Hotline.label("DeadlineStatus", "overdue")) : null,
      forReviewer ? el("span", { class: "badge reviewer-mark" }, t("desk.reviewer_mark")) : null,
      el("span", { class: "queue-hint muted" }, t("desk.queue." + queue.key + ".hint"))),
    mine.length ? Desk.table(mine, COLUMNS, { ownUnit: data.unit }) : null);
    details.querySelector("summary").addEventListener("click", () => { folded[queue.key] = !details.open; });
    return details;
  }

  function init() {
    data = Desk.pageData();
    for (const node of document.querySelectorAll("#counters [data-count]")) {
      node.addEventListener("click", () => {
        only = only === node.dataset.count || node.dataset.count === "open" ? null : node.dataset.count;
        render(null);
      });
    }
    load();
    Desk.live(load);
    // In case a push was missed (the connection dropped): a desk brought back into view reloads
    // when it is a minute old.
    window.addEventListener("focus", () => { if (Date.now() - loadedAt > 60000) load(); });
  }

  return { init };
})();

if (document.querySelector('[data-desk="unit"]')) UnitDesk.init();
