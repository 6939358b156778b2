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

  // The on-air commitment's deadline, in the policy deadline's words and colours.
  function commitmentBadge(row) {
    return el("span", { class: "badge deadline deadline-" + row.commitment_deadline }, row.commitment_deadline_label);
  }

  function commitmentDue(row) {
    return el("span", { class: "due due-commitment" },
      t("followup.commitment_due"), " ", row.commitment_due, " ", commitmentBadge(row));
  }

  // The policy's deadline; with an open on-air commitment that has a date, both, the nearer first
  // ("承诺 2026-12-09 · 办理时限 2026-12-21").
  function dueCell(row) {
    if (!row.commitment_open || !row.commitment_due) {
      return el("span", { class: "due" }, row.due_on, " ", deadlineBadge(row));
    }
    const policy = el("span", { class: "due due-policy" }, t("followup.policy_due"), " ", row.due_on, " ", deadlineBadge(row));
    const both = row.nearer_deadline === "commitment" ? [commitmentDue(row), policy] : [policy, commitmentDue(row)];
    return el("span", { class: "dues" }, both[0], el("span", { class: "muted" }, " · "), both[1]);
  }

  // Late or close: by the policy's deadline or by the open commitment's (the desks' counters, rows).
  const late = (row) => row.deadline === "overdue" || row.commitment_deadline === "overdue";
  const soon = (row) => !late(row) && ["due_soon", "due_today"].some(
    (s) => row.deadline === s || row.commitment_deadline === s);

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

  return { stateBadge, deadlineBadge, commitmentBadge, commitmentDue, dueCell, late, soon, caseLink, showFieldErrors };
})();
