// The producer's seat (导播): the queue of calls, the caller card with autosave and the recordings
// of its time on air, the actions that move a call through the show, and the side panels (history,
// show, guests, chat, block list); the Seat draws the phone lines. All state comes from the Seat
// (Socket.IO); cards are saved field by field with the server's version check, and every keystroke
// is kept in this browser (Drafts) until the server has it. The buttons that move a call are the
// actions the server says the producer may take on it now (call.actions). A caller back from the air
// (after air) heads the queue: the producer asks their satisfaction with the answer in one click.
import { Chat, Drafts, PAGE, Seat, ShowControls, isTyping, summaryFigures } from "./seat.js";

const $ = (selector) => document.querySelector(selector);
const el = Hotline.el;
const t = Hotline.t;
const cardForm = $("#card");

const CARD_FIELDS = PAGE.card_fields;
// Alt+1…6 picks the category of that button on the card, in the order the page lists them.
const CATEGORIES = [...cardForm.querySelectorAll("[data-category]")].map((b) => b.dataset.category);
// How the queue is grouped and ordered, from the server (what a producer may do is call.actions).
const ACTIVE_STATES = PAGE.call_states.open;
// Callers back from the air are held for the producer: they come first, before those still waiting.
const QUEUE_ORDER = ["after_air", ...ACTIVE_STATES.filter((s) => s !== "after_air")];
const FINISHED_STATES = PAGE.call_states.finished;
const SAVE_DELAY_MS = 400;
const RETRY_DELAY_MS = 3000;
const LONG_WAIT_S = 300;
const drafts = new Drafts("hotline.card.");            // card id -> {pending, base, baseVersion}
const openCards = new Drafts("hotline.producer.open."); // session id -> the card left open

// replaceChildren() would print null as "null"; optional parts of a line are left out instead.
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

const ui = {
  openId: null,        // the card in the editor
  selectedId: null,    // the keyboard cursor in the queue
  historyFor: null,    // the call whose history is shown
};

// --- values: what a field holds on screen, and how to compare it with the server's ----------------

function input(field) {
  return cardForm.elements.namedItem(field);
}

function norm(value) {
  // The server strips text; "abc " and "abc" are the same card.
  if (typeof value === "string") return value.trim();
  return value === undefined ? null : value;
}

function same(a, b) {
  return norm(a) === norm(b);
}

function readField(field) {
  const node = input(field);
  if (field === "anonymous" || field === "consent_publish") return node.checked;
  if (field === "unit_id" || field === "section_id") return node.value ? Number(node.value) : null;
  if (field === "urgency") return cardForm.querySelector('input[name="urgency"]:checked')?.value || "normal";
  if (field === "category") return node.value || null;
  return node.value;
}

function writeField(field, value) {
  if (field === "anonymous" || field === "consent_publish") {
    input(field).checked = Boolean(value);
  } else if (field === "urgency") {
    cardForm.querySelectorAll('input[name="urgency"]').forEach((r) => { r.checked = r.value === (value || "normal"); });
    cardForm.dataset.urgency = value || "normal";
  } else if (field === "category") {
    input(field).value = value || "";
    cardForm.querySelectorAll("[data-category]").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.category === value));
    });
  } else if (field === "unit_id") {
    input(field).value = value == null ? "" : String(value);
    fillSections(value);
  } else {
    input(field).value = value == null ? "" : String(value);
  }
}

function fillSections(unitId) {
  const select = input("section_id");
  const keep = select.value;
  const unit = PAGE.units.find((u) => u.id === unitId);
  select.replaceChildren(
    el("option", { value: "" }, t("not_set")),
    ...(unit ? unit.sections : []).map((s) => el("option", { value: String(s.id) }, s.name)),
  );
  select.value = [...select.options].some((o) => o.value === keep) ? keep : "";
}

function display(field, value, call) {
  if (value === null || value === undefined || value === "") return t("empty");
  if (field === "anonymous" || field === "consent_publish") return t(value ? "yes" : "no");
  if (field === "category") return Hotline.label("Category", value);
  if (field === "urgency") return Hotline.label("Urgency", value);
  if (field === "unit_id") return seat.unitName(value);
  if (field === "section_id") return seat.sectionName(call.unit_id, value) || String(value);
  return String(value);
}

