// The base every seat script (producer, host, clerk, official) builds on, as a native ES module.
//
// Seat: the live connection. It joins the session's room, keeps the state the server sends, and
// calls render() after every change. A reconnect (reload, network blip, server restart) gets the
// full state again, so a seat never has to work out what it missed. Each call it holds carries
// the actions this seat may take on it now (call.actions): the buttons are drawn from them, so no
// rule of a call's life is written here. It also keeps the timers running on the server's clock
// and draws what every seat shows alike: the phone lines (a #line-banner while they are down,
// fewer than a show needs or the recording disk fills up; a #line-strip counting them by state
// with the lines in use; a page with neither, the officials' screen, gets only a small mark beside
// #conn while the lines are down) and the recordings of a call (renderRecordings).
//
// Beside it: the drafts kept in this browser (Drafts), the chat between producer and host (Chat),
// the show's controls (ShowControls), the show's figures and the typing check. Every word shown
// comes from the page (window.I18N, through Hotline.t and Hotline.label; common.js).

// What the server put in the page for its script: {session_id, seat, user, units, ...}.
export const PAGE = JSON.parse(document.getElementById("seat-page").textContent);

export class Seat {
  constructor(page, render) {
    this.page = page;            // {session_id, seat, user, units, ...} from the server
    this.render = render;
    this.session = null;
    this.calls = new Map();      // id -> call
    this.lines = [];
    this.lineCapacity = {};
    this.chat = [];
    this.blocklist = [];
    this.clockSkew = 0;          // server time minus local time, for the timers
    this.listeners = {};
    this.socket = io({ auth: { session_id: page.session_id, seat: page.seat }, transports: ["websocket", "polling"] });
    this.socket.on("connect", () => this.setOnline(true));
    this.socket.on("disconnect", () => this.setOnline(false));
    this.socket.on("connect_error", (err) => {
      this.setOnline(false);
      if (err && err.message === "login_required") window.location.reload();
    });
    this.socket.on("snapshot", (s) => this.onSnapshot(s));
    this.socket.on("call", (c) => { this.calls.set(c.id, c); this.emit("call", c); this.render(); });
    this.socket.on("session", (s) => { this.session = s; this.emit("session", s); this.render(); });
    this.socket.on("chat", (m) => { this.chat.push(m); this.emit("chat", m); this.render(); });
    this.socket.on("lines", (l) => {
      this.lines = l.lines;
      this.lineCapacity = l.line_capacity;
      this.renderLines();
      this.render();
    });
    this.socket.on("blocklist", (b) => { this.blocklist = b; this.render(); });
    this.socket.on("notice", (n) => Hotline.toast(n.message, n.kind));
  }

  onSnapshot(s) {
    this.session = s.session;
    this.calls = new Map(s.calls.map((c) => [c.id, c]));
    this.lines = s.lines || [];
    this.lineCapacity = s.line_capacity || {};
    this.chat = s.chat || [];
    this.blocklist = s.blocklist || [];
    this.clockSkew = Date.parse(s.server_time) - Date.now();
    this.renderLines();
    this.emit("snapshot", s);
    this.render();
  }

  on(event, fn) { (this.listeners[event] = this.listeners[event] || []).push(fn); }
  emit(event, data) { (this.listeners[event] || []).forEach((fn) => fn(data)); }

  now() { return Date.now() + this.clockSkew; }

  // Whether the show is live: a fact of the session, which the seat may use to grey its buttons.
  isLive() { return Boolean(this.session && this.session.state === "live"); }

  // The actions this seat may take on the call now (given by the server with every call).
  may(call, action) { return Boolean(call && call.actions && call.actions.includes(action)); }

  // Every [data-since] shows the time since then on the server's clock, so every seat shows the
  // same time on air; listeners of "tick" add their own (e.g. the official's big timer).
  tick() {
    const now = this.now();
    document.querySelectorAll("[data-since]").forEach((node) => {
      node.textContent = Hotline.since(node.dataset.since, now);
    });
    this.emit("tick", now);
  }

  startTimers() { setInterval(() => this.tick(), 1000); }

