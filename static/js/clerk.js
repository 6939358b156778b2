// The clerk's seat: the aired calls and, for the one picked, its recordings (to check what was
// said), what the official said and how satisfied the caller was. Every keystroke is kept in this
// browser first (localStorage) and saved shortly after, so neither a reload nor a lost connection
// loses a word; a record someone else changed meanwhile is never overwritten without asking.
//
// The pane is bound to one call and says whose record it is (#record-who). It follows the caller
// on air; any other record is the clerk's explicit choice from the list. A caller coming on air
// while the clerk is busy in another record does not move the pane: #on-air-notice says so at once
// and, if the pane's caller is off the air, the form waits (#record-fields disabled) until the
// clerk says whose record to write, so no word is saved to a call it was not meant for. Every save
// names the call the pane is bound to, and the server refuses it for any other.
import { Drafts, PAGE, Seat } from "./seat.js";

const { el, t } = Hotline;
const SAVE_DELAY_MS = 500;
const RETRY_MS = 5000;
const EMPTY = {
  outcome: null, answer: "", answered_by_guest_id: null,
  commitment_what: "", commitment_due: null, commitment_how: "", satisfaction: null,
};
// call id -> {fields, base: the record version the clerk started from}
const drafts = new Drafts(`hotline.record.${PAGE.session_id}.`);

const $ = (id) => document.getElementById(id);
const form = $("record");
const saves = new Map();     // call id -> {timer, inFlight, again, conflict, error}
const seenOnAir = new Set(); // a caller newly on air is picked for the clerk once
let selectedId = null;
// A caller came on air while the clerk was busy in an off-air record: the form waits for a choice.
let held = false;
// The record version the form shows while there is no draft; undefined = refill on next draw.
let shownVersion;

const seat = new Seat(PAGE, render);

// --- saving state -------------------------------------------------------------------------------

function saveState(id) {
  if (!saves.has(id)) saves.set(id, { timer: null, inFlight: false, again: false, conflict: null, error: null });
  return saves.get(id);
}

function recordOf(id) {
  const call = seat.calls.get(id);
  return call ? call.air_record : null;
}

function valuesOf(record) {
  const values = {};
  for (const [field, empty] of Object.entries(EMPTY)) {
    values[field] = record && record[field] !== null && record[field] !== undefined ? record[field] : empty;
  }
  return values;
}

// --- the form ------------------------------------------------------------------------------------

function readForm() {
  const checked = form.querySelector('input[name="outcome"]:checked');
  const pressed = form.querySelector('[data-satisfaction][aria-pressed="true"]');
  return {
    outcome: checked ? checked.value : null,
    answer: form.elements.answer.value,
    answered_by_guest_id: form.elements.answered_by_guest_id.value ? Number(form.elements.answered_by_guest_id.value) : null,
    commitment_what: form.elements.commitment_what.value,
    commitment_due: form.elements.commitment_due.value || null,
    commitment_how: form.elements.commitment_how.value,
    satisfaction: pressed ? pressed.dataset.satisfaction : null,
  };
}

function fillForm(values) {
  form.querySelectorAll('input[name="outcome"]').forEach((radio) => { radio.checked = radio.value === values.outcome; });
  for (const field of ["answer", "commitment_what", "commitment_how"]) form.elements[field].value = values[field] || "";
  form.elements.commitment_due.value = values.commitment_due || "";
  form.elements.answered_by_guest_id.value = values.answered_by_guest_id ? String(values.answered_by_guest_id) : "";
  pressSatisfaction(values.satisfaction);
  showCommitment();
}

function pressSatisfaction(value) {
  form.querySelectorAll("[data-satisfaction]").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.satisfaction === value));
  });
}

// Hidden, not cleared: a clerk who clicks another outcome by mistake gets the text back.
function showCommitment() {
  const checked = form.querySelector('input[name="outcome"]:checked');
  $("commitment").hidden = !checked || checked.value !== "commitment";
}