// --- card edits: pending changes, their bases, saving, conflicts ----------------------------------

class CardEdit {
  constructor(id, draft) {
    this.id = id;
    this.pending = (draft && draft.pending) || {};      // field -> my value, not yet on the server
    this.base = (draft && draft.base) || {};            // field -> the server's value I started from
    this.baseVersion = (draft && draft.baseVersion) || {};
    this.timer = null;
    this.inFlight = false;
    this.conflict = null;   // {theirs: {field: value}, version}
    this.errors = {};       // field -> message (422)
    this.refusals = {};     // field -> why an action on the call was refused for what it lacks (422)
    this.error = "";        // any other refusal
    this.offline = false;
  }

  get dirty() { return Object.keys(this.pending).length > 0; }

  persist() {
    if (this.dirty) drafts.put(this.id, { pending: this.pending, base: this.base, baseVersion: this.baseVersion });
    else drafts.drop(this.id);
  }

  forget(field) {
    delete this.pending[field];
    delete this.base[field];
    delete this.baseVersion[field];
  }
}

const edits = new Map();

function editOf(id) {
  if (!edits.has(id)) edits.set(id, new CardEdit(id));
  return edits.get(id);
}

// Drafts left in this browser by a reload or a crash come back and are sent again.
function restoreDrafts() {
  for (const id of drafts.ids()) {
    if (!seat.calls.has(id) || edits.has(id)) continue;
    const draft = drafts.get(id);
    if (draft) edits.set(id, new CardEdit(id, draft));
  }
  for (const edit of edits.values()) if (edit.dirty) scheduleSave(edit.id, 0);
}

function noteChange(field) {
  const id = ui.openId;
  const call = seat.calls.get(id);
  const edit = editOf(id);
  if (!(field in edit.pending)) {
    edit.base[field] = norm(call[field]);
    edit.baseVersion[field] = call.version;
  }
  edit.pending[field] = readField(field);
  delete edit.errors[field];
  delete edit.refusals[field];
  edit.error = "";
  edit.persist();
  scheduleSave(id, SAVE_DELAY_MS);
  renderCardState();
}

function scheduleSave(id, delay) {
  const edit = editOf(id);
  clearTimeout(edit.timer);
  edit.timer = setTimeout(() => save(id), delay);
}

function acceptCall(call) {
  // A response may be older than an event that already arrived; keep the newest.
  const known = seat.calls.get(call.id);
  if (!known || call.version >= known.version) seat.calls.set(call.id, call);
  if (call.id === ui.openId) syncCard(seat.calls.get(call.id));
}

async function save(id) {
  const edit = editOf(id);
  const call = seat.calls.get(id);
  if (edit.inFlight || edit.conflict || !call) return;
  for (const field of Object.keys(edit.pending)) {
    if (same(edit.pending[field], call[field])) edit.forget(field);  // the server has it already
  }
  edit.persist();
  const fields = Object.keys(edit.pending);
  if (!fields.length) { renderCardState(); return; }
  const changes = {}, base = {};
  fields.forEach((f) => { changes[f] = edit.pending[f]; base[f] = edit.base[f]; });
  // The oldest version any of these edits started from: the server then checks field by field.
  const version = Math.min(...fields.map((f) => edit.baseVersion[f] ?? call.version));
  edit.inFlight = true;
  edit.offline = false;
  renderCardState();
  try {
    const saved = await Hotline.api("PATCH", `/api/calls/${id}`, { version, changes, base });
    edit.error = "";
    for (const f of fields) {
      delete edit.errors[f];
      if (edit.pending[f] === changes[f]) {
        edit.forget(f);
      } else {  // typed on while the save was under way: the saved value is the new base
        edit.base[f] = norm(saved[f]);
        edit.baseVersion[f] = saved.version;
      }
    }
    acceptCall(saved);
  } catch (err) {
    saveFailed(edit, err);
  } finally {
    edit.inFlight = false;
    edit.persist();
    const blocked = edit.conflict || edit.error || Object.keys(edit.errors).length;
    if (edit.dirty && !blocked) scheduleSave(id, edit.offline ? RETRY_DELAY_MS : SAVE_DELAY_MS);
    render();
  }
}

