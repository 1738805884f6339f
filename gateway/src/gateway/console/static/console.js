// The console's start: the token, then each panel, then the timers that keep them current.
import { api, claims, clearBanner, forgetToken, getToken, ProblemError, setToken, showProblem, takeTokenFromFragment } from "./api.js";
import { applyFilter, startFeed, stopFeed } from "./feed.js";
import { loadPresets, loadSessions, refreshSelected, setupSessions } from "./sessions.js";
import { loadUpstreams } from "./upstreams.js";

const $ = (id) => document.getElementById(id);
const timers = [];

function askForToken(detail) {
  stopFeed();
  timers.splice(0).forEach(clearInterval);
  $("app").hidden = true;
  $("signout").hidden = true;
  $("who").textContent = "";
  $("login").hidden = false;
  $("login-error").textContent = detail || "";
}

async function loadMaintenance() {
  const state = await api("GET", "/admin/maintenance");
  const form = $("maintenance-form");
  $("maintenance-state").textContent = state.enabled
    ? `ON: every /v1 request answers 503, Retry-After ${state.retryAfter} s`
    : "off";
  if (!form.contains(document.activeElement)) {
    form.elements.enabled.checked = state.enabled;
    form.elements.retryAfter.value = state.retryAfter;
    form.elements.detail.value = state.detail || "";
  }
}

async function saveMaintenance(event) {
  event.preventDefault();
  const form = event.target;
  const body = { enabled: form.elements.enabled.checked, retryAfter: Number(form.elements.retryAfter.value) };
  if (form.elements.detail.value) body.detail = form.elements.detail.value;
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  try {
    await api("PUT", "/admin/maintenance", body);
    clearBanner();
    document.activeElement?.blur();
    await loadMaintenance();
  } catch (error) {
    for (const { field, message } of (error.problem?.errors || [])) {
      const el = form.querySelector(`[data-error-for="${field}"]`);
      if (el) el.textContent = message;
    }
    if (!error.problem?.errors) showProblem(error);
  }
}

async function start() {
  try {
    await loadMaintenance();  // also proves the token: an admin-only read
  } catch (error) {
    if (error instanceof ProblemError && (error.status === 401 || error.status === 403)) {
      askForToken(error.message);
      return;
    }
    showProblem(error);
  }
  const c = claims(getToken());
  $("who").textContent = c ? `${c.sub} · ${c.scope}` : "";
  $("login").hidden = true;
  $("app").hidden = false;
  $("signout").hidden = false;
  const quietly = (fn) => () => fn().catch(showProblem);
  await Promise.all([quietly(loadUpstreams)(), quietly(loadPresets)(), quietly(loadSessions)()]);
  startFeed();
  timers.push(setInterval(quietly(loadUpstreams), 2000));
  timers.push(setInterval(quietly(loadMaintenance), 5000));
  timers.push(setInterval(quietly(loadSessions), 5000));
  timers.push(setInterval(refreshSelected, 1000));
}

function init() {
  takeTokenFromFragment();
  setupSessions();
  $("maintenance-form").addEventListener("submit", saveMaintenance);
  $("feed-filter").addEventListener("change", applyFilter);
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setToken($("token-input").value);
    $("token-input").value = "";
    start();
  });
  $("signout").addEventListener("click", () => { forgetToken(); askForToken(""); });
  document.addEventListener("console:unauthorized", (event) => askForToken(event.detail));
  if (getToken()) start();
  else askForToken("");
}

init();
