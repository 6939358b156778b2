// The host's seat: callers on air with their timers, the running order of ready callers (drag and
// drop or keys), the show's controls with its summary, and the chat with the producers. The
// buttons on a caller are the actions the server says the host may take on it (call.actions).
import { Chat, PAGE, Seat, ShowControls, isTyping, summaryFigures } from "./seat.js";

const { el, t } = Hotline;
const sessionUrl = (what) => `/api/sessions/${PAGE.session_id}/${what}`;
const ORDER_DELAY_MS = 250;  // a burst of Alt+arrow moves is sent as one new order

let selectedId = null;  // the ready caller the keys act on
let draggingId = null;  // while a drag runs the list is not redrawn under the pointer
let orderTimer = null;

const $ = (id) => document.getElementById(id);
const seat = new Seat(PAGE, render);
const chat = new Chat(seat, "host", { flash: true });  // the producer's words catch the eye
const show = new ShowControls(seat, {
  badge: "show-state",
  hide: true,
  confirmEnd: (unfinished) => window.confirm([t("confirm_end_show"), ...unfinished].join("\n")),
  showSummary,
});

// --- drawing ---------------------------------------------------------------------------------

function render() {
  renderShow();
  renderOnAir();
  if (draggingId === null) renderReady();
  chat.render();
  seat.tick();
}

function renderShow() {
  show.render();
  $("counts").replaceChildren(
    count("waiting", seat.callsIn("waiting").length),
    count("screening", seat.callsIn("screening").length),
    count("ready", seat.callsIn("ready").length),
  );
}

function count(kind, n) {
  return el("span", { class: "count count-" + kind + (n ? "" : " zero") }, el("b", {}, n), " ", t(kind));
}

function callerName(call) {
  if (call.anonymous) return el("span", { class: "badge anon" }, t("anonymous"));
  return call.caller_name || t("listener");
}

// The essentials the host reads out or steers by: who, where, what, how urgent, and the
// producer's note (the one thing written for the host alone).
function cardBody(call) {
  const routed = [Hotline.label("Category", call.category), seat.sectionName(call.unit_id, call.section_id)];
  return [
    el("div", { class: "card-line" },
      el("strong", { class: "caller" }, callerName(call)),
      call.district && el("span", { class: "district" }, call.district),
      ...routed.filter(Boolean).map((text) => el("span", { class: "badge" }, text)),
      call.urgency && call.urgency !== "normal" &&
        el("span", { class: "badge urgency-" + call.urgency }, Hotline.label("Urgency", call.urgency)),
      call.channel !== "phone" && el("span", { class: "badge channel" }, Hotline.label("Channel", call.channel)),
    ),
    el("div", { class: "subject" + (call.subject ? "" : " muted") }, call.subject || t("no_subject")),
    call.host_note && el("div", { class: "host-note" }, el("span", { class: "note-label" }, t("host_note")), call.host_note),
  ];
}

function renderOnAir() {
  const onAir = seat.onAir();
  $("end-segment").disabled = onAir.length === 0;
  $("on-air").replaceChildren(
    ...(onAir.length ? onAir.map(onAirCard) : [el("p", { class: "empty muted" }, t(seat.isLive() ? "nobody_on_air" : "not_live"))]),
  );
}

function onAirCard(call) {
  return el("article", { class: "onair-card", dataset: { callId: call.id } },
    el("div", { class: "onair-timer" }, el("span", { class: "live-dot" }), el("span", { dataset: { since: call.aired_at } })),
    el("div", { class: "onair-body" }, cardBody(call)),
    el("div", { class: "onair-actions" },
      // Ending the segment sends the caller back to the producer, who asks the satisfaction with
      // the answer; hanging up is the host's other choice.
      seat.may(call, "end-air") && el("button", {
        type: "button", "data-action": "end-air", title: t("end_air_title"),
        onclick: () => act(call.id, "end-air"),
      }, t("end_air")),
      seat.may(call, "end-air-hang-up") && el("button", {
        type: "button", "data-action": "end-air-hang-up", onclick: () => act(call.id, "end-air-hang-up"),
      }, t("end_air_hang_up")),
    ),
  );
}

function renderReady() {
  const queue = seat.readyQueue();
  if (!queue.some((c) => c.id === selectedId)) selectedId = queue.length ? queue[0].id : null;
  const full = seat.onAir().length >= PAGE.max_on_air;
  const list = $("ready-list");
  list.replaceChildren(
    ...(queue.length ? queue.map((call, i) => readyItem(call, i, full)) : [el("li", { class: "empty muted" }, t("nobody_ready"))]),
  );
  list.setAttribute("aria-activedescendant", selectedId ? "ready-" + selectedId : "");
}

function readyItem(call, index, full) {
  const selected = call.id === selectedId;
  return el("li", {
    id: "ready-" + call.id,
    class: "ready-item" + (selected ? " selected" : ""),
    role: "option",
    "aria-selected": selected ? "true" : "false",
    draggable: "true",
    dataset: { callId: call.id },
    onclick: () => select(call.id),
    ondragstart: (e) => dragStart(e, call.id),
    ondragover: dragOver,
    ondragleave: (e) => e.currentTarget.classList.remove("drop-before", "drop-after"),
    ondrop: (e) => drop(e, call.id),
    ondragend: dragEnd,
  },
    el("span", { class: "pos", "aria-hidden": "true" }, index + 1),
    el("div", { class: "ready-card" },
      cardBody(call),
      el("div", { class: "since muted" }, t("ready_for"), " ", el("span", { dataset: { since: call.ready_at } })),
    ),
    seat.may(call, "air") && el("button", {
      type: "button",
      class: "primary",
      "data-action": "air",
      disabled: full || !seat.isLive(),
      title: full ? t("air_full") : null,
      onclick: (e) => { e.stopPropagation(); air(call.id); },
    }, t("air")),
  );
}