function saveFailed(edit, err) {
  if (err.status === 409 && err.code === "conflict") {
    edit.conflict = { theirs: err.details.conflicts, version: err.details.current.version };
    acceptCall(err.details.current);
    if (edit.id !== ui.openId) Hotline.toast(t("conflict.elsewhere"), "error");
  } else if (err.status === 0) {
    edit.offline = true;
  } else if (err.status === 422 && err.details) {
    for (const [key, message] of Object.entries(err.details)) {
      edit.errors[key.replace(/^changes\./, "")] = message;
    }
  } else {
    edit.error = err.message;
  }
}

function resolveConflict(field, keepMine) {
  const edit = editOf(ui.openId);
  const theirs = edit.conflict.theirs[field];
  if (keepMine) {
    edit.base[field] = norm(theirs);
    edit.baseVersion[field] = edit.conflict.version;
  } else {
    edit.forget(field);
    writeField(field, theirs);
  }
  delete edit.conflict.theirs[field];
  if (!Object.keys(edit.conflict.theirs).length) edit.conflict = null;
  edit.persist();
  if (!edit.conflict) scheduleSave(edit.id, 0);
  renderCardState();
}

function discardDraft() {
  const edit = editOf(ui.openId);
  Object.keys(edit.pending).forEach((f) => edit.forget(f));
  edit.conflict = null;
  edit.errors = {};
  edit.error = "";
  edit.persist();
  syncCard(seat.calls.get(ui.openId));
  render();
}

// --- the card editor ---------------------------------------------------------------------------------

function isClosed(call) {
  return seat.session && seat.session.state === "ended" && FINISHED_STATES.includes(call.state);
}

// Show the server's values in every field the producer has no pending change for. A focused field
// that only differs by what the server trims keeps its text, so typing is never disturbed.
function syncCard(call) {
  const edit = editOf(call.id);
  for (const field of CARD_FIELDS) {
    if (field in edit.pending) continue;
    const node = input(field);
    if (node === document.activeElement && same(readField(field), call[field])) continue;
    writeField(field, call[field]);
  }
  renderCardState();
}

function openCard(id) {
  if (ui.openId && ui.openId !== id && editOf(ui.openId).dirty) scheduleSave(ui.openId, 0);
  ui.openId = id;
  ui.selectedId = id;
  openCards.put(PAGE.session_id, id);
  const call = seat.calls.get(id);
  const edit = editOf(id);
  for (const field of CARD_FIELDS) writeField(field, field in edit.pending ? edit.pending[field] : call[field]);
  $("#no-card").hidden = true;
  $("#card-pane").hidden = false;
  loadHistory(id);
  render();
}

function setCategory(value) {
  const call = seat.calls.get(ui.openId);
  if (!call || isClosed(call)) return;
  writeField("category", readField("category") === value ? null : value);
  noteChange("category");
}

function onCardInput(event) {
  const field = event.target.name;
  if (!CARD_FIELDS.includes(field) || !ui.openId) return;
  if (field === "unit_id") {
    // A section of the old unit does not belong to the new one: it is cleared with it.
    const section = readField("section_id");
    fillSections(readField("unit_id"));
    if (readField("section_id") !== section) noteChange("section_id");
  }
  if (field === "urgency") cardForm.dataset.urgency = readField("urgency");
  noteChange(field);
}

function onCardBlur(event) {
  const field = event.target.name;
  if (!CARD_FIELDS.includes(field) || !ui.openId) return;
  // Once the producer leaves a field, show it exactly as the server keeps it.
  if (!(field in editOf(ui.openId).pending)) writeField(field, seat.calls.get(ui.openId)[field]);
}

