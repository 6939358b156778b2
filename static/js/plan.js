// The plan page (/plan): the schedule with its filter and the add-session form, the schedule
// import with its table of row errors, and the programmes and units lists with their forms.
"use strict";

(() => {
  const { el, t, api } = Hotline;
  const UI = PlanUI;
  const state = UI.pageData(); // {seats, programmes, units, sessions, since}
  const $ = (id) => document.getElementById(id);
  const filter = $("schedule-filter");

  // --- Programmes -------------------------------------------------------------------------

  const programmeForm = UI.listForm($("programme-form"), {
    create: () => "/api/programmes",
    update: (id) => `/api/programmes/${id}`,
    onSaved: reloadProgrammes,
  });

  function renderProgrammes() {
    UI.rows($("programmes").tBodies[0], state.programmes, (p) => el("tr", {},
      el("td", {}, p.name),
      el("td", {}, p.station),
      el("td", {}, p.frequency),
      el("td", {}, p.time_slot),
      el("td", {}, el("div", { class: "row-actions" },
        UI.button(t("plan.edit"), () => programmeForm.edit(p)),
        UI.deleteButton(`/api/programmes/${p.id}`, p.name, reloadProgrammes)))));
    document.querySelectorAll("select[name=programme_id]").forEach((select) =>
      UI.setOptions(select, state.programmes, (p) => p.frequency ? `${p.name} (${p.frequency})` : p.name));
  }

  async function reloadProgrammes() {
    state.programmes = (await api("GET", "/api/programmes")).items;
    renderProgrammes();
  }

  // --- Units ------------------------------------------------------------------------------

  const unitForm = UI.listForm($("unit-form"), {
    create: () => "/api/units",
    update: (id) => `/api/units/${id}`,
    onSaved: reloadUnits,
  });

  function renderUnits() {
    UI.rows($("units").tBodies[0], state.units, (u) => el("tr", {},
      el("td", {}, el("a", { href: `/plan/units/${u.id}` }, u.name)),
      el("td", {}, u.short_name),
      el("td", {}, u.duty_phone),
      el("td", { class: "muted" },
        UI.fmt("plan.sections_n", { n: u.sections.length }), el("br"),
        UI.fmt("plan.contacts_n", { n: u.contacts.length })),
      el("td", {}, el("div", { class: "row-actions" },
        UI.button(t("plan.edit"), () => unitForm.edit(u)),
        UI.deleteButton(`/api/units/${u.id}`, u.name, reloadUnits)))));
    document.querySelectorAll("select[name=unit_id]").forEach((select) =>
      UI.setOptions(select, state.units, (u) => u.name));
  }

  async function reloadUnits() {
    state.units = (await api("GET", "/api/units")).items;
    renderUnits();
    await reloadSessions(); // a renamed unit shows in the schedule
  }

  // --- Schedule ---------------------------------------------------------------------------

  UI.listForm($("session-form"), { create: () => "/api/sessions", onSaved: reloadSessions });

  function renderSessions() {
    UI.rows($("sessions").tBodies[0], state.sessions, (s) => el("tr", { class: "session-row-" + s.state },
      el("td", {}, UI.dateCell(s.air_date)),
      el("td", {}, `${s.start_time}–${s.end_time}`),
      el("td", {}, el("a", { href: `/plan/units/${s.unit_id}` }, s.unit)),
      el("td", {}, el("a", { href: `/plan/sessions/${s.id}` }, s.topic || t("plan.no_topic"))),
      el("td", {}, UI.guestNames(s.guests)),
      el("td", {}, UI.stateBadge(s.state)),
      el("td", {}, el("div", { class: "row-actions" }, UI.seatLinks(s, state.seats)))),
    document.querySelector("#schedule-panel .empty-note"));
  }

  async function reloadSessions() {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(UI.values(filter))) {
      if (value !== null && value !== "") query.set(name, value);
    }
    try {
      state.sessions = (await api("GET", "/api/sessions?" + query)).items;
      UI.clearErrors(filter);
      renderSessions();
    } catch (err) {
      if (!(err instanceof Hotline.ApiError)) throw err;
      UI.showErrors(filter, err);
    }
  }

  filter.addEventListener("submit", (event) => {
    event.preventDefault();
    reloadSessions();
  });

  // --- Import -----------------------------------------------------------------------------

  const importForm = $("import-form");
  const importResult = $("import-result");

  function rowErrorTable(rows) {
    return el("table", { class: "grid import-errors" },
      el("thead", {}, el("tr", {}, el("th", {}, t("plan.row")), el("th", {}, t("plan.reason")))),
      el("tbody", {}, rows.map((r) => el("tr", {}, el("td", {}, String(r.row)), el("td", {}, r.reason)))));
  }

  importForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    importResult.replaceChildren();
    const formData = new FormData(importForm);
    formData.set("create_units", importForm.elements.create_units.checked ? "true" : "false");
    let rowErrors = null;
    const result = await UI.submitting(importForm, async () => {
      try {
        return await UI.upload("/api/schedule/import", formData);
      } catch (err) {
        if (err instanceof Hotline.ApiError && err.details && Array.isArray(err.details.rows)) {
          rowErrors = err;
          return undefined;
        }
        throw err;
      }
    });
    if (rowErrors) {
      importResult.replaceChildren(
        el("p", { class: "field-error" }, rowErrors.message), rowErrorTable(rowErrors.details.rows));
      return;
    }
    if (result === undefined) return;
    importResult.replaceChildren(el("p", { class: "import-ok" }, UI.fmt("plan.imported", { n: result.imported })));
    if (result.created_units.length) {
      importResult.appendChild(
        el("p", { class: "muted" }, UI.fmt("plan.created_units", { names: result.created_units.join("、") })));
    }
    importForm.elements.file.value = "";
    await reloadUnits();
  });

  // --- First render -----------------------------------------------------------------------

  filter.elements.from.value = state.since;
  renderProgrammes();
  renderUnits();
  renderSessions();
})();
