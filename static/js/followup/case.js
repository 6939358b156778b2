// The page of one follow-up case: what was asked, the unit's replies, extensions, notices,
// callbacks and the whole history, with one form or button for each thing the viewer may do now.
// Everything is drawn from the case JSON (embedded first, then GET /api/cases/<id> after every
// action or when the desks' socket says the case changed), with Hotline.el only: no text anybody
// typed ever becomes markup. Every action sends the case version drawn here, so acting on a stale
// page is refused (409) instead of undoing someone else's work. A reply being written is kept in
// this browser until it is sent, so a reload or a refusal loses nothing.
"use strict";

(() => {
  const { el, t, api, label, toast } = Hotline;
  const PAGE = JSON.parse(document.getElementById("case-data").textContent);
  const CASE_ID = PAGE.case.id;
  const DRAFT_KEY = "hotline.followup.reply." + CASE_ID;
  const CHANNELS = ["phone", "sms", "wechat", "on_site"];
  const CATEGORIES = ["enquiry", "help", "complaint", "report", "suggestion", "praise"];
  const SATISFACTIONS = ["satisfied", "basic", "unsatisfied"];
  // Actions that move the case on; their button is the page's main one.
  const FORWARD = new Set(["keep", "accept", "reassign", "start", "draft", "approve", "answer", "settle"]);
  // Forms shown open from the start: the work the viewer is most likely here for.
  const OPEN_AT_FIRST = new Set(["draft", "approve", "answer", "reassign"]);

  let kase = PAGE.case;
  let gone = false; // the case is no longer visible to this viewer (reassigned to another unit)

  const $ = (id) => document.getElementById(id);

  // --- small helpers ------------------------------------------------------------------------------

  function fmt(key, vars) {
    return t(key).replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  }

  function fill(node, ...children) {
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  }

  // Moments as every page writes them (YYYY-MM-DD HH:MM, the reader's local time); calendar dates as
  // the server gives them (YYYY-MM-DD).
  const when = Hotline.moment;

  function day(iso) {
    return iso ? String(iso).slice(0, 10) : "";
  }

  function yesNo(value) {
    if (value === null || value === undefined) return "";
    return t(value ? "case.yes" : "case.no");
  }

  // A definition list; pairs whose value is empty are left out.
  function facts(pairs, cls) {
    const items = [];
    for (const [term, value] of pairs) {
      if (value === null || value === undefined || value === "" || value === false) continue;
      items.push(el("dt", {}, term), el("dd", {}, value));
    }
    return el("dl", { class: "facts " + (cls || "") }, items);
  }

  function text(value, cls) {
    return el("div", { class: "text " + (cls || "") }, value);
  }

  function empty(key) {
    return el("p", { class: "muted empty" }, t(key));
  }

  function may(itemAction) {
    const states = PAGE.item_actions[itemAction];
    return Boolean(states) && states.includes(kase.state);
  }

  // --- header -------------------------------------------------------------------------------------

  function renderHeader() {
    $("case-number").textContent = kase.number;
    $("case-subject").textContent = kase.subject;
    $("fallback-note").hidden = !kase.calendar_fallback;
    const flags = [
      kase.complex ? el("span", { class: "badge flag-complex" }, t("case.complex")) : null,
      kase.internal ? el("span", { class: "badge flag-internal" }, t("case.internal")) : null,
      kase.urgency && kase.urgency !== "normal"
        ? el("span", { class: "badge urgency-" + kase.urgency }, label("Urgency", kase.urgency)) : null,
      kase.consent_publish ? el("span", { class: "badge flag-consent" }, t("case.consent")) : null,
      kase.column_pick ? el("span", { class: "badge flag-column" }, t("case.column_pick")) : null,
    ].filter(Boolean);
    const moved = kase.original_due_on && kase.original_due_on !== kase.due_on;
    const showFirst = kase.first_unit && (kase.first_unit !== kase.unit || kase.assisting_units.length);
    // The on-air commitment's date is a deadline of the case too: the nearer one is said first.
    const policyDue = [t("case.due"), el("span", { class: "due", id: "case-due" }, day(kase.due_on), " ", Followup.deadlineBadge(kase))];
    const promisedDue = [t("case.commitment_deadline"), kase.commitment_due
      ? el("span", { class: "due", id: "case-commitment-due" }, day(kase.commitment_due), " ", commitmentState(kase)) : ""];
    const dues = kase.nearer_deadline === "commitment" ? [promisedDue, policyDue] : [policyDue, promisedDue];
    fill($("case-facts"),
      el("div", { class: "case-badges" }, Followup.stateBadge(kase), " ", flags.flatMap((f) => [f, " "])),
      facts([
        ...dues,
        [t("case.rule"), kase.due_rule],
        [t("case.original_due"), moved ? day(kase.original_due_on) : ""],
        [t("case.received"), day(kase.received_on)],
        [t("case.unit"), kase.unit],
        [t("case.assisting"), kase.assisting_units.join(" · ")],
        [t("case.first_unit"), showFirst ? kase.first_unit : ""],
        [t("case.section"), kase.section],
        [t("case.category"), kase.category_label || t("case.no_category")],
        [t("case.redo_count"), String(kase.redo_count)],
        [t("case.no_contact"), kase.no_contact_count ? String(kase.no_contact_count) : ""],
        [t("case.duplicate_of"), kase.duplicate_of || ""],
        [t("case.answered_at"), kase.answered_at
          ? [when(kase.answered_at), kase.answer_channel ? " · " + label("CallbackChannel", kase.answer_channel) : ""]
          : ""],
        [t("case.satisfaction"), kase.satisfaction_label],
        [t("case.settled_at"), when(kase.settled_at)],
      ], "case-facts-list"),
    );
  }

  // Open: due soon, overdue... in the policy deadline's words; kept: on which day.
  function commitmentState(row) {
    const c = kase.commitment;
    if (c && c.fulfilled_on) {
      return el("span", { class: "badge deadline deadline-" + row.commitment_deadline }, fmt("case.kept_on", { date: day(c.fulfilled_on) }));
    }
    return Followup.commitmentBadge(row);
  }

  // --- the citizen's matter -----------------------------------------------------------------------

  function renderMatter() {
    const who = kase.anonymous
      ? el("p", { class: "anonymous" }, t("case.anonymous"))
      : facts([
        [t("case.name"), kase.caller_name || "—"],
        [t("case.contact"), kase.contact_number
          ? el("a", { href: "tel:" + kase.contact_number, class: "contact-number" }, kase.contact_number) : "—"],
        [t("case.address"), kase.address],
      ]);
    const c = kase.commitment;
    const commitment = c
      ? el("div", { class: "commitment" },
        el("h3", {}, t("case.commitment")),
        facts([
          [t("case.commitment_what"), c.what],
          [t("case.commitment_due"), day(c.due)],
          [t("case.commitment_how"), c.how],
          [t("case.commitment_fulfilled"), c.fulfilled_on ? day(c.fulfilled_on) : t("case.not_yet")],
        ]),
        kase.commitment_reports.map(reportItem))
      : null;
    fill($("matter-body"),
      who,
      facts([[t("case.district"), kase.district]]),
      el("h3", {}, t("case.subject")),
      text(kase.subject || "—"),
      kase.details ? [el("h3", {}, t("case.details")), text(kase.details)] : null,
      el("h3", {}, t("case.on_air_answer")),
      kase.on_air_answer ? text(kase.on_air_answer) : empty("case.no_on_air_answer"),
      commitment,
    );
  }

  // The unit's word that the commitment is kept, its evidence and the office's decision.
  function reportItem(r) {
    return el("article", { class: "item commitment-report", dataset: { report: r.id } },
      el("header", {},
        el("strong", {}, t("case.report_kept")), " ",
        el("span", { class: "badge report-" + r.state }, r.state_label), " ",
        el("span", { class: "muted" }, fmt("case.reported_by", { name: r.reported_by, time: when(r.reported_at) }))),
      text(r.body, "report-body"),
      attachmentLinks(r.attachments),
      facts([
        [t("case.decided_at"), r.decided_at ? when(r.decided_at) + (r.decided_by ? " · " + r.decided_by : "") : ""],
        [t("case.decision_note"), r.decision_note],
      ]),
      r.state === "pending" && (may("confirm_kept") || may("reject_kept")) ? decideReportForm(r) : null);
  }

  function decideReportForm(r) {
    const form = el("form", { class: "item-form", dataset: { key: "report:" + r.id } },
      field(t("case.report_decision_note"), el("textarea", { name: "note", rows: 2, maxlength: 2000 })),
      el("div", { class: "actions" },
        may("confirm_kept") ? el("button", { type: "submit", class: "primary", value: "confirm" }, t("case.confirm_kept")) : null,
        may("reject_kept") ? el("button", { type: "submit", value: "reject" }, t("case.reject_kept")) : null),
      el("div", { class: "form-error", role: "alert" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const note = form.elements.note.value;
      if (event.submitter && event.submitter.value === "reject") {
        if (note.trim().length < 2) {
          fill(formError(form), t("case.reject_needs_reason"));
          return;
        }
        act("reject_kept", { report_id: r.id, reason: note }, form);
      } else {
        act("confirm_kept", { report_id: r.id, note }, form);
      }
    });
    return form;
  }

  // --- where it comes from: the show, the call, the guest who answered, the recordings ----------

  let drawnOrigin = null; // redrawn only when it changed, so a recording being played keeps playing

  function renderOrigin() {
    const o = kase.origin;
    const drawn = JSON.stringify(o);
    if (drawn === drawnOrigin) return;
    drawnOrigin = drawn;
    const s = o.session;
    const show = s ? [
      [s.air_date, s.start_time, s.unit, s.topic].filter(Boolean).join(" · "),
      s.summary_url ? " " : null,
      s.summary_url ? el("a", { href: s.summary_url, class: "summary-link" }, t("case.summary_link")) : null,
    ].filter(Boolean) : "";
    const recordings = o.may_hear
      ? [el("h3", {}, t("case.recordings")),
        o.recordings.length
          ? el("ul", { class: "recordings" }, o.recordings.map((r) => el("li", {},
            el("span", { class: "muted" }, when(r.started_at) + " · " + Math.round(r.duration_seconds) + " s"), " ",
            el("audio", { controls: true, preload: "none", src: r.url }))))
          : empty("case.no_recordings")]
      : null;
    fill($("origin-body"),
      facts([
        [t("case.channel"), o.channel_label],
        [t("case.session"), show],
        [t("case.called_at"), when(o.called_at)],
        [t("case.line"), o.line],
        [t("case.answered_by"), o.answered_by],
        [t("case.host_note"), o.host_note],
      ], "origin-facts"),
      recordings,
    );
  }

  // --- replies ------------------------------------------------------------------------------------

  function verdict(reply) {
    if (reply.approved === true) return el("span", { class: "badge verdict-approved" }, t("case.approved"));
    if (reply.approved === false) return el("span", { class: "badge verdict-returned" }, t("case.returned"));
    return el("span", { class: "badge verdict-waiting" }, t("case.awaiting_review"));
  }

  function attachmentLinks(list) {
    if (!list.length) return null;
    return el("ul", { class: "attachments" }, list.map((a) =>
      el("li", {}, el("a", { href: a.url, target: "_blank", rel: "noopener" }, a.filename),
        a.size ? el("span", { class: "muted" }, " (" + Math.max(1, Math.round(a.size / 1024)) + " KB)") : null)));
  }

  function renderReplies() {
    const replies = kase.replies;
    fill($("replies-body"), replies.length ? replies.map((r, i) => el("article", { class: "reply", dataset: { reply: r.id } },
      el("header", {},
        el("strong", {}, fmt("case.reply_n", { n: i + 1 })), " ", verdict(r), " ",
        el("span", { class: "muted" }, fmt("case.drafted_by", { name: r.drafted_by, time: when(r.drafted_at) }))),
      text(r.body, "reply-body"),
      attachmentLinks(r.attachments),
      r.reviewed_by || r.head_signoff ? facts([
        [t("case.reviewed_by"), r.reviewed_by ? r.reviewed_by + " · " + when(r.reviewed_at) : ""],
        [t("case.review_note"), r.review_note],
        [t("case.head_signoff"), r.head_signoff],
      ]) : null,
    )) : empty("case.no_replies"));
  }

  // --- extensions ---------------------------------------------------------------------------------

  function renderExtensions() {
    const rows = kase.extensions.map((x) => el("article", { class: "item extension", dataset: { extension: x.id } },
      el("header", {},
        el("span", { class: "badge ext-" + x.state }, x.state_label), " ",
        el("span", { class: "muted" }, fmt("case.requested_by", { name: x.requested_by, time: when(x.requested_at) }))),
      facts([
        [t("case.reason"), x.reason],
        [t("case.previous_due"), day(x.previous_due)],
        [t("case.requested_due"), day(x.requested_due)],
        [t("case.granted_due"), day(x.granted_due)],
        [t("case.decided_at"), when(x.decided_at)],
        [t("case.decision_note"), x.decision_note],
        [t("case.citizen_told"), x.state === "approved" ? (x.citizen_told_at ? when(x.citizen_told_at) : t("case.not_yet")) : ""],
      ]),
      x.state === "pending" && may("decide_extension") ? decideExtensionForm(x) : null,
      x.state === "approved" && !x.citizen_told_at && may("extension_told")
        ? itemButton("extension_told", "ext-told:" + x.id, t("case.citizen_told_button"), { extension_id: x.id }) : null,
    ));
    fill($("extensions-body"), rows.length ? rows : empty("case.no_extensions"));
  }

  function decideExtensionForm(x) {
    const form = el("form", { class: "item-form", dataset: { key: "ext:" + x.id } },
      field(t("case.decision_note"), el("textarea", { name: "note", rows: 2, required: true, maxlength: 2000 })),
      field(t("case.granted_due"), el("input", { type: "date", name: "granted_due", value: x.requested_due })),
      el("div", { class: "actions" },
        el("button", { type: "submit", class: "primary", value: "approve" }, t("case.approve_extension")),
        el("button", { type: "submit", value: "refuse" }, t("case.refuse_extension"))),
      el("div", { class: "form-error", role: "alert" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const approve = !event.submitter || event.submitter.value !== "refuse";
      const body = { extension_id: x.id, approve, note: form.elements.note.value };
      if (approve && form.elements.granted_due.value) body.granted_due = form.elements.granted_due.value;
      act("decide_extension", body, form);
    });
    return form;
  }

  // --- notices ------------------------------------------------------------------------------------

  function renderNotices() {
    const rows = kase.notices.map((n) => el("article", { class: "item notice notice-" + n.kind, dataset: { notice: n.id } },
      el("header", {},
        el("span", { class: "badge notice-kind-" + n.kind }, n.kind_label), " ",
        n.number ? el("strong", {}, n.number) : null, " ",
        el("span", { class: "muted" }, when(n.sent_at), n.automatic ? " · " + t("case.automatic") : "")),
      n.message ? text(n.message) : null,
      n.seen_at
        ? el("p", { class: "muted" }, fmt("case.seen_at", { time: when(n.seen_at) }))
        : may("notice_seen")
          ? itemButton("notice_seen", "notice:" + n.id, t("case.mark_seen"), { notice_id: n.id })
          : el("p", { class: "muted" }, t("case.not_seen")),
    ));
    fill($("notices-body"), rows.length ? rows : empty("case.no_notices"));
  }

  // --- callbacks ----------------------------------------------------------------------------------

  function callbackOutcome(cb) {
    const parts = [];
    if (cb.reached === false) parts.push(t("case.not_reached"));
    if (cb.contacted !== null && cb.contacted !== undefined) parts.push(t("case.q_contacted") + " " + yesNo(cb.contacted));
    if (cb.fulfilled !== null && cb.fulfilled !== undefined) parts.push(t("case.q_fulfilled") + " " + yesNo(cb.fulfilled));
    return parts.join(" · ");
  }

  function renderCallbacks() {
    if (kase.anonymous) {
      fill($("callbacks-body"), el("p", { class: "anonymous" }, t("case.anonymous")));
      return;
    }
    const rows = kase.callbacks.map((cb) => el("article", { class: "item callback", dataset: { callback: cb.id } },
      el("header", {},
        el("strong", {}, cb.kind_label), " ",
        cb.done_at
          ? el("span", { class: "badge callback-done" }, t("case.done"))
          : el("span", { class: "badge callback-pending" }, t("case.pending")), " ",
        el("span", { class: "muted" }, fmt("case.due_on", { date: day(cb.due_on) }))),
      facts([
        [t("case.done_at"), cb.done_at ? when(cb.done_at) + (cb.agent ? " · " + cb.agent : "") : ""],
        [t("case.channel"), cb.channel ? label("CallbackChannel", cb.channel) : ""],
        [t("case.outcome"), callbackOutcome(cb)],
        [t("case.satisfaction"), cb.satisfaction_label],
        [t("case.note"), cb.note],
      ]),
      !cb.done_at && may("callback") ? callbackForm(cb) : null,
    ));
    fill($("callbacks-body"), rows.length ? rows : empty("case.no_callbacks"));
  }

  function yesNoRadios(name) {
    return el("div", { class: "choices", role: "radiogroup" },
      el("label", { class: "check" }, el("input", { type: "radio", name, value: "true" }), t("case.yes")),
      el("label", { class: "check" }, el("input", { type: "radio", name, value: "false" }), t("case.no")));
  }

  function callbackForm(cb) {
    const question = {
      process: ["contacted", t("case.q_contacted"), yesNoRadios("contacted")],
      result: ["satisfaction", t("case.q_satisfaction"), el("div", { class: "choices", role: "radiogroup" },
        SATISFACTIONS.map((s) => el("label", { class: "check" },
          el("input", { type: "radio", name: "satisfaction", value: s }), label("Satisfaction", s))))],
      lookback: ["fulfilled", t("case.q_fulfilled"), yesNoRadios("fulfilled")],
    }[cb.kind];
    const form = el("form", { class: "item-form", dataset: { key: "callback:" + cb.id } },
      field(t("case.channel"), channelSelect()),
      el("label", { class: "check" }, el("input", { type: "checkbox", name: "reached", checked: true }), t("case.reached")),
      question ? el("fieldset", { class: "question", name: question[0] },
        el("legend", {}, question[1]), question[2]) : null,
      cb.kind === "result" && kase.commitment_open
        ? el("label", { class: "check" }, el("input", { type: "checkbox", name: "commitment_kept" }), t("case.commitment_kept_citizen"))
        : null,
      field(t("case.note"), el("textarea", { name: "note", rows: 2, maxlength: 2000 })),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t("case.record_callback"))),
      el("div", { class: "form-error", role: "alert" }));
    const reached = form.elements.reached;
    const fieldset = form.querySelector("fieldset.question");
    const sync = () => { if (fieldset) fieldset.disabled = !reached.checked; };
    reached.addEventListener("change", sync);
    sync();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = { callback_id: cb.id, channel: form.elements.channel.value, reached: reached.checked };
      const note = form.elements.note.value;
      if (note) body.note = note;
      if (question && reached.checked) {
        const picked = form.querySelector('input[name="' + question[0] + '"]:checked');
        if (picked) body[question[0]] = question[0] === "satisfaction" ? picked.value : picked.value === "true";
        if (form.elements.commitment_kept && form.elements.commitment_kept.checked) body.commitment_kept = true;
      }
      act("callback", body, form);
    });
    return form;
  }

  // --- history ------------------------------------------------------------------------------------

  function renderHistory() {
    fill($("history-body"), el("table", { class: "grid history" },
      el("thead", {}, el("tr", {},
        el("th", {}, t("case.time")), el("th", {}, t("case.who")), el("th", {}, t("case.what")),
        el("th", {}, t("case.to_state")), el("th", {}, t("case.note")))),
      el("tbody", {}, kase.events.map((e) => el("tr", { dataset: { event: e.id, action: e.action } },
        el("td", { class: "nowrap" }, when(e.at)),
        el("td", { class: "nowrap" }, e.actor || el("span", { class: "muted" }, t("case.automatic"))),
        el("td", {}, e.action_label),
        el("td", {}, e.to_state_label),
        el("td", { class: "text" }, e.note))))));
  }

  // --- the action panel ---------------------------------------------------------------------------

  function field(caption, control, hint) {
    return el("label", { class: "field" }, el("span", { class: "caption" }, caption), control,
      hint ? el("span", { class: "hint muted" }, hint) : null);
  }

  function channelSelect(value) {
    return el("select", { name: "channel", required: true },
      CHANNELS.map((c) => el("option", { value: c, selected: c === value }, label("CallbackChannel", c))));
  }

  function sectionOptions(select, unitId, chosen) {
    const unit = PAGE.units.find((u) => u.id === unitId);
    fill(select, el("option", { value: "" }, t("case.no_section")),
      (unit ? unit.sections : []).map((s) => el("option", { value: String(s.id), selected: s.id === chosen }, s.name)));
  }

  function reasonField(caption) {
    return field(caption || t("case.reason"), el("textarea", { name: "reason", rows: 3, required: true, minlength: 2, maxlength: 2000 }));
  }

  function noteField(caption) {
    return field(caption || t("case.note_optional"), el("textarea", { name: "note", rows: 2, maxlength: 2000 }));
  }

  // What each action asks for: [controls, how to read them into the JSON body]. An action not
  // listed takes nothing but the version.
  const INPUTS = {
    keep: () => [[noteField()], readNote],
    merge: () => [[el("p", { class: "muted" }, fmt("case.merge_into", { number: kase.duplicate_of || "" })), noteField()], readNote],
    return: () => [[reasonField(t("case.return_reason"))], readReason],
    return_to_drafter: () => [[reasonField(t("case.return_to_drafter_reason"))], readReason],
    redo: () => [[reasonField(t("case.redo_reason"))], readReason],
    settle: () => [[noteField()], readNote],
    reassign: reassignInputs,
    draft: draftInputs,
    report_kept: reportInputs,
    approve: () => [[
      noteField(t("case.review_note_optional")),
      field(PAGE.head_signoff_required ? t("case.head_signoff_required") : t("case.head_signoff_optional"),
        el("input", { type: "text", name: "head_signoff", maxlength: 64, required: PAGE.head_signoff_required })),
    ], (form) => ({ note: form.elements.note.value, head_signoff: form.elements.head_signoff.value })],
    answer: () => [[field(t("case.channel"), channelSelect("phone")), noteField()],
      (form) => ({ channel: form.elements.channel.value, note: form.elements.note.value })],
    request_extension: () => [[
      reasonField(t("case.extension_reason")),
      field(t("case.requested_due"), el("input", { type: "date", name: "requested_due", required: true, min: nextDay(kase.due_on) })),
    ], (form) => ({ reason: form.elements.reason.value, requested_due: form.elements.requested_due.value })],
    remind: () => [[field(t("case.message"), el("textarea", { name: "message", rows: 2, maxlength: 2000 }))], readMessage],
    supervise: () => [[field(t("case.message"), el("textarea", { name: "message", rows: 2, maxlength: 2000 }))], readMessage],
    edit: editInputs,
    withdraw_consent: () => [[noteField()], readNote],
    column_pick: () => [[el("label", { class: "check" },
      el("input", { type: "checkbox", name: "picked", checked: kase.column_pick }), t("case.picked"))],
    (form) => ({ picked: form.elements.picked.checked })],
  };

  function readNote(form) { return { note: form.elements.note.value }; }
  function readReason(form) { return { reason: form.elements.reason.value }; }
  function readMessage(form) { return { message: form.elements.message.value }; }

  function nextDay(iso) {
    const d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  function reassignInputs() {
    const unitSelect = el("select", { name: "unit_id", required: true },
      PAGE.units.map((u) => el("option", { value: String(u.id), selected: u.id === kase.unit_id }, u.name)));
    const sectionSelect = el("select", { name: "section_id" });
    sectionOptions(sectionSelect, kase.unit_id, kase.section_id);
    unitSelect.addEventListener("change", () => sectionOptions(sectionSelect, Number(unitSelect.value), null));
    const assisting = el("div", { class: "choices assisting" },
      PAGE.units.map((u) => el("label", { class: "check" },
        el("input", { type: "checkbox", name: "assisting_unit_ids", value: String(u.id), checked: kase.assisting_units.includes(u.name) }),
        u.name)));
    return [[
      field(t("case.unit"), unitSelect),
      field(t("case.section"), sectionSelect),
      el("fieldset", { name: "assisting_unit_ids" }, el("legend", {}, t("case.assisting_optional")), assisting),
      noteField(),
    ], (form) => ({
      unit_id: Number(unitSelect.value),
      section_id: sectionSelect.value ? Number(sectionSelect.value) : null,
      assisting_unit_ids: [...form.querySelectorAll('input[name="assisting_unit_ids"]:checked')]
        .map((c) => Number(c.value)).filter((id) => id !== Number(unitSelect.value)),
      note: form.elements.note.value,
    })];
  }

  function editInputs() {
    const check = (name, caption) => el("label", { class: "check" },
      el("input", { type: "checkbox", name, checked: Boolean(kase[name]) }), caption);
    const sectionSelect = el("select", { name: "section_id" });
    sectionOptions(sectionSelect, kase.unit_id, kase.section_id);
    return [[
      check("complex", t("case.complex_explained")),
      check("internal", t("case.internal_explained")),
      check("consent_publish", t("case.consent_explained")),
      field(t("case.category"), el("select", { name: "category" },
        el("option", { value: "" }, t("case.no_category")),
        CATEGORIES.map((c) => el("option", { value: c, selected: c === kase.category }, label("Category", c))))),
      field(t("case.section"), sectionSelect),
    ], (form) => {
      const body = {
        complex: form.elements.complex.checked,
        internal: form.elements.internal.checked,
        consent_publish: form.elements.consent_publish.checked,
      };
      if (form.elements.category.value) body.category = form.elements.category.value;
      if (sectionSelect.value) body.section_id = Number(sectionSelect.value);
      return body;
    }];
  }

  // --- the reply being written: kept in this browser until sent -------------------------------------

  function loadDraft() {
    try {
      const saved = JSON.parse(localStorage.getItem(DRAFT_KEY) || "null");
      if (saved && typeof saved === "object") return { body: saved.body || "", attachments: saved.attachments || [] };
    } catch (e) {
      // Unreadable: start afresh.
    }
    return { body: "", attachments: [] };
  }

  function saveDraft(draft) {
    try {
      if (draft.body || draft.attachments.length) localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
      else localStorage.removeItem(DRAFT_KEY);
    } catch (e) {
      // Storage refused (private mode, full): the text stays in the textarea.
    }
  }

  function draftInputs() {
    const draft = loadDraft();
    const body = el("textarea", { name: "body", rows: 8, required: true, maxlength: 20000, class: "reply-text" });
    body.value = draft.body;
    body.addEventListener("input", () => { draft.body = body.value; saveDraft(draft); });
    const list = el("ul", { class: "attachments pending" });
    const drawList = () => fill(list, draft.attachments.map((a) => el("li", {},
      el("a", { href: a.url, target: "_blank", rel: "noopener" }, a.filename), " ",
      el("button", { type: "button", class: "link", onclick: () => {
        draft.attachments = draft.attachments.filter((x) => x.id !== a.id);
        saveDraft(draft);
        drawList();
      } }, t("case.remove")))));
    drawList();
    const file = el("input", { type: "file", name: "file", multiple: true,
      accept: "image/*,.pdf,.doc,.docx,.xls,.xlsx,.txt" });
    file.addEventListener("change", async () => {
      const form = file.form;
      form.querySelectorAll(".field-error").forEach((n) => n.remove());
      for (const chosen of [...file.files]) {
        try {
          draft.attachments.push(await upload(chosen));
          saveDraft(draft);
          drawList();
        } catch (error) {
          file.after(el("div", { class: "field-error", role: "alert" }, chosen.name + ": " + error.message));
        }
      }
      file.value = "";
    });
    return [[
      field(t("case.reply"), body, t("case.reply_hint")),
      field(t("case.attach"), file),
      list,
    ], () => ({ body: body.value, attachment_ids: draft.attachments.map((a) => a.id) })];
  }

  // What was done to keep the commitment, with photos or documents as evidence.
  function reportInputs() {
    const body = el("textarea", { name: "body", rows: 4, required: true, minlength: 2, maxlength: 4000 });
    const files = [];
    const list = el("ul", { class: "attachments pending" });
    const drawList = () => fill(list, files.map((a) => el("li", {},
      el("a", { href: a.url, target: "_blank", rel: "noopener" }, a.filename))));
    const file = el("input", { type: "file", name: "file", multiple: true,
      accept: "image/*,.pdf,.doc,.docx,.xls,.xlsx,.txt" });
    file.addEventListener("change", async () => {
      file.form.querySelectorAll(".field-error").forEach((n) => n.remove());
      for (const chosen of [...file.files]) {
        try {
          files.push(await upload(chosen));
          drawList();
        } catch (error) {
          file.after(el("div", { class: "field-error", role: "alert" }, chosen.name + ": " + error.message));
        }
      }
      file.value = "";
    });
    return [[
      field(t("case.report_body"), body, t("case.report_hint")),
      field(t("case.evidence"), file),
      list,
    ], () => ({ body: body.value, attachment_ids: files.map((a) => a.id) })];
  }

  async function upload(chosen) {
    const data = new FormData();
    data.append("file", chosen);
    let response;
    try {
      response = await fetch("/api/cases/" + CASE_ID + "/attachments", {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content },
      });
    } catch (e) {
      throw new Hotline.ApiError(0, { error: { code: "network", message: t("error.network") } });
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const error = new Hotline.ApiError(response.status, body);
      const detail = error.details && error.details.file;
      if (detail) error.message = detail;
      throw error;
    }
    return body;
  }

  // --- taking an action ---------------------------------------------------------------------------

  function formError(form) {
    return form.querySelector(".form-error");
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach((n) => n.remove());
    fill(formError(form));
  }

  function showError(form, error) {
    clearErrors(form);
    // Field by field where the API names the field: a reply refused by the quality gate is said
    // under the reply, whose text stays as typed.
    if (Followup.showFieldErrors(form, error)) return;
    if (error.status === 409 && error.code === "changed_meanwhile") {
      fill(formError(form), error.message, " ",
        el("button", { type: "button", class: "link", onclick: () => refresh() }, t("case.reload")));
      return;
    }
    fill(formError(form), error.message);
  }

  async function act(name, body, form) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await api("POST", "/api/cases/" + CASE_ID + "/actions/" + name, { ...body, version: kase.version });
    } catch (error) {
      buttons.forEach((b) => { b.disabled = false; });
      showError(form, error);
      return;
    }
    if (name === "draft") {
      try { localStorage.removeItem(DRAFT_KEY); } catch (e) { /* nothing kept */ }
    }
    form.dataset.done = "1"; // its typed text is sent: not carried over into the redrawn form
    toast(t("case.done_toast"), "ok");
    await refresh();
  }

  function itemButton(action, key, caption, body) {
    const form = el("form", { class: "item-form inline-form", dataset: { key } },
      el("button", { type: "submit" }, caption),
      el("div", { class: "form-error", role: "alert" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(action, body, form);
    });
    return form;
  }

  function actionForm(action) {
    // The public text is reviewed side by side with the case on the publication desk.
    if (action.name === "publish") {
      return el("div", { class: "action action-button" },
        el("a", { class: "button", href: "/followup/publication/" + CASE_ID }, action.label));
    }
    const spec = INPUTS[action.name];
    const [controls, read] = spec ? spec() : [[], () => ({})];
    const submit = el("button", { type: "submit", class: FORWARD.has(action.name) ? "primary" : "" }, action.label);
    const form = el("form", { class: "action-form", dataset: { key: "action:" + action.name, action: action.name } },
      controls, el("div", { class: "actions" }, submit), el("div", { class: "form-error", role: "alert" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(action.name, read(form), form);
    });
    if (!controls.length) return el("div", { class: "action action-button" }, form);
    return el("details", { class: "action", open: OPEN_AT_FIRST.has(action.name), dataset: { action: action.name } },
      el("summary", {}, action.label), form);
  }

  function renderActions() {
    const panel = $("actions-body");
    if (gone) {
      fill(panel, el("p", { class: "muted" }, t("case.gone")));
      return;
    }
    fill(panel, kase.actions.length ? kase.actions.map(actionForm) : empty("case.no_actions"));
  }

  // --- drawing it all, keeping what is typed --------------------------------------------------------

  // A redraw (after an action or a change by someone else) must not throw away what a person is
  // typing in another form, nor close what they opened.
  function typedInto(c) {
    if (!c.name || c.type === "file" || c.tagName === "BUTTON" || c.tagName === "FIELDSET") return false;
    if (c.type === "checkbox" || c.type === "radio") return c.checked !== c.defaultChecked;
    if (c.tagName === "SELECT") {
      const first = [...c.options].find((o) => o.defaultSelected) || c.options[0];
      return Boolean(first) && c.value !== first.value;
    }
    return c.value !== c.defaultValue;
  }

  // Only what the person changed is carried over: the rest is drawn afresh from the case, so a
  // change made by someone else shows.
  function snapshot() {
    const kept = {};
    document.querySelectorAll("form[data-key]").forEach((form) => {
      if (form.dataset.done) return;
      const values = {};
      for (const c of form.elements) {
        if (!typedInto(c)) continue;
        if (c.type === "checkbox" || c.type === "radio") values[c.name + "=" + c.value] = c.checked;
        else values[c.name] = c.value;
      }
      const details = form.closest("details");
      kept[form.dataset.key] = { values, open: details ? details.open : null };
    });
    return kept;
  }

  function restore(kept) {
    document.querySelectorAll("form[data-key]").forEach((form) => {
      const saved = kept[form.dataset.key];
      if (!saved) return;
      for (const c of form.elements) {
        if (!c.name || c.type === "file" || c.tagName === "BUTTON" || c.tagName === "FIELDSET") continue;
        if (c.type === "checkbox" || c.type === "radio") {
          const key = c.name + "=" + c.value;
          if (key in saved.values) c.checked = saved.values[key];
        } else if (c.name in saved.values) {
          c.value = saved.values[c.name];
          c.dispatchEvent(new Event("change"));
        }
      }
      const details = form.closest("details");
      if (details && saved.open !== null) details.open = saved.open;
    });
  }

  function render() {
    const kept = snapshot();
    renderHeader();
    renderMatter();
    renderOrigin();
    renderReplies();
    renderExtensions();
    renderNotices();
    renderCallbacks();
    renderHistory();
    renderActions();
    restore(kept);
  }

  let fetching = null;
  let again = false;

  // One fetch at a time; a change announced meanwhile fetches once more afterwards.
  async function refresh() {
    if (fetching) {
      again = true;
      return fetching;
    }
    fetching = (async () => {
      do {
        again = false;
        try {
          kase = await api("GET", "/api/cases/" + CASE_ID);
          gone = false;
        } catch (error) {
          if (error.status === 404) gone = true;
          else toast(error.message, "error");
        }
        render();
      } while (again);
    })();
    try {
      await fetching;
    } finally {
      fetching = null;
    }
  }

  // Live: the desks' namespace says when any case changed; only this one matters here. The page
  // works the same without it (another desk's change then shows at the next action or reload).
  function listen() {
    if (typeof io !== "function") return;
    try {
      const socket = io("/desks", { transports: ["websocket", "polling"] });
      // "case_gone": reassigned to another unit; the refresh then says it is no longer ours.
      for (const event of ["case_changed", "case_gone"]) {
        socket.on(event, (data) => {
          if (data && Number(data.id) === CASE_ID) refresh();
        });
      }
      // Changes missed while disconnected are fetched on reconnecting.
      let connectedBefore = false;
      socket.on("connect", () => {
        if (connectedBefore) refresh();
        connectedBefore = true;
      });
    } catch (e) {
      // No live updates; the page still works.
    }
  }

  render();
  listen();
})();
