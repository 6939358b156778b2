// The unit editor (/plan/units/<id>): the unit's name, short name and duty phone, its sections
// (科室) and contacts (总负责人, 具体负责人, 直接承办人, 联络员), and its sessions.
"use strict";

(() => {
  const { el, t, api } = Hotline;
  const UI = PlanUI;
  const state = UI.pageData(); // {unit, sessions}
  const $ = (id) => document.getElementById(id);
  const unitUrl = `/api/units/${state.unit.id}`;

  async function reload() {
    state.unit = await api("GET", unitUrl);
    render();
  }

  function showUnit(unit) {
    state.unit = unit;
    $("unit-title").textContent = unit.name;
    document.title = document.title.replace(/^[^·]*/, unit.name + " ");
    UI.fill($("unit-form"), unit);
  }

  UI.editorForm($("unit-form"), unitUrl, showUnit);
  $("delete-unit").addEventListener("click", () =>
    UI.remove(unitUrl, state.unit.name, () => { window.location.href = "/plan"; }));

  const sectionForm = UI.listForm($("section-form"), {
    create: () => `${unitUrl}/sections`,
    update: (id) => `/api/sections/${id}`,
    onSaved: reload,
  });

  const contactForm = UI.listForm($("contact-form"), {
    create: () => `${unitUrl}/contacts`,
    update: (id) => `/api/contacts/${id}`,
    onSaved: reload,
  });

  function render() {
    showUnit(state.unit);
    UI.rows($("sections").tBodies[0], state.unit.sections, (s) => el("tr", {},
      el("td", {}, s.name),
      el("td", {}, el("div", { class: "row-actions" },
        UI.button(t("plan.edit"), () => sectionForm.edit(s)),
        UI.deleteButton(`/api/sections/${s.id}`, s.name, reload)))));
    UI.rows($("contacts").tBodies[0], state.unit.contacts, (c) => el("tr", {},
      el("td", {}, Hotline.label("ContactRole", c.role)),
      el("td", {}, c.name),
      el("td", {}, c.title),
      el("td", { class: "nowrap" }, c.phone ? el("a", { href: "tel:" + c.phone }, c.phone) : ""),
      el("td", { class: "nowrap" }, c.email ? el("a", { href: "mailto:" + c.email }, c.email) : ""),
      el("td", {}, el("div", { class: "row-actions" },
        UI.button(t("plan.edit"), () => contactForm.edit(c)),
        UI.deleteButton(`/api/contacts/${c.id}`, c.name, reload)))));
    UI.rows($("sessions").tBodies[0], state.sessions, (s) => el("tr", {},
      el("td", {}, UI.dateCell(s.air_date)),
      el("td", {}, `${s.start_time}–${s.end_time}`),
      el("td", {}, el("a", { href: `/plan/sessions/${s.id}` }, s.topic || t("plan.no_topic"))),
      el("td", {}, UI.stateBadge(s.state))),
    document.querySelector(".empty-note"));
  }

  render();
})();
