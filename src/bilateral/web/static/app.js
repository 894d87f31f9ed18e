/* bilateral dashboard: draws figures from JSON blocks, keeps each view's state in its URL and runs
   the live negotiation. No inline scripts (Content-Security-Policy default-src 'self'). */
"use strict";

// no mode bar: plotly.js styles it with inline <style> rules, which the CSP blocks (tables download instead)
const CONFIG = {responsive: true, displaylogo: false, displayModeBar: false};

function draw(target, figure) {
  if (!window.Plotly || !target || !figure) return;
  window.Plotly.react(target, figure.data || [], figure.layout || {}, CONFIG);
}

function drawStatic() {
  document.querySelectorAll("[data-figure]").forEach((div) => {
    const block = document.getElementById(div.dataset.figure);
    if (block) draw(div, JSON.parse(block.textContent));
  });
}

function autoSubmit() {
  document.querySelectorAll("select.autosubmit").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
  document.querySelectorAll("form.autoform select, form.autoform input[type=checkbox]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
}

function cell(tag, text) {
  const el = document.createElement(tag);
  el.textContent = text === null || text === undefined ? "" : String(text);
  return el;
}

function fillTable(table, data) {
  if (!table) return;
  const head = document.createElement("thead");
  const tr = document.createElement("tr");
  data.columns.forEach((c) => tr.appendChild(cell("th", c)));
  head.appendChild(tr);
  const body = document.createElement("tbody");
  data.rows.forEach((row) => {
    const r = document.createElement("tr");
    row.forEach((v) => r.appendChild(cell("td", v)));
    body.appendChild(r);
  });
  table.replaceChildren(head, body);
}

/* ---- live negotiation ---- */

function liveQuery(form) {
  const params = new URLSearchParams();
  const defaults = form.dataset;
  form.querySelectorAll("input, select").forEach((el) => {
    if (!el.name) return;
    if (el.type === "checkbox") {
      params.set(el.name, el.checked ? "1" : "0");
    } else if (el.value !== "") {
      params.set(el.name, el.value);
    }
  });
  // only what differs from the case's own inputs goes into the URL
  const initial = JSON.parse(defaults.initial || "{}");
  for (const [key, value] of Array.from(params.entries())) {
    if (key in initial && String(initial[key]) === value) params.delete(key);
  }
  return params;
}

function initialValues(form) {
  const out = {};
  form.querySelectorAll("input, select").forEach((el) => {
    if (!el.name || ["case", "model", "runs", "seed"].includes(el.name)) return;
    out[el.name] = el.type === "checkbox" ? (el.defaultChecked ? "1" : "0") : el.defaultValue;
  });
  return out;
}

function drawRound(payload, index) {
  const div = document.getElementById("plot-round");
  const slider = document.getElementById("round");
  const label = document.getElementById("round-label");
  const rounds = payload.rounds;
  if (!rounds) {
    div.replaceChildren(cell("p", "The EUM is not among the chosen models."));
    slider.disabled = true;
    label.textContent = "";
    return;
  }
  slider.disabled = false;
  slider.max = String(rounds.rounds.length - 1);
  const i = Math.min(index, rounds.rounds.length - 1);
  slider.value = String(i);
  label.textContent = "round " + rounds.rounds[i] + " of " + rounds.rounds[rounds.rounds.length - 1];
  draw(div, {
    data: [{type: "bar", orientation: "h", y: rounds.actors, x: rounds.positions[i], marker: {color: "#d62728"},
            hovertemplate: "%{y}: %{x:.1f}<extra></extra>"}],
    layout: {template: "plotly_white", height: 140 + 22 * rounds.actors.length,
             xaxis: {range: rounds.scale, title: "position in this round"}, margin: {l: 200, r: 20, t: 20, b: 40}},
  });
}

function showPayload(payload) {
  document.getElementById("sentence").textContent = payload.sentence;
  document.getElementById("ratification").textContent = payload.ratification;
  fillTable(document.getElementById("forecast"), payload.table);
  document.getElementById("take-rule").textContent = payload.take.rule;
  fillTable(document.getElementById("take"), payload.take.table);
  const caveats = document.getElementById("caveats");
  caveats.replaceChildren(...payload.caveats.map((c) => cell("li", c)));
  ["winsets", "distribution", "eum_trace", "weights"].forEach((name) => {
    const div = document.getElementById("plot-" + name);
    if (!div) return;
    if (payload.figures[name]) {
      div.hidden = false;
      draw(div, payload.figures[name]);
    } else {
      if (window.Plotly) window.Plotly.purge(div);
      div.hidden = true;
    }
  });
  const slider = document.getElementById("round");
  drawRound(payload, payload.rounds ? payload.rounds.rounds.length - 1 : 0);
  slider.oninput = () => drawRound(payload, Number(slider.value));
}

function initLive() {
  const form = document.getElementById("live");
  if (!form) return;
  form.dataset.initial = JSON.stringify(initialValues(form));
  const status = document.getElementById("status");
  const error = document.getElementById("error");
  let timer = null;
  let sequence = 0;
  const first = document.getElementById("live-payload");
  if (first) showPayload(JSON.parse(first.textContent));

  async function update() {
    const params = liveQuery(form);
    const mine = ++sequence;
    history.replaceState(null, "", "/negotiation?" + params.toString());
    // every download link of the page follows the inputs
    form.closest("main").querySelectorAll("a[download]").forEach((a) => {
      a.href = a.pathname + "?" + params.toString();
    });
    status.textContent = "running…";
    try {
      const response = await fetch(form.dataset.api + "?" + params.toString(), {headers: {Accept: "application/json"}});
      const body = await response.json();
      if (mine !== sequence) return;
      if (!response.ok) {
        error.textContent = body.error || ("error " + response.status);
        error.hidden = false;
        status.textContent = "";
        return;
      }
      error.hidden = true;
      showPayload(body);
      status.textContent = "updated";
    } catch (err) {
      if (mine !== sequence) return;
      error.textContent = "the dashboard did not answer: " + err;
      error.hidden = false;
      status.textContent = "";
    }
  }

  form.addEventListener("input", (event) => {
    const out = event.target.nextElementSibling;
    if (event.target.type === "range" && out && out.tagName === "OUTPUT") out.textContent = event.target.value;
    clearTimeout(timer);
    timer = setTimeout(update, 350);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    update();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  drawStatic();
  autoSubmit();
  initLive();
});