  setOnline(online) {
    const badge = document.getElementById("conn");
    if (badge) {
      badge.textContent = Hotline.t(online ? "conn.online" : "conn.offline");
      badge.className = "conn " + (online ? "conn-online" : "conn-offline");
    }
    document.body.classList.toggle("offline", !online);
  }

  callsIn(...states) {
    return [...this.calls.values()].filter((c) => states.includes(c.state));
  }

  // Ready callers in the host's running order.
  readyQueue() {
    return this.callsIn("ready").sort((a, b) => (a.queue_rank || 0) - (b.queue_rank || 0));
  }

  onAir() {
    return this.callsIn("on_air").sort((a, b) => Date.parse(a.aired_at) - Date.parse(b.aired_at));
  }

  unitName(id) {
    const u = this.page.units.find((x) => x.id === id);
    return u ? u.name : "";
  }

  sectionName(unitId, sectionId) {
    const u = this.page.units.find((x) => x.id === unitId);
    const s = u && u.sections.find((x) => x.id === sectionId);
    return s ? s.name : "";
  }

  // --- the phone lines ---------------------------------------------------------------------------

  // What is wrong with the lines, worst first: [{kind, text, title}].
  lineNotices() {
    const capacity = this.lineCapacity || {};
    if (!capacity.connected) return [{ kind: "down", text: Hotline.label("LineNotice", "down") }];
    const notices = [];
    const few = typeof capacity.max_calls === "number" && capacity.max_calls < this.page.line_count;
    if (few || capacity.warning) {
      const count = few ? Hotline.label("LineNotice", "few_lines").replace("%(n)s", capacity.max_calls) : null;
      notices.push({ kind: "few_lines", text: [count, capacity.warning].filter(Boolean).join(": "), title: capacity.build });
    }
    if (capacity.disk_warning) {
      const free = capacity.disk_free_bytes;
      notices.push({
        kind: "disk_low",
        text: typeof free === "number"
          ? Hotline.label("LineNotice", "disk_low").replace("%(mb)s", Math.floor(free / (1024 * 1024)))
          : String(capacity.disk_warning),
        title: String(capacity.disk_warning),  // the line server's own words: where, how much
      });
    }
    return notices;
  }

  // "3 Waiting · 1 On air · 60 Idle", then a chip for every line in use.
  lineStrip() {
    const counts = new Map();
    for (const line of this.lines) counts.set(line.state, (counts.get(line.state) || 0) + 1);
    const summary = this.page.line_states.filter((state) => counts.has(state))
      .map((state) => counts.get(state) + " " + Hotline.label("LineState", state)).join(" · ");
    const inUse = this.lines.filter((line) => line.state !== "idle" && line.state !== "down");
    return [
      Hotline.el("span", { class: "line-counts" }, summary),
      ...inUse.map((line) => Hotline.el("span", { class: "line-chip line-" + line.state, "data-line": line.name },
        line.name, " ", Hotline.el("small", {}, Hotline.label("LineState", line.state)))),
    ];
  }

  renderLines() {
    const notices = this.lineNotices();
    const banner = document.getElementById("line-banner");
    const strip = document.getElementById("line-strip");
    if (banner) {
      banner.hidden = !notices.length;
      banner.replaceChildren(...notices.map((n) => Hotline.el("div",
        { class: "line-notice line-notice-" + n.kind, "data-notice": n.kind, title: n.title }, n.text)));
    }
    if (strip) {
      strip.hidden = !this.lines.length;
      strip.replaceChildren(...this.lineStrip());
    }
    if (!banner && !strip) this.markLinesDown(notices.some((n) => n.kind === "down"));
  }

  markLinesDown(down) {
    let mark = document.getElementById("lines-down");
    const conn = document.getElementById("conn");
    if (!mark && down && conn) {
      mark = Hotline.el("span", { id: "lines-down", class: "conn conn-offline", title: Hotline.label("LineNotice", "down") },
        "\u260E ", Hotline.label("LineState", "down"));
      conn.after(mark);
    }
    if (mark) mark.hidden = !down;
  }

