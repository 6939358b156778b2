// The oversight office's desk: every unit's cases under filters kept in the address (a reload or a
// shared link shows the same list; the Excel link carries them too), bulk reminders (催办) and
// supervision notices (督办), and the panels of decisions waiting: extension requests, returned
// cases to reassign (回单), possible duplicates; and making cases from an ended show's calls.
// Every change goes through the case API. Needs common.js, followup/common.js and desk.js.
"use strict";

(() => {
  const { el, t, api, toast } = Hotline;
  const { fmt } = Desk;
  const PER_PAGE = 50;
  const FILTERS = ["unit_id", "category", "due", "session_id", "received_from", "received_to", "q"];
  const COLUMNS = ["number", "subject", "unit", "category", "received", "due", "state", "notices", "extension"];

  const data = Desk.pageData();
  const form = document.getElementById("filters");
  const selected = new Set();
  let page = 1;
  let shownRows = [];

  // --- filters <-> address ----------------------------------------------------------------------
  function fillOptions() {
    const units = form.elements.unit_id;
    for (const u of data.units) units.append(el("option", { value: u.id }, u.name));
    for (const c of data.categories) form.elements.category.append(el("option", { value: c.value }, c.label));
    for (const s of data.sessions) form.elements.session_id.append(el("option", { value: s.id }, s.label));
    const box = form.querySelector(".state-options");
    for (const s of data.states) {
      box.append(el("label", { class: "check" },
        el("input", { type: "checkbox", name: "state", value: s.value, onchange: stateSummary }), " ", s.label));
    }
  }

  function stateSummary() {
    const picked = Array.from(form.querySelectorAll("input[name=state]:checked"));
    const summary = document.getElementById("state-summary");
    if (!picked.length) summary.textContent = t("ov.all_states");
    else if (picked.length === 1) summary.textContent = picked[0].parentNode.textContent.trim();
    else summary.textContent = fmt("ov.states_n", { n: picked.length });
  }

  // The filters as the query string of GET /api/cases (and of the export), without paging.
  function filterParams() {
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      const value = form.elements[name].value.trim();
      if (value) params.set(name, value);
    }
    for (const box of form.querySelectorAll("input[name=state]:checked")) params.append("state", box.value);
    return params;
  }

  function fromAddress() {
    const params = new URLSearchParams(location.search);
    for (const name of FILTERS) form.elements[name].value = params.get(name) || "";
    const states = params.getAll("state").flatMap((s) => s.split(","));
    for (const box of form.querySelectorAll("input[name=state]")) box.checked = states.includes(box.value);
    page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
    stateSummary();
  }

  function toAddress() {
    const params = filterParams();
    if (page > 1) params.set("page", String(page));
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    const exportQuery = filterParams().toString();
    document.getElementById("export-link").href = "/followup/cases.xlsx" + (exportQuery ? "?" + exportQuery : "");
  }

  // --- the list ---------------------------------------------------------------------------------
  async function loadList() {
    toAddress();
    const params = filterParams();
    params.set("page", String(page));
    params.set("per_page", String(PER_PAGE));
    const box = document.getElementById("case-list");
    let result;
    try {
      result = await Desk.fetchCases(params);
    } catch (err) {
      if (err.details) Followup.showFieldErrors(form, err);
      toast(err.message, "error");
      return;
    }
    Followup.showFieldErrors(form, null);
    const pages = Math.max(1, Math.ceil(result.total / PER_PAGE));
    if (page > pages) { page = pages; return loadList(); }
    shownRows = result.items;
    document.getElementById("list-total").textContent = Desk.count("ov.total", result.total);
    box.replaceChildren(result.items.length
      ? Desk.table(result.items, COLUMNS, data.manage ? { selected, onSelect: bulkBar } : {})
      : el("p", { class: "muted empty-note" }, t("ov.none")));
    const pager = document.getElementById("pager");
    pager.hidden = pages <= 1;
    document.getElementById("page-of").textContent = fmt("ov.page_of", { page, pages });
    pager.querySelector("[data-page=prev]").disabled = page <= 1;
    pager.querySelector("[data-page=next]").disabled = page >= pages;
    bulkBar();
  }

  // --- bulk reminders and supervision notices ---------------------------------------------------
  function bulkBar() {
    const bulk = document.getElementById("bulk-form");
    if (!bulk) return;
    bulk.hidden = selected.size === 0;
    document.getElementById("bulk-count").textContent = fmt("ov.selected", { n: selected.size });
  }

  function numberOf(id) {
    const row = shownRows.find((r) => r.id === id);
    return row ? row.number : "#" + id;
  }

  async function sendBulk(event) {
    event.preventDefault();
    const bulk = event.target;
    if (!selected.size) { toast(t("ov.pick_first"), "error"); return; }
    const button = bulk.querySelector("button[type=submit]");
    button.disabled = true;
    const out = document.getElementById("bulk-result");
    try {
      const result = await api("POST", "/api/notices/bulk", {
        case_ids: Array.from(selected),
        kind: bulk.elements.kind.value,
        message: bulk.elements.message.value,
      });
      out.replaceChildren(bulkResult(result));
      selected.clear();
      bulk.elements.message.value = "";
      await loadList();
    } catch (err) {
      Followup.showFieldErrors(bulk, err);
      toast(err.message, "error");
    } finally {
      button.disabled = false;
    }
  }

  function bulkResult(result) {
    const box = el("div", { class: "bulk-outcome" },
      el("p", { class: "ok" }, Desk.count("ov.sent", result.sent.length)));
    if (result.refused.length) {
      box.append(el("p", { class: "refused-title" }, Desk.count("ov.refused", result.refused.length)),
        el("ul", { class: "refused" }, result.refused.map((r) =>
          el("li", {}, el("a", { href: "/followup/cases/" + r.id, class: "case-number" }, numberOf(r.id)), " — ", r.message))));
    }
    return box;
  }

  // --- decision panels --------------------------------------------------------------------------
  function panel(id, items, render) {
    const box = document.getElementById(id);
    if (!box) return;
    box.querySelector("[data-count]").textContent = String(items.length);
    box.classList.toggle("has-items", items.length > 0);
    box.open = items.length > 0;
    const body = box.querySelector(".panel-body");
    body.replaceChildren(items.length ? el("div", { class: "decision-list" }, items.map(render))
      : el("p", { class: "muted" }, t("ov.nothing_waiting")));
  }

  async function loadPanels() {
    if (!data.manage) return;
    try {
      const [ext, returned, dups] = await Promise.all([
        api("GET", "/api/extensions?state=pending"),
        Desk.fetchCases({ state: "returned", per_page: 200 }),
        Desk.fetchCases({ state: "duplicate", per_page: 200 }),
      ]);
      panel("extensions-panel", ext.items, extensionItem);
      panel("returns-panel", returned.items, returnItem);
      panel("duplicates-panel", dups.items, duplicateItem);
    } catch (err) {
      toast(err.message, "error");
    }
  }

  function caseHead(row) {
    return el("div", { class: "decision-case" },
      Followup.caseLink(row), " ", el("span", { class: "decision-subject" }, row.subject || "—"), " ",
      el("span", { class: "muted" }, row.unit), " ", Followup.stateBadge(row));
  }

  async function act(row, name, body, form, done) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await api("POST", "/api/cases/" + row.id + "/actions/" + name, Object.assign({ version: row.version }, body));
      toast(done, "ok");
      await Promise.all([loadPanels(), loadList()]);
    } catch (err) {
      if (!Followup.showFieldErrors(form, err) || !err.details) toast(err.message, "error");
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  function extensionItem(item) {
    const row = item.case;
    const form = el("form", { class: "decision-form" },
      el("label", { class: "field" }, t("ov.granted_due"),
        el("input", { type: "date", name: "granted_due", value: item.requested_due, min: row.due_on })),
      el("label", { class: "field wide" }, t("ov.note"),
        el("input", { type: "text", name: "note", maxlength: "2000", required: true })),
      el("div", { class: "actions" },
        el("button", { type: "submit", class: "primary", value: "approve" }, t("ov.approve")),
        el("button", { type: "submit", class: "danger", value: "refuse" }, t("ov.refuse"))));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const approve = !event.submitter || event.submitter.value === "approve";
      const body = { extension_id: item.id, approve, note: form.elements.note.value };
      if (approve && form.elements.granted_due.value) body.granted_due = form.elements.granted_due.value;
      act(row, "decide_extension", body, form, t(approve ? "ov.approved" : "ov.refused_ext"));
    });
    return el("article", { class: "decision-item" },
      caseHead(row),
      el("p", { class: "decision-meta" },
        el("strong", {}, fmt("ov.asked", { due: row.due_on, asked: item.requested_due })), " · ",
        el("span", { class: "muted" }, fmt("ov.by", { name: item.requested_by, day: (item.requested_at || "").slice(0, 10) }))),
      el("p", { class: "prose" }, item.reason),
      form);
  }

  function unitOptions(select, exclude) {
    for (const u of data.units) {
      if (u.id !== exclude) select.append(el("option", { value: u.id }, u.name));
    }
  }

  function returnItem(row) {
    const reason = el("p", { class: "prose muted" }, "…");
    // The reason is in the case's history; fetched per case (few wait at any time).
    api("GET", "/api/cases/" + row.id).then((full) => {
      const event = full.events.filter((e) => e.action === "return").pop();
      reason.replaceChildren(el("strong", {}, t("ov.return_reason") + ": "), event ? event.note : "—");
      reason.classList.remove("muted");
    }).catch(() => { reason.textContent = ""; });
    const unit = el("select", { name: "unit_id", required: true },
      el("option", { value: "" }, t("ov.choose_unit")));
    unitOptions(unit, null);
    const section = el("select", { name: "section_id" }, el("option", { value: "" }, t("ov.no_section")));
    // Checkboxes rather than a multiple select: nobody has to know about Ctrl-click.
    const assisting = el("div", { class: "check-list", role: "group", "aria-label": t("ov.assisting") },
      data.units.map((u) => el("label", { class: "check" },
        el("input", { type: "checkbox", name: "assisting_unit_ids", value: u.id }), " ", u.name)));
    unit.addEventListener("change", () => {
      const chosen = data.units.find((u) => String(u.id) === unit.value);
      section.replaceChildren(el("option", { value: "" }, t("ov.no_section")),
        ...(chosen ? chosen.sections : []).map((s) => el("option", { value: s.id }, s.name)));
    });
    const form = el("form", { class: "decision-form reassign-form" },
      el("label", { class: "field" }, t("ov.new_unit"), unit),
      el("label", { class: "field" }, t("ov.section"), section),
      el("div", { class: "field wide" }, el("span", { class: "field-label" }, t("ov.assisting")), assisting),
      el("label", { class: "field wide" }, t("ov.reassign_note"),
        el("input", { type: "text", name: "note", maxlength: "2000" })),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t("ov.reassign"))));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {
        unit_id: Number(unit.value),
        section_id: section.value ? Number(section.value) : null,
        assisting_unit_ids: Array.from(assisting.querySelectorAll("input:checked")).map((box) => Number(box.value)),
        note: form.elements.note.value,
      };
      act(row, "reassign", body, form, t("ov.reassigned"));
    });
    return el("article", { class: "decision-item" },
      caseHead(row),
      el("p", { class: "decision-meta muted" }, fmt("ov.returned_by", { unit: row.unit })),
      reason, form);
  }

  function duplicateItem(row) {
    const original = el("div", { class: "dup-side" },
      el("div", { class: "muted small" }, t("ov.open_case")),
      el("span", { class: "case-number" }, row.duplicate_of || "—"));
    if (row.duplicate_of) {
      // Found by its number: the row names the open case by number only.
      Desk.fetchCases({ q: row.duplicate_of, per_page: 5 }).then((result) => {
        const other = result.items.find((c) => c.number === row.duplicate_of);
        if (!other) return;
        original.replaceChildren(
          el("div", { class: "muted small" }, t("ov.open_case")),
          Followup.caseLink(other), " ", Followup.stateBadge(other),
          el("div", { class: "dup-subject" }, other.subject), el("div", { class: "muted small" }, other.unit));
      }).catch(() => {});
    }
    const form = el("form", { class: "decision-form" },
      el("label", { class: "field wide" }, t("ov.dup_note"),
        el("input", { type: "text", name: "note", maxlength: "2000" })),
      el("div", { class: "actions" },
        el("button", { type: "submit", class: "primary", value: "merge" }, t("ov.merge")),
        el("button", { type: "submit", value: "keep" }, t("ov.keep"))));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const merge = !event.submitter || event.submitter.value === "merge";
      act(row, merge ? "merge" : "keep", { note: form.elements.note.value }, form, t(merge ? "ov.merged" : "ov.kept"));
    });
    return el("article", { class: "decision-item" },
      el("div", { class: "dup-pair" },
        el("div", { class: "dup-side" },
          el("div", { class: "muted small" }, t("ov.this_case")),
          Followup.caseLink(row), " ", Followup.stateBadge(row),
          el("div", { class: "dup-subject" }, row.subject), el("div", { class: "muted small" }, row.unit)),
        el("div", { class: "dup-arrow", "aria-hidden": "true" }, "⇄"),
        original),
      form);
  }

  // --- wiring -----------------------------------------------------------------------------------
  fillOptions();
  fromAddress();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    statePick.open = false;
    page = 1;
    selected.clear();
    loadList();
  });
  // The state list drops down over the form: a click elsewhere or Escape folds it away.
  const statePick = form.querySelector(".state-pick");
  document.addEventListener("click", (event) => { if (!statePick.contains(event.target)) statePick.open = false; });
  statePick.addEventListener("keydown", (event) => { if (event.key === "Escape") statePick.open = false; });
  document.getElementById("clear-filters").addEventListener("click", () => {
    form.reset();
    stateSummary();
    page = 1;
    loadList();
  });
  document.getElementById("pager").addEventListener("click", (event) => {
    const which = event.target.dataset && event.target.dataset.page;
    if (!which) return;
    page += which === "next" ? 1 : -1;
    loadList();
  });
  const bulk = document.getElementById("bulk-form");
  if (bulk) {
    for (const k of data.notice_kinds) bulk.elements.kind.append(el("option", { value: k.value }, k.label));
    bulk.addEventListener("submit", sendBulk);
    document.getElementById("bulk-clear").addEventListener("click", () => { selected.clear(); loadList(); });
  }
  loadList();
  loadPanels();
  // A push reloads the list and the panels, but never a form the officer is typing into.
  Desk.live(() => {
    const typing = document.activeElement && document.activeElement.closest(".decision-form, #bulk-form");
    loadList();
    if (!typing) loadPanels();
  });
})();