function renderCardState() {
  const call = ui.openId && seat.calls.get(ui.openId);
  if (!call) return;
  const edit = editOf(call.id);
  renderSaveStatus(edit);
  renderFieldErrors(edit);
  renderConflict(edit, call);
  const closed = isClosed(call);
  for (const node of cardForm.elements) node.disabled = closed;
  const cardError = $("#card-error");
  const message = closed ? t("card.closed") : edit.error;
  cardError.hidden = !message;
  fill(cardError,
    message || "",
    edit.error && edit.dirty ? el("button", { type: "button", class: "link", onclick: discardDraft }, t("save.discard")) : null,
  );
}

function renderSaveStatus(edit) {
  const status = $("#save-status");
  let text = t("saved"), kind = "saved";
  if (edit.inFlight) { text = t("saving"); kind = "saving"; }
  else if (edit.conflict) { text = t("save.conflict"); kind = "bad"; }
  else if (Object.keys(edit.errors).length) { text = t("save.invalid"); kind = "bad"; }
  else if (edit.error) { text = t("unsaved"); kind = "bad"; }
  else if (edit.offline) { text = t("save.retry"); kind = "bad"; }
  else if (edit.dirty) { text = t("unsaved"); kind = "unsaved"; }
  status.textContent = text;
  status.className = "save-status save-" + kind;
}

function renderFieldErrors(edit) {
  cardForm.querySelectorAll("[data-error-for]").forEach((node) => {
    const message = edit.errors[node.dataset.errorFor] || edit.refusals[node.dataset.errorFor] || "";
    node.textContent = message;
    const field = input(node.dataset.errorFor);
    if (field && field.classList) field.classList.toggle("invalid", Boolean(message));
  });
}

function renderConflict(edit, call) {
  const box = $("#conflict");
  box.hidden = !edit.conflict;
  if (!edit.conflict) { box.replaceChildren(); return; }
  const fields = Object.keys(edit.conflict.theirs);
  const choice = (field, mine) => el("button", {
    type: "button", class: mine ? "primary" : "", "data-conflict-field": field,
    "data-choice": mine ? "mine" : "theirs", onclick: () => resolveConflict(field, mine),
  }, t(mine ? "conflict.keep_mine" : "conflict.take_theirs"));
  fill(box,
    el("p", { class: "conflict-title" }, t("conflict.title")),
    el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, el("th", {}, t("conflict.field")), el("th", {}, t("conflict.theirs")),
        el("th", {}, t("conflict.mine")), el("th", {}))),
      el("tbody", {}, fields.map((f) => el("tr", { "data-field": f },
        el("td", {}, t("field." + f)),
        el("td", { class: "theirs" }, display(f, edit.conflict.theirs[f], call)),
        el("td", { class: "mine" }, display(f, edit.pending[f], call)),
        el("td", { class: "choices" }, choice(f, true), " ", choice(f, false)))))),
    fields.length > 1 ? el("div", { class: "actions" },
      el("button", { type: "button", onclick: () => fields.forEach((f) => resolveConflict(f, true)) }, t("conflict.keep_mine") + " ×" + fields.length),
      el("button", { type: "button", onclick: () => fields.forEach((f) => resolveConflict(f, false)) }, t("conflict.take_theirs") + " ×" + fields.length)) : null,
  );
}

function renderCardHead(call) {
  const timer = call.state === "on_air"
    ? el("span", { class: "timer on-air", "data-since": call.aired_at }, "")
    : ACTIVE_STATES.includes(call.state) ? el("span", { class: "timer", "data-since": call.arrived_at }, "") : null;
  fill($("#card-title"),
    lineBadge(call),
    el("strong", { class: "card-number" }, callerNumber(call)),
    el("span", { class: "badge state-" + call.state }, Hotline.label("CallState", call.state)),
    call.urgency !== "normal" ? el("span", { class: "badge urgency-" + call.urgency }, Hotline.label("Urgency", call.urgency)) : null,
    el("span", { class: "muted" }, t("card.arrived") + " " + Hotline.clock(call.arrived_at)),
    timer,
  );
}

