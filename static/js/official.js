// The on-air screen: the caller(s) on air, the time on air, the unit's prepared answer that best
// fits the matter, and the next caller. The server masks numbers and anonymous names for this seat.
import { PAGE, Seat } from "./seat.js";

const { el, t } = Hotline;
const ANSWER_DELAY_MS = 400;  // the producer may still be typing the subject

let focusId = null;    // the on-air caller whose prepared answer is shown (tap a card to switch)
let answerKey = null;  // what the shown answer was looked up for
let answerSeq = 0;     // only the latest lookup may draw
let answerTimer = null;

const $ = (id) => document.getElementById(id);
const seat = new Seat(PAGE, render);

function render() {
  const onAir = seat.onAir();
  const next = seat.readyQueue()[0] || null;
  if (!onAir.some((c) => c.id === focusId)) focusId = onAir.length ? onAir[0].id : null;
  document.body.classList.toggle("idle", onAir.length === 0);
  document.body.classList.toggle("two", onAir.length > 1);
  $("air-state").textContent = seat.session ? t("session." + seat.session.state) : "";
  $("air-state").className = "airbar-state state-" + (seat.session ? seat.session.state : "");
  renderCurrent(onAir);
  renderNext(next, onAir.length === 0);
  refreshAnswer(onAir.find((c) => c.id === focusId) || next, onAir.length > 0);
  seat.tick();
}

function callerName(call) {
  if (call.anonymous) return t("anonymous");
  return call.caller_name || t("listener");
}

function meta(call) {
  const number = call.caller_number || call.contact_number;
  return el("div", { class: "meta" },
    el("span", { class: "who" + (call.anonymous ? " anon" : "") }, callerName(call)),
    call.district && el("span", { class: "district" }, call.district),
    call.category && el("span", { class: "tag" }, Hotline.label("Category", call.category)),
    call.urgency && call.urgency !== "normal" &&
      el("span", { class: "tag urgency-" + call.urgency }, Hotline.label("Urgency", call.urgency)),
    number && el("span", { class: "number" }, number),
  );
}

function card(call, extra) {
  return el("article", { class: "card", dataset: { callId: call.id }, ...extra },
    meta(call),
    el("h1", { class: "subject" }, call.subject),
    call.details && el("p", { class: "details" }, call.details),
  );
}

function renderCurrent(onAir) {
  const current = $("current");
  if (!onAir.length) {
    const idle = seat.session && seat.session.state !== "live"
      ? t(seat.session.state === "ended" ? "ended" : "not_live")
      : t("waiting");
    current.replaceChildren(el("p", { class: "calm" }, idle));
    return;
  }
  current.replaceChildren(...onAir.map((call) => card(call, {
    class: "card" + (onAir.length > 1 && call.id === focusId ? " focus" : ""),
    onclick: () => { focusId = call.id; render(); },
  })));
  if (onAir.length > 1) {
    // With two callers on air each card keeps its own time; the big timer is the first one's.
    current.querySelectorAll(".card").forEach((node, i) => {
      node.prepend(el("span", { class: "card-timer", dataset: { since: onAir[i].aired_at } }));
    });
  }
}

function renderNext(next, large) {
  const box = $("next");
  box.classList.toggle("large", large);
  box.replaceChildren(next ? card(next) : el("p", { class: "calm small" }, t("no_next")));
}

// --- the prepared answer ---------------------------------------------------------------------

// Looked up again when the caller or the card's matter changes; a slow answer for something
// no longer shown is dropped.
function refreshAnswer(call, onAir) {
  $("answer-for").textContent = call ? t(onAir ? "for_current" : "for_next") : "";
  const key = call ? `${call.id}|${call.subject}|${call.details}` : "";
  if (key === answerKey) return;
  const sameCaller = answerKey !== null && call && answerKey.startsWith(call.id + "|");
  answerKey = key;
  clearTimeout(answerTimer);
  const seq = ++answerSeq;
  if (!call) {
    $("prepared-answer").replaceChildren();
    return;
  }
  if (!sameCaller) $("prepared-answer").replaceChildren(el("p", { class: "calm small" }, t("searching")));
  answerTimer = setTimeout(() => fetchAnswer(call.id, seq), ANSWER_DELAY_MS);
}

async function fetchAnswer(callId, seq) {
  let answers;
  try {
    answers = (await Hotline.api("GET", `/api/calls/${callId}/prepared-answers`)).items;
  } catch (err) {
    if (seq === answerSeq) $("prepared-answer").replaceChildren(el("p", { class: "calm small" }, t("answer_error")));
    return;
  }
  if (seq === answerSeq) showAnswers(answers);
}

function showAnswers(answers) {
  const box = $("prepared-answer");
  if (!answers.length) {
    box.replaceChildren(el("p", { class: "calm small" }, t("no_answer")));
    return;
  }
  const [best, ...more] = answers;
  box.replaceChildren(
    qa(best, "best"),
    more.length ? el("details", { class: "more" },
      el("summary", {}, t("more_matches"), " (", more.length, ")"),
      ...more.slice(0, 2).map((a) => qa(a, "other")),
    ) : null,
  );
}

function qa(answer, kind) {
  return el("div", { class: "qa qa-" + kind, dataset: { answerId: answer.id } },
    el("p", { class: "q" }, el("span", { class: "qa-mark" }, t("question")), highlight(answer.question, answer.matched)),
    el("p", { class: "a" }, el("span", { class: "qa-mark" }, t("answer")), highlight(answer.answer, answer.matched)),
  );
}

// The words the card shares with the prepared text, marked so the eye finds them.
function highlight(text, words) {
  const usable = (words || []).filter((w) => w.length > 1 || /[^\x00-\x7f]/.test(w));
  if (!usable.length) return [text];
  const escaped = usable.sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp("(" + escaped.join("|") + ")", "gi");
  return text.split(pattern).map((part, i) => (i % 2 ? el("mark", {}, part) : part));
}

// --- time ------------------------------------------------------------------------------------

// The big timer is the first caller's on air; the clock is the studio's.
seat.on("tick", (now) => {
  const first = seat.onAir()[0];
  $("air-timer").textContent = first ? Hotline.since(first.aired_at, now) : "00:00";
  $("clock").textContent = new Date(now).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
});
seat.startTimers();
