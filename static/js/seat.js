// A seat's live connection: joins the session's room, keeps the state the server sends, and
// calls render() after every change. A reconnect (reload, network blip, server restart) gets the
// full state again, so a seat never has to work out what it missed.
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
    this.socket.on("lines", (l) => { this.lines = l.lines; this.lineCapacity = l.line_capacity; this.render(); });
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
}