  // --- recordings ----------------------------------------------------------------------------------

  // The call's recorded segments into box (its .recording-list, if it has one), each with a
  // player. Redrawn only when the list changes, so a recording being played is not cut off by the
  // next update of the call; box is hidden while there is nothing to play.
  renderRecordings(box, call) {
    const recordings = (call && call.recordings) || [];
    const key = call ? call.id + ":" + recordings.map((r) => r.id).join(",") : "";
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    box.hidden = !recordings.length;
    (box.querySelector(".recording-list") || box).replaceChildren(...recordings.map((r) =>
      Hotline.el("div", { class: "recording", "data-recording-id": String(r.id) },
        Hotline.el("span", { class: "recording-time" }, Hotline.clock(r.started_at)),
        Hotline.el("span", { class: "recording-length muted" }, Hotline.mmss(r.duration_seconds)),
        Hotline.el("audio", { controls: true, preload: "none", src: r.url }))));
  }
}

// The show's figures as [key, shown value] pairs, in the order every seat shows them.
export function summaryFigures(summary) {
  const seconds = (v) => (v === null || v === undefined ? "–" : Hotline.mmss(v));
  return [
    ["received", summary.received],
    ["screened", summary.screened],
    ["aired", summary.aired],
    ["answered_on_air", summary.answered_on_air],
    ["committed", summary.committed],
    ["followup", summary.followup],
    ["abandoned", summary.abandoned],
    ["avg_wait_seconds", seconds(summary.avg_wait_seconds)],
    ["avg_on_air_seconds", seconds(summary.avg_on_air_seconds)],
    ["head_present", Hotline.t(summary.head_present ? "yes" : "no")],
    ["by_channel", Object.entries(summary.by_channel || {}).filter(([, n]) => n > 0)
      .map(([channel, n]) => Hotline.label("Channel", channel) + " " + n).join(" · ")],
  ];
}

// Whether a key press belongs to a field being typed in, not to the seat's shortcuts.
export function isTyping(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || Boolean(target.closest("input, textarea, select, [contenteditable]")));
}

// What a seat keeps in this browser until the server has it (a card's edits, a clerk's record, the
// card left open), so that neither a reload nor a lost connection loses a word. One key per id.
export class Drafts {
  constructor(prefix) { this.prefix = prefix; }

  get(id) {
    try {
      return JSON.parse(localStorage.getItem(this.prefix + id));
    } catch (e) {
      return null;  // unreadable: left where it is rather than lost
    }
  }

  put(id, value) {
    try {
      localStorage.setItem(this.prefix + id, JSON.stringify(value));
    } catch (e) {
      // Storage full or refused by the browser: the save to the server still goes ahead.
    }
  }

  drop(id) { localStorage.removeItem(this.prefix + id); }

  ids() {
    return Object.keys(localStorage).filter((key) => key.startsWith(this.prefix))
      .map((key) => Number(key.slice(this.prefix.length)));
  }
}