function renderActions(call) {
  const live = seat.isLive();
  const blocked = seat.blocklist.some((b) => b.number === (call.caller_number || "").trim());
  const enabled = {
    transfer: live && call.channel === "phone" && !call.finished_at,
    block: Boolean(call.caller_number) && !blocked,
  };
  for (const action of call.actions || []) enabled[action] = live;
  // After air the producer picks the caller up again on the same key; the card stays after air.
  const afterAir = call.state === "after_air";
  $('.card-actions [data-action="pickup"]').hidden = afterAir;
  $('.card-actions [data-action="pickup-after-air"]').hidden = !afterAir;
  document.querySelectorAll(".card-actions [data-action]").forEach((b) => { b.disabled = !enabled[b.dataset.action]; });
  $(".card-actions").classList.toggle("urgent", call.urgency !== "normal");
  $("#transfer-three-way").disabled = !enabled.transfer;
  $("#not-live-note").hidden = live || isClosed(call);
}

// --- after air: the caller's satisfaction with the on-air answer ---------------------------------------

const afterAirPanel = $("#after-air");
afterAirPanel.querySelectorAll("[data-satisfaction]").forEach((button) => {
  button.textContent = Hotline.label("Satisfaction", button.dataset.satisfaction);
  button.addEventListener("click", () => recordSatisfaction(button.dataset.satisfaction));
});

// Shown for every aired call, so that a satisfaction asked late (or a wrong click) is set right too.
function renderAfterAir(call) {
  afterAirPanel.hidden = !call.aired_at;
  if (!call.aired_at) return;
  const record = call.air_record;
  fill(afterAirPanel.querySelector(".on-air-answer"),
    record && record.answer
      ? [el("strong", {}, t("after_air.answer") + ": "), record.answer]
      : el("span", { class: "muted" }, t("after_air.no_answer")));
  afterAirPanel.querySelectorAll("[data-satisfaction]").forEach((button) => {
    button.setAttribute("aria-pressed", String(Boolean(record) && button.dataset.satisfaction === record.satisfaction));
  });
}

// One click records it in the clerk's record of the call, which the unit's score counts; the
// record's version keeps a clerk's edit made meanwhile from being overwritten unseen.
async function recordSatisfaction(value) {
  const call = ui.openId && seat.calls.get(ui.openId);
  if (!call || !call.aired_at) return;
  const body = { satisfaction: value };
  if (call.air_record) body.version = call.air_record.version;
  try {
    const record = await Hotline.api("PUT", `/api/calls/${call.id}/record`, body);
    const known = seat.calls.get(call.id);
    if (!known.air_record || known.air_record.version < record.version) known.air_record = record;
    Hotline.toast(t("after_air.recorded"), "ok");
    render();
  } catch (err) {
    Hotline.toast(err.message, "error");
  }
}

function pickupAction() {
  const call = ui.openId && seat.calls.get(ui.openId);
  return call && call.state === "after_air" ? "pickup-after-air" : "pickup";
}

// --- actions -----------------------------------------------------------------------------------------

async function act(action) {
  const call = ui.openId && seat.calls.get(ui.openId);
  const button = document.querySelector(`.card-actions [data-action="${action}"]`);
  if (!call || !button || button.disabled) return;
  // The action is judged on the card as typed (a subject just written counts), and the host
  // sees it so: what is typed is saved first.
  if (editOf(call.id).dirty) await saveNow(call.id);
  try {
    if (action === "transfer") {
      await Hotline.api("POST", `/api/calls/${call.id}/transfer`, { three_way: $("#transfer-three-way").checked });
      Hotline.toast(t("transfer.sent"), "ok");
    } else if (action === "block") {
      await Hotline.api("POST", "/api/blocklist", { number: call.caller_number.trim(), reason: $("#block-reason").value });
      $("#block-reason").value = "";
      Hotline.toast(t("block.done"), "ok");
    } else {
      acceptCall(await Hotline.api("POST", `/api/calls/${call.id}/${action}`));
      render();
    }
  } catch (err) {
    actionRefused(call.id, err);
  }
}

async function saveNow(id) {
  clearTimeout(editOf(id).timer);
  await save(id);
}

// Refused for what the card lacks (a call with no subject cannot be ready): the reason goes under
// the field and the card stays as typed. Any other refusal is a toast.
function actionRefused(id, err) {
  if (err.status !== 422 || !err.details) { Hotline.toast(err.message, "error"); return; }
  Object.assign(editOf(id).refusals, err.details);
  if (id !== ui.openId) return;
  renderCardState();
  input(Object.keys(err.details)[0])?.focus();
}

