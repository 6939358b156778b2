// The session editor (/plan/sessions/<id>): date, hour, unit and topic; the guests with the
// head-of-unit (一把手) mark; the prepared material by kind; the anticipated questions and answers.
"use strict";

(() => {
  const { el, t, api } = Hotline;
  const UI = PlanUI;
  const state = UI.pageData(); // {session (its plan), units, seats}
  const $ = (id) => document.getElementById(id);
  const id = state.session.id;
  const sessionForm = $("session-form");

  async function reload() {
    show(await api("GET", `/api/sessions/${id}/plan`));
  }

  function show(plan) {
    state.session = plan;
    render();
  }

  UI.editorForm(sessionForm, `/api/sessions/${id}`, show);
  $("delete-session").addEventListener("click", () =>
    UI.remove(`/api/sessions/${id}`, `${state.session.unit} ${state.session.air_date}`,
      () => { window.location.href = "/plan"; }));

  const guestForm = UI.listForm($("guest-form"), {
    create: () => `/api/sessions/${id}/guests`, update: (gid) => `/api/guests/${gid}`, onSaved: reload,
  });
  const materialForm = UI.listForm($("material-form"), {
    create: () => `/api/sessions/${id}/materials`, update: (mid) => `/api/materials/${mid}`, onSaved: reload,
  });
  const answerForm = UI.listForm($("answer-form"), {
    create: () => `/api/sessions/${id}/answers`, update: (aid) => `/api/answers/${aid}`, onSaved: reload,
  });

  function itemActions(edit, url, name) {
    return el("div", { class: "actions" }, UI.button(t("plan.edit"), edit), UI.deleteButton(url, name, reload));
  }

  function renderHeader(s) {
    $("session-title").textContent = `${s.unit} · ${s.air_date}`;
    $("session-state").replaceChildren(UI.stateBadge(s.state));
    $("seat-links").replaceChildren(...UI.seatLinks(s, state.seats));
    UI.setOptions(sessionForm.elements.unit_id, state.units, (u) => u.name);
    UI.fill(sessionForm, s);
    // Once on air the date and unit are part of the record (the API refuses them too).
    const locked = s.state !== "scheduled";
    sessionForm.elements.air_date.disabled = locked;
    sessionForm.elements.unit_id.disabled = locked;
    sessionForm.querySelector(".locked-note").hidden = !locked;
    $("delete-session").hidden = locked;
  }

  function renderGuests(guests) {
    UI.rows($("guests").tBodies[0], guests, (g) => el("tr", {},
      el("td", {}, g.name),
      el("td", {}, g.title),
      el("td", {}, g.is_head ? el("span", { class: "badge head" }, t("plan.head")) : ""),
      el("td", {}, g.present ? t("plan.present") : el("span", { class: "badge absent" }, t("plan.absent"))),
      el("td", {}, itemActions(() => guestForm.edit(g), `/api/guests/${g.id}`, g.name))));
  }

  function renderMaterials(materials) {
    const kinds = Array.from($("material-form").elements.kind.options, (o) => o.value);
    const groups = kinds
      .map((kind) => [kind, materials.filter((m) => m.kind === kind)])
      .filter(([, items]) => items.length);
    $("materials").replaceChildren(
      ...(groups.length ? [] : [el("p", { class: "muted" }, t("plan.none"))]),
      ...groups.map(([kind, items]) => el("div", { class: "material-group" },
        el("h3", {}, Hotline.label("MaterialKind", kind)),
        items.map((m) => el("article", { class: "plan-item" },
          el("h4", {}, m.title),
          el("div", { class: "prose" }, m.body),
          itemActions(() => materialForm.edit(m), `/api/materials/${m.id}`, m.title))))));
  }

  function renderAnswers(answers) {
    $("answers").replaceChildren(
      ...(answers.length ? [] : [el("p", { class: "muted" }, t("plan.none"))]),
      ...answers.map((a, i) => el("article", { class: "plan-item" },
        el("h4", {}, `${i + 1}. ${a.question}`),
        a.answer ? el("div", { class: "prose" }, a.answer) : el("p", { class: "muted" }, t("plan.no_answer")),
        itemActions(() => answerForm.edit(a), `/api/answers/${a.id}`, a.question.slice(0, 40)))));
  }

  function render() {
    const s = state.session;
    renderHeader(s);
    renderGuests(s.guests);
    renderMaterials(s.materials);
    renderAnswers(s.prepared_answers);
  }

  render();
})();