// The chat between the producers and the host: #chat-log, #chat-form with #chat-input, and the
// .quick-msg buttons (a data-prefix starts a message the author finishes). With `flash`, a message
// from the other seat makes the .chat-panel flash for a moment (.chat-flash).
export class Chat {
  constructor(seat, author, { flash = false } = {}) {
    this.seat = seat;
    this.author = author;  // "producer" or "host"
    this.shown = -1;
    this.log = document.getElementById("chat-log");
    this.input = document.getElementById("chat-input");
    document.getElementById("chat-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      if (await this.send(this.input.value)) this.input.value = "";
    });
    document.querySelectorAll(".quick-msg").forEach((button) => {
      button.addEventListener("click", () => this.quick(button));
    });
    seat.on("snapshot", () => { this.shown = -1; });
    if (flash) seat.on("chat", (message) => { if (message.seat !== author) this.flash(); });
  }

  render() {
    const chat = this.seat.chat;
    if (chat.length === this.shown) return;
    this.shown = chat.length;
    this.log.replaceChildren(...(chat.length ? chat.map((m) => Chat.line(m))
      : [Hotline.el("p", { class: "muted" }, Hotline.t("chat.none"))]));
    this.log.scrollTop = this.log.scrollHeight;
  }

  static line(message) {
    return Hotline.el("div", { class: "msg msg-" + message.seat },
      Hotline.el("div", { class: "msg-meta" }, message.sender, " · ", Hotline.clock(message.created_at)),
      Hotline.el("div", { class: "msg-body" }, message.body));
  }

  async send(body) {
    const text = body.trim();
    if (!text) return false;
    try {
      await Hotline.api("POST", `/api/sessions/${this.seat.page.session_id}/chat`, { body: text, seat: this.author });
      return true;
    } catch (err) {
      Hotline.toast(err.message, "error");
      return false;
    }
  }

  quick(button) {
    if (button.dataset.prefix) {
      // A message that needs the author's own words: start it in the input.
      this.input.value = button.dataset.prefix;
      this.input.focus();
    } else {
      this.send(button.textContent);
    }
  }

  flash() {
    const panel = this.log.closest(".chat-panel");
    if (!panel) return;
    panel.classList.remove("chat-flash");
    void panel.offsetWidth;  // restart the animation
    panel.classList.add("chat-flash");
  }
}

// The show's controls: the session's state in a badge, #go-live and #end-show (hidden, or greyed
// when `hide` is false, while the session is not in the state they start from), and the figures
// once the show has ended. Before asking, #end-show fetches what ending now would leave unfinished
// (aired calls with no record, cards still in the show), worded by the server: it is listed in the
// page's #end-warnings if it has one, and given as lines to `confirmEnd(lines)`, which says whether
// the show ends at once; a page that asks in its own way calls end() itself. `showSummary(summary)`
// draws the figures.
export class ShowControls {
  constructor(seat, { badge, hide, confirmEnd, showSummary }) {
    this.seat = seat;
    this.badge = document.getElementById(badge);
    this.hide = hide;
    this.showSummary = showSummary;
    this.summaryLoaded = false;
    this.goLive = document.getElementById("go-live");
    this.endShow = document.getElementById("end-show");
    this.goLive.addEventListener("click", () => this.post("go-live"));
    this.endShow.addEventListener("click", () => this.askEnd(confirmEnd));
  }

  async askEnd(confirmEnd) {
    let unfinished;
    try {
      unfinished = await Hotline.api("GET", `/api/sessions/${this.seat.page.session_id}/unfinished`);
    } catch (err) {
      Hotline.toast(err.message, "error");
      return;
    }
    const lines = unfinished.items.map((item) => item.line);
    const list = document.getElementById("end-warnings");
    if (list) {
      list.replaceChildren(...lines.map((line) => Hotline.el("li", {}, line)));
      list.hidden = lines.length === 0;
    }
    if (confirmEnd(lines)) this.end();
  }

  render() {
    const state = this.seat.session ? this.seat.session.state : "";
    this.badge.textContent = Hotline.t("session." + state, state);
    this.badge.className = "badge session-" + state;
    for (const [button, from] of [[this.goLive, "scheduled"], [this.endShow, "live"]]) {
      if (this.hide) button.hidden = state !== from;
      else button.disabled = state !== from;
    }
    if (state === "ended" && !this.summaryLoaded) this.loadSummary();
  }

  end() { return this.post("end"); }

  async post(path) {
    let result;
    try {
      result = await Hotline.api("POST", `/api/sessions/${this.seat.page.session_id}/${path}`);
    } catch (err) {
      Hotline.toast(err.message, "error");
      return false;
    }
    if (path === "end") {
      this.summaryLoaded = true;
      this.showSummary(result);
    } else {
      this.seat.session = result;
    }
    this.seat.render();
    return true;
  }

  async loadSummary() {
    this.summaryLoaded = true;
    try {
      this.showSummary(await Hotline.api("GET", `/api/sessions/${this.seat.page.session_id}/summary`));
    } catch (err) {
      this.summaryLoaded = false;  // tried again on the next change
    }
  }
}
