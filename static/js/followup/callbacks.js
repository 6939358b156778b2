// The callback desk: callbacks due by the chosen day (today by default), grouped by kind, one click
// per outcome. Each click records the callback through the case's "callback" action; the row then
// goes, with a toast saying what the outcome did to the case. "Not reached" keeps the row (the
// callback stays due) and marks when it was tried. Needs common.js and followup/common.js.
"use strict";

(() => {
  const { el, t, api, toast, label } = Hotline;
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const groupsBox = document.getElementById("cb-groups");
  const loading = document.getElementById("cb-loading");
  const dayInput = document.getElementById("cb-day");

  // Page strings carry Python-style placeholders: "%(due)s".
  function fmt(key, params) {
    return t(key).replace(/%\((\w+)\)s/g, (whole, name) => (name in params ? String(params[name]) : whole));
  }

  // --- the list -----------------------------------------------------------------------------------
  async function load() {
    const day = dayInput.value || data.today;
    const query = day === data.today ? location.pathname : "?day=" + encodeURIComponent(day);
    history.replaceState(null, "", query);
    loading.hidden = false;
    try {
      const body = await api("GET", "/api/callbacks?day=" + encodeURIComponent(day));
      render(body.items);
    } catch (error) {
      toast(error.message, "error");
    } finally {
      loading.hidden = true;
    }
  }

  function render(callbacks) {
    groupsBox.replaceChildren(
      ...data.kinds.map((kind) => group(kind, callbacks.filter((cb) => cb.kind === kind.value))),
    );
  }

  function group(kind, items) {
    const count = el("span", { class: "badge cb-count" });
    const empty = el("p", { class: "muted cb-empty" }, t("cb.nothing"));
    const tbody = el("tbody", {});
    const table = el("table", { class: "grid cb-table" },
      el("colgroup", {}, ["case", "unit", "subject", "citizen", "due", "outcome"].map((c) => el("col", { class: "c-" + c }))),
      el("thead", {}, el("tr", {},
        el("th", {}, t("cb.case")), el("th", {}, t("cb.unit")), el("th", {}, t("cb.subject")),
        el("th", {}, t("cb.citizen")), el("th", {}, t("cb.due")), el("th", {}, t("cb.outcome")))),
      tbody);
    const section = el("section", { class: "panel cb-group", id: "cb-" + kind.value },
      el("h2", {}, kind.label, count),
      el("p", { class: "muted cb-question" }, t("cb.question." + kind.value)),
      table, empty);
    const refresh = () => {
      const n = tbody.querySelectorAll("tr.cb-row").length;
      count.textContent = fmt("cb.count", { n });
      table.hidden = n === 0;
      empty.hidden = n > 0;
    };
    for (const cb of items) tbody.append(...row(cb, refresh));
    refresh();
    return section;
  }

  function row(cb, refresh) {
    const c = cb.case;
    const overdue = cb.due_on < data.today;
    const channel = el("select", { name: "channel", "aria-label": t("cb.channel"), title: t("cb.channel") },
      data.channels.map((ch) => el("option", { value: ch.value }, ch.label)));
    const note = el("input", { type: "text", name: "note", maxlength: "2000", placeholder: t("cb.note"),
      "aria-label": t("cb.note") });
    const tried = el("div", { class: "cb-tried", hidden: true });
    // The citizen may confirm at the result callback that the on-air commitment is kept.
    const kept = cb.kind === "result" && c.commitment_open
      ? el("input", { type: "checkbox", name: "commitment_kept" }) : null;
    const detailsCell = el("td", { colspan: "6" });
    const details = el("tr", { class: "cb-details", hidden: true }, detailsCell);
    const toggle = el("button", { type: "button", class: "link" }, t("cb.details"));
    const buttons = outcomes(cb).map((o) => el("button", { type: "button", class: o.cls }, o.label));
    const tr = el("tr", { class: "cb-row", dataset: { id: cb.id } },
      el("td", {}, Followup.caseLink(c)),
      el("td", {}, c.unit),
      el("td", { class: "cb-subject" }, c.subject,
        c.commitment_open && c.commitment_due ? el("div", {}, Followup.commitmentDue(c)) : null,
        el("div", {}, toggle)),
      el("td", {}, el("div", {}, c.caller_name),
        el("a", { class: "cb-phone", href: "tel:" + c.contact_number }, c.contact_number)),
      el("td", { class: "cb-due" + (overdue ? " cb-overdue" : "") }, cb.due_on,
        overdue ? el("div", {}, el("span", { class: "badge deadline-overdue" }, t("cb.overdue_by"))) : null),
      el("td", { class: "cb-outcome" },
        el("div", { class: "cb-controls" }, channel, note),
        kept ? el("label", { class: "check cb-kept" }, kept, " ", t("cb.commitment_kept")) : null,
        el("div", { class: "cb-buttons" }, buttons),
        tried));

    const parts = { tr, details, channel, note, kept, tried, buttons, refresh };
    outcomes(cb).forEach((o, i) => buttons[i].addEventListener("click", () => record(cb, o, parts)));
    let loaded = false;
    const show = async (open) => {
      details.hidden = !open;
      toggle.textContent = open ? t("cb.hide") : t("cb.details");
      if (open && !loaded) {
        loaded = true;
        detailsCell.replaceChildren(el("span", { class: "muted" }, t("cb.loading")));
        try {
          detailsCell.replaceChildren(describe(cb, await api("GET", "/api/cases/" + c.id)));
        } catch (error) {
          loaded = false;
          detailsCell.replaceChildren(el("span", { class: "field-error" }, error.message));
        }
      }
    };
    toggle.addEventListener("click", () => show(details.hidden));
    // What the citizen is asked about is on the row: the reply for a result callback, the
    // commitment for a look-back.
    if (cb.kind !== "process") show(true);
    return [tr, details];
  }

  // The one-click outcomes of each kind; "not reached" is offered for every kind.
  function outcomes(cb) {
    const list = {
      process: [
        { label: t("cb.contacted"), cls: "good", body: { contacted: true } },
        { label: t("cb.not_contacted"), cls: "bad", body: { contacted: false } },
      ],
      result: data.satisfaction.map((s) => ({
        label: s.label, cls: s.value === "unsatisfied" ? "bad" : "good", body: { satisfaction: s.value },
      })),
      lookback: [
        { label: t("cb.kept"), cls: "good", body: { fulfilled: true } },
        { label: t("cb.not_yet"), cls: "bad", body: { fulfilled: false } },
      ],
    }[cb.kind] || [];
    return [...list, { label: t("cb.not_reached"), cls: "neutral", body: { reached: false } }];
  }

  // --- recording ------------------------------------------------------------------------------------
  async function record(cb, outcome, parts) {
    const payload = Object.assign(
      { callback_id: cb.id, channel: parts.channel.value, reached: true, note: parts.note.value.trim() },
      outcome.body);
    if (parts.kept && parts.kept.checked && payload.satisfaction) payload.commitment_kept = true;
    busy(parts, true);
    let result;
    try {
      result = await api("POST", "/api/cases/" + cb.case.id + "/actions/callback", payload);
    } catch (error) {
      busy(parts, false);
      toast(error.message, "error");
      // Recorded meanwhile by someone else, or the case moved on: show the list as it is now.
      if (error.status === 404 || error.status === 409) load();
      return;
    }
    if (!payload.reached) {
      busy(parts, false);
      const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      parts.tried.textContent = fmt("cb.tried", { time });
      parts.tried.hidden = false;
      toast(t("cb.done.not_reached"), "info");
      return;
    }
    toast(doneMessage(cb, payload, result), result.state === "redo" ? "info" : "ok");
    parts.tr.remove();
    parts.details.remove();
    parts.refresh();
  }

  function busy(parts, on) {
    parts.tr.classList.toggle("cb-busy", on);
    parts.buttons.forEach((b) => { b.disabled = on; });
  }

  // What the outcome did to the case, from the case as the API returns it.
  function doneMessage(cb, payload, kase) {
    if (cb.kind === "process") {
      if (payload.contacted) return t("cb.done.contacted");
      return kase.state === "redo" ? fmt("cb.done.not_contacted_redo", { due: kase.due_on }) : t("cb.done.not_contacted");
    }
    if (cb.kind === "result") {
      if (kase.state === "redo") return fmt("cb.done.unsatisfied", { due: kase.due_on });
      const said = fmt("cb.done.satisfied", { satisfaction: label("Satisfaction", payload.satisfaction) });
      return payload.commitment_kept ? said + " " + t("cb.done.commitment_confirmed") : said;
    }
    return payload.fulfilled ? t("cb.done.kept") : t("cb.done.not_yet");
  }

  // --- what the agent reads out -----------------------------------------------------------------------
  function describe(cb, kase) {
    const items = [];
    const add = (term, ...value) => items.push(el("dt", {}, term), el("dd", {}, ...value));
    if (kase.details) add(t("cb.details_text"), kase.details);
    if (kase.on_air_answer) add(t("cb.on_air_answer"), kase.on_air_answer);
    if (kase.commitment) {
      const due = kase.commitment.due ? " (" + t("cb.commitment_due") + " " + kase.commitment.due + ")" : "";
      add(t("cb.commitment"), kase.commitment.what + due, kase.commitment.how ? "\n" + kase.commitment.how : "");
    }
    if (cb.kind === "result") {
      const approved = kase.replies.filter((r) => r.approved === true);
      const reply = approved[approved.length - 1];
      add(t("cb.reply"), reply ? reply.body : el("span", { class: "muted" }, t("cb.no_reply")));
      if (kase.answer_channel) add(t("cb.answered_via"), label("CallbackChannel", kase.answer_channel));
    }
    if (kase.redo_count) add(t("cb.redo_count"), String(kase.redo_count));
    if (kase.no_contact_count) add(t("cb.no_contact_count"), String(kase.no_contact_count));
    return el("dl", {}, items);
  }

  // --- the day --------------------------------------------------------------------------------------
  const asked = new URLSearchParams(location.search).get("day");
  if (asked && /^\d{4}-\d{2}-\d{2}$/.test(asked)) dayInput.value = asked;
  dayInput.addEventListener("change", () => { if (dayInput.value) load(); });
  document.getElementById("cb-day-form").addEventListener("submit", (e) => { e.preventDefault(); load(); });
  document.getElementById("cb-today").addEventListener("click", () => { dayInput.value = data.today; load(); });
  load();
})();
