// The scores page: a period, the ranking table, its two charts, and the hot topics list with its
// chart. Everything is drawn from /api/scores and /api/hot-topics; needs common.js (Hotline) and
// the vendored ECharts.
"use strict";

(() => {
  const { el, t, api, label } = Hotline;
  const cfg = window.SCORES;
  const form = document.getElementById("period");
  const topicsForm = document.getElementById("topics-form");
  const tbody = document.querySelector("#ranking tbody");
  const MEASURES = cfg.measures;  // [{key, label, weight}] in the table's order
  const OWN = "#b4232c", OTHER = "#3b6ea8", MUTED = "#9aa3b2";
  const PALETTE = ["#3b6ea8", "#e0923a", "#3f9a6b", "#8a63b5", "#c4574f", "#4aa3b8", "#9c8a3e", "#6b7a8f"];

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const pct = (rate) => (rate === null || rate === undefined ? "—" : (rate * 100).toFixed(1) + "%");
  const unitLabel = (row) => row.short_name || row.unit;

  // Charts draw on a canvas: they need the page's Chinese font named, or the browser's default
  // sans-serif may have no Chinese glyphs.
  const FONT = getComputedStyle(document.body).fontFamily;
  const charts = {};
  function chart(id) {
    if (!window.echarts) return null;
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    return charts[id];
  }
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  const base = () => ({ textStyle: { fontFamily: FONT, fontSize: 12 }, animationDuration: 300 });

  // --- the period --------------------------------------------------------------------------------
  function presetFor(start, end) {
    for (const [key, [s, e]] of Object.entries(cfg.presets)) if (s === start && e === end) return key;
    return "custom";
  }

  function initForm() {
    const params = new URLSearchParams(location.search);
    const [s, e] = cfg.presets.this_month;
    form.start.value = params.get("start") || s;
    form.end.value = params.get("end") || e;
    form.min_cases.value = params.get("min_cases") || cfg.min_cases;
    form.preset.value = presetFor(form.start.value, form.end.value);
    if (params.get("unit_id")) topicsForm.unit_id.value = params.get("unit_id");
    if (params.get("limit")) topicsForm.limit.value = params.get("limit");
  }

  form.preset.addEventListener("change", () => {
    const period = cfg.presets[form.preset.value];
    if (!period) return;  // custom: the dates stay as typed
    [form.start.value, form.end.value] = period;
    load();
  });
  for (const name of ["start", "end"]) {
    form[name].addEventListener("change", () => { form.preset.value = presetFor(form.start.value, form.end.value); });
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  topicsForm.addEventListener("change", () => loadTopics());

  function query(extra) {
    const q = new URLSearchParams({ start: form.start.value, end: form.end.value, ...extra });
    return q.toString();
  }

  function remember() {
    const q = new URLSearchParams({
      start: form.start.value, end: form.end.value, min_cases: form.min_cases.value,
    });
    if (topicsForm.unit_id.value) q.set("unit_id", topicsForm.unit_id.value);
    history.replaceState(null, "", location.pathname + "?" + q.toString());
  }

  async function load() {
    if (!form.reportValidity()) return;
    remember();
    await Promise.all([loadScores(), loadTopics()]);
  }

  // --- the ranking -------------------------------------------------------------------------------
  async function loadScores() {
    let data;
    try {
      data = await api("GET", "/api/scores?" + query({ min_cases: form.min_cases.value }));
    } catch (err) {
      Hotline.toast(err.message, "error");
      return;
    }
    document.getElementById("ranking-title").textContent = fill(t("scores.ranking_of"), data);
    renderTable(data);
    drawComposite(data);
    drawMeasures(data);
  }

  function rateCell(m) {
    if (m.rate === null) return el("td", { class: "num nodata", title: t("scores.no_data") }, "—");
    return el("td", { class: "num rate", title: fill(t("scores.n_of_d"), { n: m.numerator, d: m.denominator }) }, pct(m.rate));
  }

  function satisfactionCell(counts) {
    return el("td", { class: "sat" }, ["satisfied", "basic", "unsatisfied"].map((k) =>
      el("span", {}, label("Satisfaction", k), " ", String(counts[k] || 0))));
  }

  function weightsTitle(row) {
    const parts = MEASURES.filter((m) => row.measures[m.key].rate !== null)
      .map((m) => m.label + " " + row.measures[m.key].effective_weight.toFixed(1) + "%");
    return t("scores.weights_used") + ": " + parts.join(", ");
  }

  function row(r, minCases) {
    let note = null;
    if (!r.ranked) {
      note = r.composite === null && r.cases >= minCases
        ? t("scores.no_figures")
        : fill(t("scores.not_ranked"), { n: r.cases, m: minCases });
    }
    return el("tr", { class: [r.own ? "own" : "", r.ranked ? "" : "unranked"].join(" ").trim() || null },
      el("td", { class: "num" }, r.ranked ? String(r.rank) : "—"),
      el("td", { class: "unit" }, r.unit, r.own ? el("span", { class: "badge own-tag" }, t("scores.your_unit")) : null,
        note ? el("span", { class: "note" }, note) : null),
      el("td", { class: "num composite", title: r.composite === null ? null : weightsTitle(r) },
        r.composite === null ? "—" : r.composite.toFixed(1)),
      MEASURES.map((m) => rateCell(r.measures[m.key])),
      ["cases", "settled", "overdue_open", "redone", "no_contact", "supervision_notices"]
        .map((k) => el("td", { class: "num" }, String(r[k]))),
      satisfactionCell(r.handling_satisfaction),
      el("td", { class: "num" }, String(r.commitments.overdue)),
      el("td", { class: "num" }, String(r.commitments.due_soon)),
      rateCell(r.commitments.kept_on_time));
  }

  function renderTable(data) {
    const cols = 3 + MEASURES.length + 10;
    const rows = data.ranked.map((r) => row(r, data.min_cases));
    if (!data.ranked.length && data.unranked.length) {
      rows.push(el("tr", { class: "separator" }, el("td", { colspan: cols }, t("scores.no_ranked"))));
    }
    if (data.unranked.length) {
      if (data.ranked.length) {
        rows.push(el("tr", { class: "separator" }, el("td", { colspan: cols }, t("scores.not_ranked_heading"))));
      }
      rows.push(...data.unranked.map((r) => row(r, data.min_cases)));
    }
    tbody.replaceChildren(...rows);
    document.getElementById("ranking-empty").hidden = data.ranked.length + data.unranked.length > 0;
  }

  // Ranked units, best at the top; the unranked ones are in the table only.
  function drawComposite(data) {
    const c = chart("chart-composite");
    if (!c) return;
    const rows = data.ranked.slice().reverse();
    c.setOption({
      ...base(),
      grid: { left: 8, right: 40, top: 10, bottom: 24, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 0, max: 100, name: t("scores.score"), nameLocation: "middle", nameGap: 22 },
      yAxis: {
        type: "category",
        data: rows.map((r) => r.rank + ". " + unitLabel(r)),
        axisLabel: { fontSize: 13, color: "#1d2430" },
      },
      series: [{
        type: "bar",
        barMaxWidth: 28,
        data: rows.map((r) => ({ value: r.composite, itemStyle: { color: r.own ? OWN : OTHER } })),
        label: { show: true, position: "right", formatter: (p) => p.value.toFixed(1) },
      }],
      graphic: rows.length ? [] : [{
        type: "text", left: "center", top: "middle", style: { text: t("scores.no_ranked"), fill: MUTED, fontSize: 13, fontFamily: FONT },
      }],
    }, true);
  }

  // One group per measure, one bar per unit (ranked first): where a unit is strong or weak.
  function drawMeasures(data) {
    const c = chart("chart-measures");
    if (!c) return;
    const rows = data.ranked.concat(data.unranked).slice(0, PALETTE.length);
    c.setOption({
      ...base(),
      color: PALETTE,
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: (v) => (v === null || v === undefined || v === "-" ? "—" : v.toFixed(1) + "%"),
      },
      xAxis: {
        type: "category",
        data: MEASURES.map((m) => m.label),
        axisLabel: { interval: 0, width: 92, overflow: "break", lineHeight: 15, fontSize: 11, color: "#1d2430" },
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: rows.map((r, i) => ({
        type: "bar",
        name: unitLabel(r),
        barMaxWidth: 22,
        itemStyle: r.own ? { color: OWN } : { color: PALETTE[i % PALETTE.length] },
        data: MEASURES.map((m) => {
          const rate = r.measures[m.key].rate;
          return rate === null ? "-" : Math.round(rate * 1000) / 10;
        }),
      })),
    }, true);
  }

  // --- hot topics --------------------------------------------------------------------------------
  async function loadTopics() {
    const extra = { limit: topicsForm.limit.value || "15", min_calls: topicsForm.min_calls.value };
    if (topicsForm.unit_id.value) extra.unit_id = topicsForm.unit_id.value;
    let data;
    try {
      data = await api("GET", "/api/hot-topics?" + query(extra));
    } catch (err) {
      Hotline.toast(err.message, "error");
      return;
    }
    remember();
    document.getElementById("topics-basis").textContent = fill(t("scores.calls_basis"), {
      n: data.calls, start: data.start, end: data.end, min: data.min_calls,
    });
    const list = document.getElementById("topics-list");
    list.replaceChildren(...data.topics.map((topic) => el("li", {},
      el("span", { class: "word" }, topic.word),
      el("span", { class: "count badge" }, String(topic.count)),
      el("span", { class: "examples" }, t("scores.for_example") + " " + topic.examples.join("；")))));
    if (!data.topics.length) list.replaceChildren(el("li", { class: "muted" }, t("scores.topics_empty")));
    drawTopics(data.topics);
  }

  function drawTopics(topics) {
    const c = chart("chart-topics");
    if (!c) return;
    const rows = topics.slice().reverse();
    document.getElementById("chart-topics").style.height = Math.max(220, 26 * rows.length + 50) + "px";
    c.resize();
    c.setOption({
      ...base(),
      grid: { left: 8, right: 36, top: 10, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (ps) => {
          const topic = rows[ps[0].dataIndex];
          // ECharts' tooltip is HTML: callers' words are escaped before they go in.
          return echarts.format.encodeHTML(topic.word + " · " + fill(t("scores.n_calls"), { n: topic.count })) +
            "<br>" + topic.examples.map((x) => echarts.format.encodeHTML(x)).join("<br>");
        },
      },
      xAxis: { type: "value", minInterval: 1, name: t("scores.calls"), nameLocation: "middle", nameGap: 22 },
      yAxis: { type: "category", data: rows.map((r) => r.word), axisLabel: { fontSize: 13, color: "#1d2430" } },
      series: [{
        type: "bar",
        barMaxWidth: 18,
        itemStyle: { color: "#c0652b" },
        data: rows.map((r) => r.count),
        label: { show: true, position: "right" },
      }],
    }, true);
  }

  initForm();
  load();
})();
