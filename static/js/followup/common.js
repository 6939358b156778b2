// Shared by the follow-up pages (desks, case page, callbacks): how a case's state and deadline
// look, the link to a case, and the field errors under a form. Needs common.js (Hotline).
"use strict";

const Followup = (() => {
  const { el, t } = Hotline;

  // Rows from the API carry their labels (state_label, deadline_label), so every page says the
  // same words; the class gives the colour.
  function stateBadge(row) {
    return el("span", { class: "badge case-state case-" + row.state }, row.state_label);
  }

  function deadlineBadge(row) {
    const badge = el("span", { class: "badge deadline deadline-" + row.deadline, title: row.due_rule }, row.deadline_label);
    if (!row.calendar_fallback) return badge;
    return el("span", {}, badge, " ", el("span", {
      class: "badge calendar-fallback",
      title: t("followup.fallback_long"),
    }, t("followup.fallback_short")));
  }

  function dueCell(row) {
    return el("span", { class: "due" }, row.due_on, " ", deadlineBadge(row));
  }

  function caseLink(row) {
    return el("a", { href: "/followup/cases/" + row.id, class: "case-number" }, row.number);
  }

  // Put an ApiError's per-field messages under the matching [name] fields of a form; returns
  // whether any was shown. What the person typed is left as it was.
  function showFieldErrors(form, error) {
    form.querySelectorAll(".field-error").forEach((n) => n.remove());
    const details = (error && error.details) || {};
    let shown = false;
    for (const [name, message] of Object.entries(details)) {
      const field = form.querySelector('[name="' + name + '"]');
      if (!field) continue;
      field.after(el("div", { class: "field-error", role: "alert" }, message));
      shown = true;
    }
    return shown;
  }

  return { stateBadge, deadlineBadge, dueCell, caseLink, showFieldErrors };
})();