function edited() {
  if (selectedId === null) return;
  const id = selectedId;
  const draft = drafts.get(id);
  const record = recordOf(id);
  drafts.put(id, { fields: readForm(), base: draft ? draft.base : record ? record.version : null });
  showCommitment();
  const state = saveState(id);
  state.error = null;
  clearTimeout(state.timer);
  state.timer = setTimeout(() => save(id), SAVE_DELAY_MS);
  renderList();
  renderStatus();
}

// --- saving ----------------------------------------------------------------------------------

async function save(id) {
  const state = saveState(id);
  clearTimeout(state.timer);
  const draft = drafts.get(id);
  if (!draft || state.conflict) return;
  if (state.inFlight) {
    state.again = true;
    return;
  }
  state.inFlight = true;
  renderStatus();
  const body = { ...draft.fields, call_id: id };
  if (draft.base !== null && draft.base !== undefined) body.version = draft.base;
  try {
    saved(id, draft, await Hotline.api("PUT", `/api/calls/${id}/record`, body));
  } catch (err) {
    failed(id, err);
  }
  state.inFlight = false;
  const again = state.again;
  state.again = false;
  if (again && !state.conflict) save(id);
  renderList();
  renderConflict();
  renderStatus();
}

function saved(id, sent, record) {
  const state = saveState(id);
  state.error = null;
  takeRecord(id, record);
  if (id === selectedId) shownVersion = record.version;
  const now = drafts.get(id);
  if (!now) return;
  if (JSON.stringify(now.fields) === JSON.stringify(sent.fields)) {
    drafts.drop(id);
  } else {
    // Typed on while this was saving: the rest goes out on top of the version just made.
    drafts.put(id, { ...now, base: record.version });
    state.again = true;
  }
}

function failed(id, err) {
  const state = saveState(id);
  if (err.status === 409 && err.code === "wrong_call") {
    state.error = err;
    return;
  }
  if (err.status === 409 && err.code === "conflict") {
    state.conflict = { message: err.message, theirs: err.details.current };
    return;
  }
  state.error = err;
  if (err.status === 0 || err.status >= 500 || err.code === "changed_meanwhile") {
    state.timer = setTimeout(() => save(id), RETRY_MS);
  }
}

// A record the server sent, unless the seat already holds a newer one.
function takeRecord(id, record) {
  const call = seat.calls.get(id);
  if (call && (!call.air_record || call.air_record.version <= record.version)) call.air_record = record;
}

function takeTheirs() {
  const state = saveState(selectedId);
  if (!state.conflict) return;
  takeRecord(selectedId, state.conflict.theirs);
  state.conflict = null;
  drafts.drop(selectedId);
  shownVersion = undefined;
  render();
}

function keepMine() {
  const state = saveState(selectedId);
  const draft = drafts.get(selectedId);
  if (!state.conflict || !draft) return;
  drafts.put(selectedId, { ...draft, base: state.conflict.theirs.version });
  state.conflict = null;
  renderConflict();
  save(selectedId);
}

// After a (re)connect every draft still in this browser is sent again.
function resendDrafts() {
  drafts.ids().filter((id) => seat.calls.has(id)).forEach((id) => save(id));
}

// --- drawing ---------------------------------------------------------------------------------

function airedCalls() {
  const onAir = (c) => (c.state === "on_air" ? 1 : 0);
  return [...seat.calls.values()]
    .filter((c) => c.aired_at)
    .sort((a, b) => onAir(b) - onAir(a) || Date.parse(b.aired_at) - Date.parse(a.aired_at));
}

function render() {
  const aired = airedCalls();
  if (!aired.some((c) => c.id === selectedId)) select(aired.length ? aired[0].id : null, false);
  renderList(aired);
  renderCall(aired.length > 0);
  renderOnAirNotice();
  seat.renderRecordings($("record-recordings"), seat.calls.get(selectedId));
  syncForm();
  renderConflict();
  renderStatus();
  seat.tick();
}

function select(id, draw = true) {
  selectedId = id;
  held = false;
  shownVersion = undefined;
  const draft = id === null ? null : drafts.get(id);
  if (draft) fillForm(draft.fields);
  if (draw) render();
}

