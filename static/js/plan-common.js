// Shared by the planning pages: forms whose controls are named as the API's fields (read, fill
// for editing, post as JSON, show the API's errors beside the field), buttons, the page's embedded
// first data and small formatters. Builds DOM with Hotline.el only: no data becomes markup.
"use strict";

const PlanUI = (() => {
  const { el, t, api, toast } = Hotline;

  // The page's first data, rendered by the server as JSON (never as markup).
  function pageData() {
    return JSON.parse(document.getElementById("plan-data").textContent);
  }

  // t() with {name} placeholders.
  function fmt(key, vars) {
    return t(key).replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  }

  function controls(form) {
    return Array.from(form.elements).filter((c) => c.name && c.tagName !== "BUTTON");
  }

  // The JSON body: checkboxes as booleans, data-type="int" as numbers (or null), the rest as text.
  // Disabled controls are left out, so a locked field is never sent.
  function values(form) {
    const body = {};
    for (const c of controls(form)) {
      if (c.disabled || c.type === "file") continue;
      if (c.type === "checkbox") body[c.name] = c.checked;
      else if (c.dataset.type === "int") body[c.name] = c.value === "" ? null : Number(c.value);
      else body[c.name] = c.value;
    }
    return body;
  }

  function fill(form, item) {
    for (const c of controls(form)) {
      if (c.type === "file" || !(c.name in item)) continue;
      if (c.type === "checkbox") c.checked = Boolean(item[c.name]);
      else c.value = item[c.name] === null || item[c.name] === undefined ? "" : String(item[c.name]);
    }
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach((n) => n.remove());
    form.querySelectorAll(".invalid").forEach((n) => n.classList.remove("invalid"));
  }

  // The API answers {"error": {"message", "details": {field: message}}}: each message goes under
  // its field; what has no field (or no details at all) goes under the form.
  function showErrors(form, err) {
    clearErrors(form);
    const details = err && err.details && typeof err.details === "object" ? err.details : {};
    let placed = false;
    for (const [field, message] of Object.entries(details)) {
      const control = form.elements.namedItem(field.split(".")[0]);
      if (!control || typeof message !== "string" || !control.classList) continue;
      control.classList.add("invalid");
      (control.closest("label") || control).appendChild(el("div", { class: "field-error" }, message));
      placed = true;
    }
    if (!placed) {
      const status = form.querySelector(".form-status");
      if (status) status.appendChild(el("div", { class: "field-error" }, err.message));
      else toast(err.message, "error");
    }
  }

  async function submitting(form, action) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    clearErrors(form);
    try {
      return await action();
    } catch (err) {
      if (!(err instanceof Hotline.ApiError)) throw err;
      showErrors(form, err);
      return undefined;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  // A form that adds an item (POST to create()) or, after edit(item), changes it (PATCH to
  // update(id)). onSaved gets the API's answer; the page re-renders from it.
  function listForm(form, { create, update, onSaved }) {
    const submit = form.querySelector("button[type=submit]");
    const cancel = form.querySelector("button.cancel");
    const addLabel = submit.textContent;
    let editing = null;

    function reset() {
      editing = null;
      form.reset();
      clearErrors(form);
      submit.textContent = addLabel;
      form.classList.remove("editing");
      if (cancel) cancel.hidden = true;
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = values(form);
      const saved = await submitting(form, () =>
        editing === null ? api("POST", create(), body) : api("PATCH", update(editing), body));
      if (saved === undefined) return;
      reset();
      toast(t("saved"), "ok");
      await onSaved(saved);
    });
    if (cancel) cancel.addEventListener("click", reset);

    return {
      reset,
      edit(item) {
        reset();
        editing = item.id;
        fill(form, item);
        submit.textContent = t("plan.save");
        form.classList.add("editing");
        if (cancel) cancel.hidden = false;
        const details = form.closest("details");
        if (details) details.open = true;
        form.scrollIntoView({ block: "nearest" });
        const first = controls(form).find((c) => !c.disabled);
        if (first) first.focus();
      },
    };
  }

  // A form that edits one object in place: PATCH to url, then onSaved(answer).
  function editorForm(form, url, onSaved) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = values(form);
      const saved = await submitting(form, () => api("PATCH", url, body));
      if (saved === undefined) return;
      toast(t("saved"), "ok");
      await onSaved(saved);
    });
  }

  function button(label, onclick, cls) {
    return el("button", { type: "button", class: cls || "small", onclick }, label);
  }

  // Asks first; the API refuses (409) what may not go, and the toast says why.
  async function remove(url, name, onDone) {
    if (!window.confirm(fmt("plan.confirm_delete", { name }))) return;
    try {
      await api("DELETE", url);
      toast(t("plan.deleted"), "ok");
      await onDone();
    } catch (err) {
      if (!(err instanceof Hotline.ApiError)) throw err;
      toast(err.message, "error");
    }
  }

  function deleteButton(url, name, onDone) {
    return button(t("plan.delete"), () => remove(url, name, onDone), "small danger");
  }

  // Replace a select's options, keeping the chosen value when it still exists.
  function setOptions(select, items, labelOf) {
    const current = select.value;
    const empty = select.dataset.empty;
    select.replaceChildren(
      ...(empty !== undefined ? [el("option", { value: "" }, empty)] : []),
      ...items.map((item) => el("option", { value: String(item.id) }, labelOf(item))),
    );
    if (Array.from(select.options).some((o) => o.value === current)) select.value = current;
  }

  function weekday(isoDate) {
    const lang = document.documentElement.lang || undefined;
    return new Date(isoDate + "T00:00:00").toLocaleDateString(lang, { weekday: "short" });
  }

  function dateCell(isoDate) {
    return [isoDate, " ", el("span", { class: "muted" }, weekday(isoDate))];
  }

  function stateBadge(state) {
    return el("span", { class: "badge session-" + state }, Hotline.label("SessionState", state));
  }

  function seatLinks(session, seats) {
    return seats.map((seat) =>
      el("a", { class: "button small", href: `/live/${session.id}/${seat}` }, t("plan.seat." + seat)));
  }

  function guestNames(guests) {
    return guests.flatMap((g, i) => [
      i ? "、" : "",
      g.name,
      g.is_head ? el("span", { class: "badge head" }, t("plan.head")) : null,
    ]);
  }

  function rows(tbody, items, rowOf, emptyNote) {
    tbody.replaceChildren(...items.map(rowOf));
    if (emptyNote) emptyNote.hidden = items.length > 0;
  }

  // A multipart upload with the CSRF header, answering like Hotline.api.
  async function upload(url, formData) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body: formData,
        credentials: "same-origin",
        headers: {
          "Accept": "application/json",
          "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content,
        },
      });
    } catch (e) {
      throw new Hotline.ApiError(0, { error: { code: "network", message: t("error.network") } });
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Hotline.ApiError(response.status, body);
    return body;
  }

  return {
    pageData, fmt, values, fill, showErrors, clearErrors, submitting, listForm, editorForm,
    button, deleteButton, remove, setOptions, dateCell, stateBadge, seatLinks, guestNames, rows, upload,
  };
})();
