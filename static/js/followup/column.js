// The newspaper-column picker: draws the picks (the printable list), the cases that may be
// published with their pick toggle, and the picks that stopped being publishable. Every pick goes
// through POST /api/cases/<id>/actions/column_pick, so the workflow checks it (an internal case
// is refused with 409 and the message is shown).
"use strict";

(() => {
  const { el, t, api, toast } = Hotline;
  const data = JSON.parse(document.getElementById("column-data").textContent);

  // One record per case, whichever lists it came in.
  const cases = new Map();
  for (const item of [...data.candidates, ...data.picks, ...data.stale_picks]) {
    cases.set(item.id, Object.assign(cases.get(item.id) || {}, item));
  }
  const candidateIds = data.candidates.map((item) => item.id);

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const newestFirst = (a, b) => (b.answered_at || "").localeCompare(a.answered_at || "") || b.id - a.id;

  function meta(item) {
    return [
      fill(t("column.number"), { number: item.number }),
      item.unit,
      item.category,
      item.citizen + (item.phone ? " " + item.phone : ""),
      fill(t("column.received"), { date: item.received_on }),
      fill(t("column.answered"), { date: item.answered_on }),
    ].filter(Boolean).join(" · ");
  }

  function pickButton(item) {
    return el("button", {
      type: "button",
      class: item.picked ? "picked" : "",
      "aria-pressed": item.picked ? "true" : "false",
      onclick: (event) => toggle(item, !item.picked, event.currentTarget),
    }, item.picked ? t("column.picked") : t("column.pick"));
  }

  function unpickButton(item) {
    return el("button", {
      type: "button",
      class: "unpick no-print",
      onclick: (event) => toggle(item, false, event.currentTarget),
    }, t("column.unpick"));
  }

  function renderPicks() {
    const picks = [...cases.values()].filter((c) => c.picked && c.publishable).sort(newestFirst);
    const n = picks.length;
    const values = { n, min: data.min, max: data.max };
    document.getElementById("pick-count").textContent = n ? "(" + fill(t("column.count"), values) + ")" : "";
    const hint = document.getElementById("pick-hint");
    const key = n === 0 ? "column.none" : n < data.min ? "column.too_few" : n > data.max ? "column.too_many" : "column.ready";
    hint.textContent = fill(t(key), values);
    hint.className = "col-hint " + (key === "column.ready" ? "col-hint-ok" : "col-hint-warn");
    document.getElementById("picks").replaceChildren(...picks.map((item) => el("li", { dataset: { id: item.id } },
      unpickButton(item),
      el("h3", {}, item.subject),
      el("p", { class: "meta" }, meta(item)),
      el("p", {}, el("span", { class: "qa" }, t("column.question") + ":"), item.details || item.subject),
      el("p", {}, el("span", { class: "qa" }, t("column.answer") + ":"), item.reply),
    )));
  }

  function renderStale() {
    const stale = [...cases.values()].filter((c) => c.picked && !c.publishable).sort(newestFirst);
    document.getElementById("stale-panel").hidden = stale.length === 0;
    document.getElementById("stale").replaceChildren(...stale.map((item) => el("li", {},
      el("span", { class: "case-number" }, item.number), " ", item.subject, " · ",
      el("strong", {}, item.why_not), " ",
      unpickButton(item),
    )));
  }

  function renderCandidates() {
    const rows = candidateIds.map((id) => cases.get(id)).filter((item) => item.publishable);
    document.getElementById("candidates-empty").hidden = rows.length > 0;
    document.getElementById("candidates").replaceChildren(...rows.map((item) => el("tr",
      { class: item.picked ? "picked" : "", dataset: { id: item.id } },
      el("td", { class: "pick" }, pickButton(item)),
      el("td", { class: "case-number" }, item.number),
      el("td", { class: "nowrap" }, item.unit, item.category ? el("div", { class: "muted" }, item.category) : null),
      el("td", {},
        el("div", { class: "subject" }, item.subject),
        el("details", {},
          el("summary", {}, t("column.show_qa")),
          el("p", {}, el("strong", {}, t("column.question") + ": "), item.details || item.subject),
          el("p", {}, el("strong", {}, t("column.answer") + ": "), item.reply),
        ),
      ),
      el("td", {}, item.citizen, item.phone ? el("div", { class: "muted" }, item.phone) : null),
      el("td", { class: "nowrap" }, item.answered_on),
    )));
  }

  function render() {
    renderPicks();
    renderStale();
    renderCandidates();
  }

  // The case as the API returned it, onto our record.
  function update(item, json) {
    item.version = json.version;
    item.picked = json.column_pick;
    item.state = json.state_label;
    item.publishable = json.published;
    item.why_not = item.publishable ? ""
      : json.internal ? t("column.why.internal")
      : !json.consent_publish ? t("column.why.consent")
      : json.publishable ? t("column.why.review")
      : fill(t("column.why.state"), { state: json.state_label });
  }

  async function toggle(item, picked, button) {
    if (button) button.disabled = true;
    try {
      update(item, await api("POST", `/api/cases/${item.id}/actions/column_pick`, { picked, version: item.version }));
    } catch (err) {
      toast(err.message, "error");
      if (err.status === 409) {
        // Changed meanwhile, or no longer publishable: show the case as it is now.
        try {
          update(item, await api("GET", `/api/cases/${item.id}`));
        } catch (ignored) { /* the message above is enough */ }
      }
      if (button) button.disabled = false;
      render();
      return false;
    }
    render();
    return true;
  }

  document.getElementById("print").addEventListener("click", () => window.print());
  document.getElementById("unpick-all").addEventListener("click", async () => {
    const picked = [...cases.values()].filter((c) => c.picked);
    if (!picked.length || !window.confirm(t("column.unpick_all_confirm"))) return;
    for (const item of picked) {
      if (!(await toggle(item, false))) break;
    }
  });

  render();
})();
