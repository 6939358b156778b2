// Shared by every page: the JSON API client, translated strings, toasts and small formatters.
"use strict";

const Hotline = (() => {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

  function t(key, fallback) {
    return (window.I18N && window.I18N[key]) || fallback || key;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || t("error.generic"));
      this.status = status;
      this.code = body && body.error && body.error.code;
      this.details = body && body.error && body.error.details;
      this.body = body;
    }
  }

  // Every state change goes through the JSON API with the CSRF token in a header.
  async function api(method, url, data) {
    const opts = {
      method,
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() },
      credentials: "same-origin",
    };
    if (data !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(data);
    }
    let response;
    try {
      response = await fetch(url, opts);
    } catch (e) {
      throw new ApiError(0, { error: { code: "network", message: t("error.network") } });
    }
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  function toast(message, kind) {
    const box = document.getElementById("toasts");
    if (!box) return;
    const el = document.createElement("div");
    el.className = "toast toast-" + (kind || "info");
    el.textContent = message;  // never innerHTML: messages may carry callers' text
    box.appendChild(el);
    setTimeout(() => el.remove(), kind === "error" ? 8000 : 3500);
  }

  function label(enumName, value) {
    return value ? t(enumName + "." + value, value) : "";
  }

  // Build DOM with text only; no caller-supplied string ever becomes markup.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function mmss(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const m = Math.floor(seconds / 60), s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function since(iso, now) {
    return iso ? mmss(((now || Date.now()) - Date.parse(iso)) / 1000) : "";
  }

  function clock(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // A moment as every page writes dates: YYYY-MM-DD HH:MM, in the reader's local time.
  function moment(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    const two = (n) => (n < 10 ? "0" : "") + n;
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  return { api, ApiError, t, toast, label, el, mmss, since, clock, moment };
})();
