// The on-air screen: the caller(s) on air, the time on air, the unit's prepared answer that best
// fits the matter (or, when none does, the unit's functions and service commitments), and the next
// caller. The server masks numbers and anonymous names for this seat. Nothing is cut: the text of
// the stage shrinks until the whole matter fits.
import { PAGE, Seat } from "./seat.js";

const { el, t } = Hotline;
const ANSWER_DELAY_MS = 400;  // the producer may still be typing the subject
const FIT_STEP = 0.05, FIT_MIN = 0.4;  // how the stage's text shrinks, and how far

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
  fitText($("current"));
  fitText($("next"));
  refreshAnswer(onAir.find((c) => c.id === focusId) || next, onAir.length > 0);
  seat.tick();
}

function callerName(call) {
  if (call.anonymous) return t("anonymous");
  return call.caller_name || t("listener");
}

function meta(call) {
  const number = call.caller_number || call.contact_number;
  const web = call.channel === "web";
  const section = call.section_id ? seat.sectionName(call.unit_id, call.section_id) : "";
  return el("div", { class: "meta" },
    el("span", { class: "channel" + (web ? " channel-web" : "") }, t(web ? "channel_web" : "channel_caller")),
    el("span", { class: "who" + (call.anonymous ? " anon" : "") }, callerName(call)),
    call.district && el("span", { class: "district" }, call.district),
    section && el("span", { class: "tag section" }, section),
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

// The largest text that lets every card show its whole matter: shrink step by step while the box
// or one of its cards still overflows.
function fitText(box) {
  let fit = 1;
  box.style.setProperty("--fit", fit);
  const overflows = () => [box, ...box.querySelectorAll(".card")].some((n) => n.scrollHeight > n.clientHeight + 1);
  while (fit > FIT_MIN && overflows()) {
    fit = Math.max(FIT_MIN, fit - FIT_STEP);
    box.style.setProperty("--fit", fit.toFixed(2));
  }
}

window.addEventListener("resize", () => { fitText($("current")); fitText($("next")); });

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
  let found;
  try {
    found = await Hotline.api("GET", `/api/calls/${callId}/prepared-answers`);
  } catch (err) {
    if (seq === answerSeq) $("prepared-answer").replaceChildren(el("p", { class: "calm small" }, t("answer_error")));
    return;
  }
  if (seq === answerSeq) showAnswers(found.items, found.material || []);
}

function showAnswers(answers, material) {
  const box = $("prepared-answer");
  if (!answers.length) {
    box.replaceChildren(
      el("p", { class: "calm small" }, t("no_answer")),
      material.length ? el("p", { class: "material-intro" }, t("unit_material")) : null,
      ...material.map((m) => el("section", { class: "material", dataset: { kind: m.kind } },
        el("h2", {}, m.title),
        el("p", {}, m.body),
      )),
    );
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