// Without a draft the form follows the record as others change it.
function syncForm() {
  $("record-fields").disabled = selectedId === null || held;
  if (selectedId === null) {
    fillForm(EMPTY);
    return;
  }
  if (drafts.get(selectedId)) return;
  const record = recordOf(selectedId);
  const version = record ? record.version : null;
  if (version !== shownVersion) {
    fillForm(valuesOf(record));
    shownVersion = version;
  }
}

function callerName(call) {
  return call.caller_name || t("listener");
}

function badgeOf(call) {
  const state = saves.get(call.id);
  if (state && state.conflict) return ["conflict", t("conflict")];
  if (drafts.get(call.id)) return ["unsaved", t("unsaved")];
  if (call.air_record && call.air_record.outcome) return ["recorded", t("recorded")];
  return ["unrecorded", t("unrecorded")];
}

function renderList(aired = airedCalls()) {
  $("aired").replaceChildren(
    ...(aired.length ? aired.map(airedItem) : [el("li", { class: "empty muted" }, t("none_aired"))]),
  );
}

function airedItem(call) {
  const [kind, text] = badgeOf(call);
  return el("li", {
    class: "aired-item" + (call.id === selectedId ? " selected" : "") + (call.state === "on_air" ? " on-air" : ""),
    dataset: { callId: call.id },
    tabindex: "0",
    role: "button",
    "aria-pressed": call.id === selectedId ? "true" : "false",
    onclick: () => select(call.id),
    onkeydown: (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        select(call.id);
      }
    },
  },
    el("div", { class: "aired-top" },
      el("span", { class: "time" }, Hotline.clock(call.aired_at)),
      call.state === "on_air" && el("span", { class: "badge state-on_air" }, Hotline.label("CallState", "on_air")),
      el("span", { class: "badge rec rec-" + kind }, text),
    ),
    el("div", { class: "aired-who" }, callerName(call), call.anonymous && el("span", { class: "badge anon" }, t("anonymous"))),
    el("div", { class: "aired-subject" }, call.subject),
  );
}

function renderCall(anyAired) {
  const call = seat.calls.get(selectedId);
  if (!call) {
    $("record-call").replaceChildren(el("p", { class: "muted" }, t(anyAired ? "pick_call" : "none_aired")));
    return;
  }
  const time = call.state === "on_air"
    ? el("span", { class: "badge state-on_air" }, Hotline.label("CallState", "on_air"), " ", el("span", { dataset: { since: call.aired_at } }))
    : el("span", { class: "muted" }, Hotline.clock(call.aired_at), " · ",
      Hotline.mmss((Date.parse(call.air_ended_at) - Date.parse(call.aired_at)) / 1000 || 0));
  const onAir = call.state === "on_air";
  $("record-call").replaceChildren(
    el("div", { id: "record-who", class: "record-who" + (onAir ? "" : " earlier"), dataset: { callId: call.id } },
      el("span", { class: "who-tag" }, t(onAir ? "writing_on_air" : "writing_earlier")),
      el("strong", {}, callerName(call)),
      call.anonymous && el("span", { class: "badge anon" }, t("anonymous")),
      call.number_masked && el("span", { class: "number" }, call.number_masked),
      el("span", { class: "line" }, lineOf(call)),
      time,
    ),
    el("div", { class: "rc-line" },
      call.district && el("span", {}, call.district),
      call.category && el("span", { class: "badge" }, Hotline.label("Category", call.category)),
    ),
    el("h2", { class: "rc-subject" }, call.subject),
    call.details && el("p", { class: "rc-details" }, call.details),
  );
}

function lineOf(call) {
  return call.line ? `${t("line")} ${call.line}` : Hotline.label("Channel", call.channel);
}