function toggleNewCall(show) {
  const form = $("#new-call-form");
  form.hidden = !show;
  $("#new-call-error").textContent = "";
  if (show) $("#new-call-number").focus();
}

async function createCall(event) {
  event.preventDefault();
  const number = $("#new-call-number").value.trim();
  try {
    const call = await Hotline.api("POST", `/api/sessions/${PAGE.session_id}/calls`, number ? { caller_number: number } : {});
    acceptCall(call);
    $("#new-call-number").value = "";
    toggleNewCall(false);
    openCard(call.id);
    input("caller_name").focus();
  } catch (err) {
    const details = err.details && Object.values(err.details).join(" ");
    $("#new-call-error").textContent = details || err.message;
  }
}

// --- the queue ---------------------------------------------------------------------------------------

function lineBadge(call) {
  if (call.channel === "phone") return el("span", { class: "line-badge", title: t("card.line") }, call.line || "—");
  return el("span", { class: "badge channel channel-" + call.channel }, Hotline.label("Channel", call.channel));
}

// A web or hand-made card has no line number; the contact number the caller gave stands in.
function callerNumber(call) {
  return call.caller_number || call.contact_number || t("card.no_number");
}

function activeCalls() {
  const order = (c) => QUEUE_ORDER.indexOf(c.state);
  const within = (a, b) => (a.state === "ready" ? (a.queue_rank || 0) - (b.queue_rank || 0) : Date.parse(a.arrived_at) - Date.parse(b.arrived_at));
  return seat.callsIn(...ACTIVE_STATES).sort((a, b) => order(a) - order(b) || within(a, b));
}

function finishedCalls() {
  const end = (c) => Date.parse(c.finished_at || c.updated_at);
  return seat.callsIn(...FINISHED_STATES).sort((a, b) => end(b) - end(a));
}

function queueRow(call) {
  const since = call.state === "on_air" ? call.aired_at : call.arrived_at;
  const snippet = [call.caller_name, call.subject].filter(Boolean).join(" · ") || t("queue.no_subject");
  const classes = ["qrow", "qrow-" + call.state, "urgency-row-" + call.urgency];
  if (call.id === ui.openId) classes.push("open");
  if (call.id === ui.selectedId) classes.push("selected");
  return el("div", {
    class: classes.join(" "), role: "option", "data-call-id": String(call.id),
    "aria-selected": String(call.id === ui.selectedId), onclick: () => openCard(call.id),
  },
  el("div", { class: "qtop" },
    lineBadge(call),
    el("span", { class: "qnum" }, callerNumber(call)),
    ACTIVE_STATES.includes(call.state)
      ? el("span", { class: "timer" + (call.state === "on_air" ? " on-air" : ""), "data-since": since }, Hotline.since(since, seat.now()))
      : el("span", { class: "muted qclock" }, Hotline.clock(call.arrived_at))),
  el("div", { class: "qbottom" },
    el("span", { class: "badge state-" + call.state }, Hotline.label("CallState", call.state)),
    call.urgency !== "normal" ? el("span", { class: "badge urgency-" + call.urgency }, Hotline.label("Urgency", call.urgency)) : null,
    edits.has(call.id) && edits.get(call.id).dirty ? el("span", { class: "badge unsaved" }, t("queue.unsaved")) : null,
    el("span", { class: "qtext" }, snippet)));
}

function renderQueue() {
  const active = activeCalls();
  const rows = [];
  let group = null;
  for (const call of active) {
    if (call.state !== group) {
      group = call.state;
      rows.push(el("div", { class: "qgroup" }, Hotline.label("CallState", group),
        " ", el("span", { class: "muted" }, String(active.filter((c) => c.state === group).length))));
    }
    rows.push(queueRow(call));
  }
  $("#queue").replaceChildren(...(rows.length ? rows : [el("div", { class: "muted empty" }, t("queue.empty"))]));
  const finished = finishedCalls();
  $("#finished-count").textContent = String(finished.length);
  $("#finished-list").replaceChildren(...finished.map(queueRow));
}

