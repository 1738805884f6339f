// The two stubs' global faults: every mode with its parameters, set and cleared.
import { api, clearBanner, showFieldErrors, showProblem } from "./api.js";

let schema = null;

function paramInputs(form, mode) {
  for (const label of form.querySelectorAll("[data-param]")) {
    const modes = schema.params[label.dataset.param].modes;
    label.hidden = !modes.includes(mode);
  }
}

function describe(state) {
  if (!state) return "unreachable";
  const { fault, counters } = state;
  const params = Object.entries(fault).filter(([k, v]) => k !== "mode" && v !== null).map(([k, v]) => `${k}=${v}`);
  const mode = params.length ? `${fault.mode} (${params.join(", ")})` : fault.mode;
  return `${mode} · ${counters.requests} requests, ${counters.faults} faults injected` +
    (state.remaining != null ? `, ${state.remaining} to go` : "");
}

function card(item) {
  const article = document.createElement("article");
  article.className = "upstream";
  article.dataset.name = item.name;
  article.innerHTML = `<h3></h3><p class="state current"></p>
    <form class="grid" novalidate><label>Mode <select name="mode"></select>
    <span class="field-error" data-error-for="mode"></span></label>
    <ul class="field-errors wide" role="alert"></ul>
    <div class="buttons wide"><button type="submit">Set fault</button>
    <button type="button" class="secondary clear">Clear</button></div></form>`;
  article.querySelector("h3").textContent = item.name;
  const form = article.querySelector("form");
  const select = form.elements.mode;
  for (const mode of schema.modes) select.add(new Option(mode, mode));
  const buttons = form.querySelector(".buttons");
  for (const [name, param] of Object.entries(schema.params)) {
    const label = document.createElement("label");
    label.dataset.param = name;
    label.append(name + " ");
    const input = document.createElement("input");
    input.name = name;
    input.type = "number";
    input.step = param.integer ? "1" : "any";
    input.min = String(param.minimum);
    input.max = String(param.maximum);
    input.placeholder = param.nullable ? "none" : "default";
    const error = document.createElement("span");
    error.className = "field-error";
    error.dataset.errorFor = name;
    label.append(input, error);
    form.insertBefore(label, buttons);
  }
  select.addEventListener("change", () => paramInputs(form, select.value));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    setFault(article, form);
  });
  form.querySelector(".clear").addEventListener("click", () => clearFault(article));
  render(article, item.state);
  return article;
}

function render(article, state) {
  article.querySelector(".current").textContent = describe(state);
  const select = article.querySelector("select[name=mode]");
  if (state && document.activeElement?.form !== select.form) {
    select.value = state.fault.mode;
    paramInputs(select.form, select.value);
  }
}

async function setFault(article, form) {
  const spec = { mode: form.elements.mode.value };
  for (const [name] of Object.entries(schema.params)) {
    const input = form.elements[name];
    if (!input.closest("label").hidden && input.value !== "") spec[name] = Number(input.value);
  }
  const list = form.querySelector(".field-errors");
  list.replaceChildren();
  try {
    const state = await api("PUT", `/admin/upstreams/${article.dataset.name}/faults`, spec);
    showFieldErrors(form, null);
    clearBanner();
    render(article, state);
  } catch (error) {
    for (const text of showFieldErrors(form, error)) list.append(Object.assign(document.createElement("li"), { textContent: text }));
    if (!error.problem?.errors) showProblem(error);
  }
}

async function clearFault(article) {
  try {
    const healthy = { mode: "healthy" };
    render(article, await api("PUT", `/admin/upstreams/${article.dataset.name}/faults`, healthy));
    clearBanner();
  } catch (error) {
    showProblem(error);
  }
}

export async function loadUpstreams() {
  const answer = await api("GET", "/admin/upstreams");
  const list = document.getElementById("upstream-list");
  if (!schema) {
    schema = answer.faultModes;
    list.replaceChildren(...answer.items.map(card));
    return;
  }
  for (const item of answer.items) {
    const article = list.querySelector(`[data-name="${item.name}"]`);
    if (article) render(article, item.state);
  }
}
