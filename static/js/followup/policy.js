// The deadline-policy editor: a programme's time limits (default, complex, redo, rules by category
// and urgency), the due-soon warning, the on-time tolerance and the reply quality gate, through
// GET/PUT /api/programmes/<id>/deadline-policy. Controls are named as the policy's fields
// ("default.days", "rules.0.count"), so each message the API gives lands beside its field; the
// form is never redrawn on an error, so nothing typed is lost. Needs common.js, followup/common.js.
"use strict";

(() => {
  const { el, t, api, toast } = Hotline;
  const data = JSON.parse(document.getElementById("desk-data").textContent);
  const form = document.getElementById("policy-form");
  const rulesBody = document.querySelector("#rules tbody");
  const status = document.getElementById("form-status");
  let dirty = false;

  const countOptions = () => data.counts.map((c) => el("option", { value: c.value }, c.label));
  const anyOptions = (options) =>
    [el("option", { value: "" }, t("pol.any"))].concat(options.map((o) => el("option", { value: o.value }, o.label)));

  // --- the rules table --------------------------------------------------------------------------
  function ruleRow(rule) {
    const row = el("tr", { class: "rule-row" },
      el("td", {}, el("select", { "data-field": "category" }, anyOptions(data.categories))),
      el("td", {}, el("select", { "data-field": "urgency" }, anyOptions(data.urgencies))),
      el("td", {}, el("input", { type: "number", min: "0", max: "365", "data-field": "days" })),
      el("td", {}, el("select", { "data-field": "count" }, countOptions())),
      el("td", {}, el("button", {
        type: "button", class: "small danger", onclick: () => { row.remove(); renumber(); changed(); },
      }, t("pol.remove"))));
    row.querySelector('[data-field="category"]').value = rule.category || "";
    row.querySelector('[data-field="urgency"]').value = rule.urgency || "";
    row.querySelector('[data-field="days"]').value = rule.days === undefined ? "" : String(rule.days);
    row.querySelector('[data-field="count"]').value = rule.count || "calendar";
    return row;
  }

  // Names follow the row's place, as the API's messages do ("rules.1.days").
  function renumber() {
    rulesBody.querySelectorAll("tr").forEach((row, i) => {
      row.querySelectorAll("[data-field]").forEach((c) => { c.name = "rules." + i + "." + c.dataset.field; });
    });
    document.getElementById("no-rules").hidden = rulesBody.children.length > 0;
  }

  // --- form <-> policy --------------------------------------------------------------------------
  function fill(policy) {
    for (const key of ["default", "complex", "redo"]) {
      form.elements[key + ".days"].value = String(policy[key].days);
      form.elements[key + ".count"].value = policy[key].count;
    }
    rulesBody.replaceChildren(...policy.rules.map(ruleRow));
    renumber();
    form.elements.due_soon_days.value = String(policy.due_soon_days);
    form.elements.perfunctory_phrases.value = policy.perfunctory_phrases.join("\n");
    form.elements.min_reply_chars.value = String(policy.min_reply_chars);
    form.elements.head_signoff_required.checked = Boolean(policy.head_signoff_required);
    form.elements.on_time_tolerance_minutes.value = String(policy.on_time_tolerance_minutes);
    clearErrors();
  }

  // A number stays as typed when it is not one, so the API says so beside the field.
  const number = (value) => (value.trim() !== "" && !isNaN(Number(value)) ? Number(value) : value);

  function read() {
    const rule = (key) => ({ days: number(form.elements[key + ".days"].value), count: form.elements[key + ".count"].value });
    return {
      default: rule("default"),
      complex: rule("complex"),
      redo: rule("redo"),
      rules: Array.from(rulesBody.querySelectorAll("tr")).map((row) => {
        const value = (field) => row.querySelector('[data-field="' + field + '"]').value;
        return {
          category: value("category") || null,
          urgency: value("urgency") || null,
          days: number(value("days")),
          count: value("count"),
        };
      }),
      due_soon_days: number(form.elements.due_soon_days.value),
      perfunctory_phrases: form.elements.perfunctory_phrases.value.split("\n").map((s) => s.trim()).filter(Boolean),
      min_reply_chars: number(form.elements.min_reply_chars.value),
      head_signoff_required: form.elements.head_signoff_required.checked,
      on_time_tolerance_minutes: number(form.elements.on_time_tolerance_minutes.value),
    };
  }

  // --- errors -----------------------------------------------------------------------------------
  function clearErrors() {
    form.querySelectorAll(".field-error").forEach((n) => n.remove());
    form.querySelectorAll(".invalid").forEach((n) => n.classList.remove("invalid"));
    document.getElementById("form-error").hidden = true;
  }

  // "perfunctory_phrases.2" has no control of its own: the message goes under the nearest one.
  function controlFor(path) {
    const parts = path.split(".");
    while (parts.length) {
      const control = form.querySelector('[name="' + parts.join(".") + '"]');
      if (control) return control;
      parts.pop();
    }
    return null;
  }

  function showErrors(err) {
    clearErrors();
    const details = (err && err.details) || {};
    const unplaced = [];
    for (const [path, message] of Object.entries(details)) {
      const control = controlFor(path);
      if (!control) { unplaced.push(path + ": " + message); continue; }
      control.classList.add("invalid");
      const cell = control.closest("td") || control.closest("label") || control;
      cell.append(el("div", { class: "field-error", role: "alert" }, message));
    }
    const box = document.getElementById("form-error");
    box.textContent = unplaced.length ? unplaced.join("; ") : t("pol.invalid");
    box.hidden = false;
    const first = form.querySelector(".invalid");
    if (first) first.focus();
  }

  // --- loading and saving -----------------------------------------------------------------------
  function programmeId() {
    return form.elements.programme.value;
  }

  async function load() {
    try {
      fill(await api("GET", "/api/programmes/" + programmeId() + "/deadline-policy"));
      dirty = false;
      status.textContent = "";
    } catch (err) {
      toast(err.message, "error");
    }
  }

  async function save(event) {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      fill(await api("PUT", "/api/programmes/" + programmeId() + "/deadline-policy", read()));
      dirty = false;
      status.textContent = t("pol.saved");
      toast(t("pol.saved"), "ok");
    } catch (err) {
      if (err.details) showErrors(err); else toast(err.message, "error");
    } finally {
      button.disabled = false;
    }
  }

  function changed() {
    dirty = true;
    status.textContent = t("pol.unsaved");
  }

  // --- wiring -----------------------------------------------------------------------------------
  for (const key of ["default", "complex", "redo"]) form.elements[key + ".count"].append(...countOptions());
  const programmes = form.elements.programme;
  for (const p of data.programmes) programmes.append(el("option", { value: p.id }, p.name));
  programmes.closest("label").hidden = data.programmes.length < 2;
  programmes.addEventListener("change", load);
  form.addEventListener("input", (event) => { if (event.target !== programmes) changed(); });
  form.addEventListener("submit", save);
  document.getElementById("add-rule").addEventListener("click", () => {
    rulesBody.append(ruleRow({ days: 5, count: "working" }));
    renumber();
    changed();
    rulesBody.lastElementChild.querySelector("select").focus();
  });
  document.getElementById("use-12345").addEventListener("click", () => {
    fill(data.preset_12345);
    changed();
    status.textContent = t("pol.filled_12345");
  });
  document.getElementById("use-defaults").addEventListener("click", () => {
    fill(data.defaults);
    changed();
    status.textContent = t("pol.filled_defaults");
  });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = t("pol.leave");
  });
  if (data.programmes.length) load();
})();