// --- the running order ---------------------------------------------------------------------

function select(id) {
  selectedId = id;
  renderReady();
  const item = $("ready-" + id);
  if (item) item.scrollIntoView({ block: "nearest" });
}

function selectBy(step) {
  const ids = seat.readyQueue().map((c) => c.id);
  const at = ids.indexOf(selectedId);
  const next = at < 0 ? (step > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + step));
  select(ids[next]);
}

function moveSelected(step) {
  const ids = seat.readyQueue().map((c) => c.id);
  const at = ids.indexOf(selectedId);
  const to = at + step;
  if (at < 0 || to < 0 || to >= ids.length) return;
  ids.splice(at, 1);
  ids.splice(to, 0, selectedId);
  applyOrder(ids);
  select(selectedId);
}

function moveBeside(movedId, targetId, after) {
  const ids = seat.readyQueue().map((c) => c.id).filter((id) => id !== movedId);
  const at = ids.indexOf(targetId);
  if (at < 0) return;
  ids.splice(at + (after ? 1 : 0), 0, movedId);
  applyOrder(ids);
}

// The new order shows at once; the server hears it after the burst of moves has settled.
function applyOrder(ids) {
  ids.forEach((id, i) => { seat.calls.get(id).queue_rank = i + 1; });
  render();
  clearTimeout(orderTimer);
  orderTimer = setTimeout(sendOrder, ORDER_DELAY_MS);
}

async function sendOrder() {
  try {
    await Hotline.api("POST", sessionUrl("queue"), { order: seat.readyQueue().map((c) => c.id) });
  } catch (err) {
    Hotline.toast(err.message, "error");
    resync();
  }
}

// After a refused change the seat starts over from the server's state.
async function resync() {
  try {
    seat.onSnapshot(await Hotline.api("GET", sessionUrl("state/host")));
  } catch (err) {
    Hotline.toast(err.message, "error");
  }
}

function dragStart(e, id) {
  draggingId = id;
  e.dataTransfer.effectAllowed = "move";
  e.dataTransfer.setData("text/plain", String(id));
  e.currentTarget.classList.add("dragging");
}

function dragOver(e) {
  if (draggingId === null) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = "move";
  const item = e.currentTarget;
  const box = item.getBoundingClientRect();
  const after = e.clientY > box.top + box.height / 2;
  item.classList.toggle("drop-after", after);
  item.classList.toggle("drop-before", !after);
}

function drop(e, targetId) {
  e.preventDefault();
  const movedId = draggingId;
  const after = e.currentTarget.classList.contains("drop-after");
  draggingId = null;
  if (movedId !== null && movedId !== targetId) moveBeside(movedId, targetId, after);
  else render();
}

function dragEnd() {
  if (draggingId === null) return;  // already handled by drop
  draggingId = null;
  render();
}

function onKey(e) {
  if (isTyping(e.target) || e.ctrlKey || e.metaKey || !seat.readyQueue().length) return;
  if (e.key === "ArrowUp" || e.key === "ArrowDown") {
    e.preventDefault();
    const step = e.key === "ArrowUp" ? -1 : 1;
    if (e.altKey) moveSelected(step);
    else selectBy(step);
  } else if ((e.key === "a" || e.key === "A" || e.key === "Enter") && !e.altKey) {
    if (e.key === "Enter" && e.target.closest && e.target.closest("button, a")) return;  // let it click
    e.preventDefault();
    if (selectedId !== null) air(selectedId);
  }
}

// --- actions -----------------------------------------------------------------------------------

async function run(method, url, body) {
  try {
    return await Hotline.api(method, url, body);
  } catch (err) {
    Hotline.toast(err.message, "error");
    return null;
  }
}

function air(id) {
  if (!seat.may(seat.calls.get(id), "air")) return;
  if (seat.onAir().length >= PAGE.max_on_air) {
    Hotline.toast(t("air_full"), "error");
    return;
  }
  run("POST", `/api/calls/${id}/air`);
}

function act(id, action) {
  run("POST", `/api/calls/${id}/${action}`);
}

function showSummary(summary) {
  const figures = new Map(summaryFigures(summary));
  const channels = figures.get("by_channel");  // shown beside the calls received
  figures.delete("by_channel");
  $("summary-figures").replaceChildren(
    ...[...figures].map(([key, value]) => el("div", { class: "figure", dataset: { key } },
      el("dt", {}, t("summary." + key)),
      el("dd", {}, value, key === "received" && channels ? el("small", { class: "muted" }, " (" + channels + ")") : null),
    )),
  );
  $("summary").hidden = false;
}

// --- wiring ------------------------------------------------------------------------------------

$("end-segment").addEventListener("click", () => run("POST", sessionUrl("end-segment")));
document.addEventListener("keydown", onKey);
seat.startTimers();