// The callers on air whose record the pane is not showing, each with a button to write theirs.
function renderOnAirNotice() {
  const bound = seat.calls.get(selectedId);
  const others = seat.onAir().filter((c) => c.id !== selectedId);
  const notice = $("on-air-notice");
  notice.hidden = !others.length;
  if (!others.length) {
    held = false;  // nobody else is on air: nothing to choose between
    return;
  }
  const boundOnAir = bound && bound.state === "on_air";
  notice.className = "on-air-notice" + (held ? " held" : "");
  notice.replaceChildren(
    el("p", { class: "notice-lead" }, t(boundOnAir ? "also_on_air" : "now_on_air")),
    ...others.map((call) => el("div", { class: "notice-caller" },
      el("strong", {}, callerName(call)),
      call.number_masked && el("span", { class: "number" }, call.number_masked),
      el("span", { class: "line" }, lineOf(call)),
      call.subject && el("span", { class: "muted" }, call.subject),
      el("button", { type: "button", class: "primary", dataset: { switchTo: call.id }, onclick: () => select(call.id) },
        t("write_their_record")),
    )),
    bound && !boundOnAir && el("p", { class: "notice-bound" }, t(held ? "held" : "editing_earlier"), " ",
      el("strong", {}, callerName(bound))),
    held && el("button", { type: "button", id: "keep-writing", onclick: keepWriting },
      t("keep_writing"), " ", callerName(bound)),
  );
}

function keepWriting() {
  held = false;
  render();
}

function renderConflict() {
  const state = selectedId === null ? null : saves.get(selectedId);
  const conflict = state && state.conflict;
  $("conflict").hidden = !conflict;
  if (!conflict) return;
  const theirs = conflict.theirs || {};
  const rows = [
    [Hotline.label("Outcome", theirs.outcome)],
    [theirs.answer],
    [theirs.commitment_what, theirs.commitment_due, theirs.commitment_how],
    [Hotline.label("Satisfaction", theirs.satisfaction)],
  ].map((parts) => parts.filter(Boolean).join(" · ")).filter(Boolean);
  $("conflict-message").textContent = conflict.message;
  $("conflict-theirs").replaceChildren(
    el("strong", {}, t("their_answer")),
    ...rows.map((text) => el("p", {}, text)),
  );
}

function renderStatus() {
  const box = $("record-status");
  const state = selectedId === null ? null : saves.get(selectedId);
  const record = selectedId === null ? null : recordOf(selectedId);
  let text = "";
  let kind = "";
  if (state && state.conflict) {
    text = "";
  } else if (state && state.error) {
    [text, kind] = [state.error.message, "error"];
  } else if (selectedId !== null && (drafts.get(selectedId) || (state && state.inFlight))) {
    [text, kind] = [t("saving"), "saving"];
  } else if (record) {
    [text, kind] = [t("saved") + " " + Hotline.clock(record.updated_at), "saved"];
  }
  box.textContent = text;
  box.className = "record-status " + kind;
}

// --- wiring ------------------------------------------------------------------------------------

document.querySelectorAll("[data-enum]").forEach((node) => {
  node.textContent = Hotline.label(node.dataset.enum, node.dataset.value);
});
form.addEventListener("input", edited);
form.addEventListener("submit", (e) => e.preventDefault());
form.querySelectorAll("[data-satisfaction]").forEach((button) => {
  button.addEventListener("click", () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    pressSatisfaction(on ? button.dataset.satisfaction : null);
    edited();
  });
});
$("take-theirs").addEventListener("click", takeTheirs);
$("keep-mine").addEventListener("click", keepMine);
seat.on("snapshot", (s) => {
  s.calls.filter((c) => c.state === "on_air").forEach((c) => seenOnAir.add(c.id));
  resendDrafts();
});
// A caller newly on air is picked, unless the clerk is busy with another record: then the pane
// stays, the notice shows the new caller, and a pane whose caller is off the air waits for the
// clerk's choice, what was typed before being saved to the call it was typed for.
seat.on("call", (call) => {
  if (call.state !== "on_air" || seenOnAir.has(call.id)) return;
  seenOnAir.add(call.id);
  const bound = seat.calls.get(selectedId);
  const state = saves.get(selectedId);
  const busy = bound && (drafts.get(selectedId) || (state && state.inFlight) || form.contains(document.activeElement));
  if (!busy) {
    select(call.id, false);
  } else if (bound.state !== "on_air") {
    if (drafts.get(selectedId)) save(selectedId);
    held = true;
  }
});
seat.startTimers();
