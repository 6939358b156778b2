// A seat's live connection: joins the session's room, keeps the state the server sends, and
// calls render() after every change. A reconnect (reload, network blip, server restart) gets the
// full state again, so a seat never has to work out what it missed.
//
// It also draws what every seat shows alike: the phone lines (a #line-banner while they are down,
// fewer than a show needs or the recording disk fills up; a #line-strip counting them by state
// with the lines in use; a page with neither, the officials' screen, gets only a small mark beside
// #conn while the lines are down) and the recordings of a call (renderRecordings).
"use strict";

class Seat {
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
function summaryFigures(summary) {
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
