// Fault sessions: start from a preset or rules, list, end; a journal filling live and its report.
import { api, cell, clearBanner, ProblemError, showProblem, statusClass } from "./api.js";

const MARK = { passed: "✓", failed: "✗", "not-exercised": "–" };
let presets = [];
let selected = null;

const $ = (id) => document.getElementById(id);

export async function loadPresets() {
  try {
    presets = (await api("GET", "/admin/fault-presets")).items;
  } catch (error) {
    presets = [];
    if (!(error instanceof ProblemError && error.status === 404)) showProblem(error);
  }
  const select = $("session-form").elements.preset;
  select.replaceChildren(new Option("(none)", ""), ...presets.map((p) => new Option(p.name, p.name)));
}

function describePreset() {
  const name = $("session-form").elements.preset.value;
  const preset = presets.find((p) => p.name === name);
  $("preset-description").textContent = preset ? preset.description : "";
}

async function startSession(event) {
  event.preventDefault();
  const form = event.target;
  const errors = $("session-errors");
  errors.replaceChildren();
  const doc = {};
  if (form.elements.name.value) doc.name = form.elements.name.value;
  if (form.elements.preset.value) doc.preset = form.elements.preset.value;
  if (form.elements.ttlSeconds.value) doc.ttlSeconds = Number(form.elements.ttlSeconds.value);
  if (form.elements.sub.value) doc.match = { sub: form.elements.sub.value };
  const rules = form.elements.rules.value.trim();
  if (rules) {
    try {
      doc.rules = JSON.parse(rules);
    } catch (error) {
      errors.append(Object.assign(document.createElement("li"), { textContent: `rules: not JSON (${error.message})` }));
      return;
    }
  }
  try {
    const session = await api("POST", "/admin/fault-sessions", doc);
    clearBanner();
    await loadSessions();
    select(session.id);
  } catch (error) {
    const list = (error instanceof ProblemError && error.problem.errors) || [];
    for (const { field, message } of list) {
      errors.append(Object.assign(document.createElement("li"), { textContent: `${field}: ${message}` }));
    }
    if (!list.length) showProblem(error);
  }
}

export async function loadSessions() {
  let items = [];
  try {
    items = (await api("GET", "/admin/fault-sessions")).items;
  } catch (error) {
    if (!(error instanceof ProblemError && error.status === 404)) showProblem(error);
  }
  const body = $("session-list");
  body.replaceChildren();
  const filter = $("feed-filter");
  const keep = filter.value;
  for (const option of [...filter.options].slice(2)) option.remove();
  for (const session of items) {
    const row = body.insertRow();
    row.dataset.id = session.id;
    row.classList.toggle("selected", session.id === selected);
    cell(row, session.name || "(unnamed)");
    cell(row, session.id);
    cell(row, session.expiresAt);
    const actions = row.insertCell();
    const open = Object.assign(document.createElement("button"), { type: "button", textContent: "Open", className: "secondary" });
    open.addEventListener("click", () => select(session.id));
    const end = Object.assign(document.createElement("button"), { type: "button", textContent: "End" });
    end.addEventListener("click", () => endSession(session.id));
    actions.append(open, " ", end);
    filter.add(new Option(`session ${session.name || session.id.slice(0, 8)}`, session.id));
  }
  filter.value = [...filter.options].some((o) => o.value === keep) ? keep : "";
  if (selected && !items.some((s) => s.id === selected)) select(null);
}

async function endSession(id) {
  try {
    await api("DELETE", `/admin/fault-sessions/${id}`);
    if (selected === id) select(null);
    await loadSessions();
  } catch (error) {
    showProblem(error);
  }
}

function select(id) {
  selected = id;
  $("session-detail").hidden = !id;
  for (const row of $("session-list").rows) row.classList.toggle("selected", row.dataset.id === id);
  if (!id) return;
  $("session-id").textContent = id;
  $("session-header").textContent = `Fault-Session: ${id}`;
  refreshSelected();
}

export async function refreshSelected() {
  if (!selected) return;
  const id = selected;
  try {
    const journal = await api("GET", `/admin/fault-sessions/${id}/journal`);
    if (id === selected) renderJournal(journal);
  } catch (error) {
    if (error instanceof ProblemError && error.status === 404) select(null);  // ended or expired
    else showProblem(error);
    return;
  }
  try {
    const report = await api("GET", `/admin/fault-sessions/${id}/report`);
    if (id === selected) renderReport(report);
  } catch (error) {
    $("report-summary").textContent = `No report: ${error.message}`;
  }
}

function renderJournal(journal) {
  const body = $("journal-rows");
  body.replaceChildren();
  for (const entry of journal.entries) {
    const row = body.insertRow(0);
    row.className = statusClass(entry.status);
    cell(row, String(entry.seq));
    cell(row, String(entry.t));
    cell(row, entry.method);
    cell(row, entry.path, "path");
    cell(row, entry.status ? String(entry.status) : (entry.clientClosed ? "client left" : "dropped"), "status");
    cell(row, String(entry.durationMs));
    cell(row, entry.fault || "");
  }
  $("journal-count").textContent = `${journal.entries.length} exchanges${journal.truncated ? " (truncated)" : ""}`;
}

function renderReport(report) {
  const body = $("report-rows");
  body.replaceChildren();
  for (const check of report.checks) {
    const row = body.insertRow();
    row.dataset.check = check.id;
    cell(row, MARK[check.verdict] || "?", `verdict-${check.verdict}`);
    cell(row, check.id);
    cell(row, check.detail, "path");
  }
  const s = report.summary;
  $("report-summary").textContent = `${s.passed} passed, ${s.failed} failed, ${s.notExercised} not exercised`;
}

export function setupSessions() {
  $("session-form").addEventListener("submit", startSession);
  $("session-form").elements.preset.addEventListener("change", describePreset);
}