function visibleIds() {
  const ids = activeCalls().map((c) => c.id);
  return $("#finished").open ? ids.concat(finishedCalls().map((c) => c.id)) : ids;
}

function moveSelection(step) {
  const ids = visibleIds();
  if (!ids.length) return;
  const at = ids.indexOf(ui.selectedId);
  ui.selectedId = ids[at < 0 ? 0 : Math.min(ids.length - 1, Math.max(0, at + step))];
  renderQueue();
  document.querySelector(`[data-call-id="${ui.selectedId}"]`)?.scrollIntoView({ block: "nearest" });
}

// --- side panels -------------------------------------------------------------------------------------

async function loadHistory(id) {
  const box = $("#history");
  ui.historyFor = id;
  const call = seat.calls.get(id);
  if (!call.caller_number && !call.contact_number) { box.replaceChildren(t("history.no_number")); return; }
  box.replaceChildren(t("history.loading"));
  try {
    const earlier = (await Hotline.api("GET", `/api/calls/${id}/history`)).items;
    if (ui.historyFor !== id) return;
    box.replaceChildren(...(earlier.length ? earlier.map(historyItem) : [t("history.none")]));
  } catch (err) {
    if (ui.historyFor === id) box.replaceChildren(err.message);
  }
}

function historyItem(c) {
  const outcome = c.air_record && c.air_record.outcome;
  return el("div", { class: "history-item" },
    el("div", {}, el("strong", {}, c.session.air_date), " ", c.session.unit, " ",
      el("span", { class: "badge state-" + c.state }, Hotline.label("CallState", c.state)),
      c.category ? el("span", { class: "badge" }, Hotline.label("Category", c.category)) : null),
    el("div", { class: "history-subject" }, c.subject || t("queue.no_subject")),
    el("div", { class: "muted" }, outcome ? Hotline.label("Outcome", outcome) : t("outcome.none")));
}

function renderShow() {
  show.render();
  if (!seat.isLive()) $("#end-confirm").hidden = true;
}

function renderSummary(summary) {
  const rows = summaryFigures(summary);
  const box = $("#summary");
  box.hidden = false;
  box.replaceChildren(el("h4", {}, t("summary.title")), el("dl", {},
    rows.flatMap(([key, value]) => [el("dt", {}, t("summary." + key)), el("dd", { "data-figure": key }, String(value))])));
}

function renderGuests() {
  const guests = seat.session.guests || [];
  $("#guests").replaceChildren(...(guests.length ? guests.map((g) => el("label", { class: "check guest" },
    el("input", { type: "checkbox", "data-guest-id": String(g.id), checked: g.present, onchange: (e) => setPresence(g.id, e.target) }),
    el("span", {}, g.name, " ", el("span", { class: "muted" }, g.title)),
    g.is_head ? el("span", { class: "badge head" }, t("guests.head")) : null))
    : [el("span", { class: "muted" }, t("guests.none"))]));
}

async function setPresence(guestId, box) {
  try {
    await Hotline.api("POST", `/api/guests/${guestId}/presence`, { present: box.checked });
  } catch (err) {
    box.checked = !box.checked;
    Hotline.toast(err.message, "error");
  }
}

function renderBlocklist() {
  const items = seat.blocklist || [];
  $("#blocklist").replaceChildren(...(items.length ? items.map((b) => el("li", { "data-block-id": String(b.id) },
    el("span", { class: "block-number" }, b.number), " ", el("span", { class: "muted" }, b.reason),
    el("button", { type: "button", class: "link", onclick: () => unblock(b.id) }, t("block.remove"))))
    : [el("li", { class: "muted" }, t("block.none"))]));
}

async function addBlock(event) {
  event.preventDefault();
  try {
    await Hotline.api("POST", "/api/blocklist", { number: $("#block-number").value.trim(), reason: $("#block-reason").value });
    $("#block-number").value = "";
    $("#block-reason").value = "";
    Hotline.toast(t("block.done"), "ok");
  } catch (err) {
    Hotline.toast((err.details && Object.values(err.details).join(" ")) || err.message, "error");
  }
}

async function unblock(id) {
  try {
    await Hotline.api("DELETE", `/api/blocklist/${id}`);
    Hotline.toast(t("block.removed"), "ok");
  } catch (err) {
    Hotline.toast(err.message, "error");
  }
}

// --- timers, keyboard, wiring --------------------------------------------------------------------------

// A caller waiting long is marked; one on air is not.
function markLongWaits(now) {
  document.querySelectorAll("[data-since]").forEach((node) => {
    const waiting = !node.classList.contains("on-air");
    node.classList.toggle("long-wait", waiting && (now - Date.parse(node.dataset.since)) / 1000 >= LONG_WAIT_S);
  });
}

const KEYS = {
  j: () => moveSelection(1), arrowdown: () => moveSelection(1),
  k: () => moveSelection(-1), arrowup: () => moveSelection(-1),
  enter: () => { if (ui.selectedId && seat.calls.has(ui.selectedId)) openCard(ui.selectedId); },
  p: () => act(pickupAction()), h: () => act("hold"), r: () => act("ready"), f: () => act("finish"),
  n: () => toggleNewCall(true),
  e: () => { if (ui.openId) input("caller_name").focus(); },
};

function onKey(event) {
  const digit = /^Digit([1-6])$/.exec(event.code);
  if (event.altKey && digit && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    setCategory(CATEGORIES[Number(digit[1]) - 1]);
    return;
  }
  if (event.key === "Escape") {
    if (isTyping(event.target)) event.target.blur();
    toggleNewCall(false);
    $("#end-confirm").hidden = true;
    return;
  }
  if (isTyping(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === "Enter" && event.target.closest("button, a, summary")) return;
  const handler = KEYS[event.key.toLowerCase()];
  if (handler) {
    event.preventDefault();
    handler();
  }
}

function render() {
  if (!seat.session) return;
  renderQueue();
  renderShow();
  renderGuests();
  chat.render();
  renderBlocklist();
  const call = ui.openId && seat.calls.get(ui.openId);
  if (call) {
    renderCardHead(call);
    renderActions(call);
    renderAfterAir(call);
    renderCardState();
    seat.renderRecordings($("#card-recordings"), call);
  }
  seat.tick();
}

function onSnapshot() {
  restoreDrafts();
  const remembered = Number(openCards.get(PAGE.session_id));
  if (ui.openId && seat.calls.has(ui.openId)) syncCard(seat.calls.get(ui.openId));
  else if (remembered && seat.calls.has(remembered)) openCard(remembered);
}

const seat = new Seat(PAGE, render);
const chat = new Chat(seat, "producer");
const show = new ShowControls(seat, {
  badge: "session-state",
  hide: false,
  // The producer is asked on the page itself (#end-confirm), whose button ends the show.
  confirmEnd: () => { $("#end-confirm").hidden = false; $("#end-show-confirm").focus(); return false; },
  showSummary: renderSummary,
});
seat.on("snapshot", onSnapshot);
seat.on("call", (call) => { if (call.id === ui.openId) syncCard(call); });
seat.on("tick", markLongWaits);

cardForm.addEventListener("input", onCardInput);
cardForm.addEventListener("focusout", onCardBlur);
cardForm.addEventListener("submit", (e) => e.preventDefault());
cardForm.querySelectorAll("[data-category]").forEach((b) => b.addEventListener("click", () => setCategory(b.dataset.category)));
document.querySelectorAll(".card-actions [data-action]").forEach((b) => b.addEventListener("click", () => act(b.dataset.action)));
$("#new-call").addEventListener("click", () => toggleNewCall($("#new-call-form").hidden));
$("#new-call-cancel").addEventListener("click", () => toggleNewCall(false));
$("#new-call-form").addEventListener("submit", createCall);
$("#end-show-cancel").addEventListener("click", () => { $("#end-confirm").hidden = true; });
$("#end-show-confirm").addEventListener("click", async () => { if (await show.end()) $("#end-confirm").hidden = true; });
$("#finished").addEventListener("toggle", renderQueue);
$("#block-form").addEventListener("submit", addBlock);
document.addEventListener("keydown", onKey);
seat.startTimers();
