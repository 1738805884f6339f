// Talking to the gateway: the token kept in this browser, JSON calls, problems shown.
const TOKEN_KEY = "petstore-console-token";

export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("token");
  if (token) {
    setToken(token);
    history.replaceState(null, "", location.pathname + location.search);
  }
}

export const getToken = () => localStorage.getItem(TOKEN_KEY) || "";
export const setToken = (token) => localStorage.setItem(TOKEN_KEY, token.trim());
export const forgetToken = () => localStorage.removeItem(TOKEN_KEY);

export function claims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part));
  } catch {
    return null;
  }
}

export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${getToken()}`, Accept: "application/json" };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const text = await response.text();
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = { detail: `The gateway answered ${response.status} with a body that is not JSON.` };
  }
  if (!response.ok) throw new ProblemError(response.status, payload || {});
  return payload;
}

const banner = () => document.getElementById("banner");

export function showProblem(error) {
  const detail = error instanceof ProblemError ? error.message : String(error);
  banner().textContent = detail;
  banner().hidden = false;
  if (error instanceof ProblemError && error.status === 401) {
    document.dispatchEvent(new CustomEvent("console:unauthorized", { detail }));
  }
}

export function clearBanner() {
  banner().hidden = true;
  banner().textContent = "";
}

// Puts each errors[] entry next to the element with data-error-for="<field>" in `scope`.
export function showFieldErrors(scope, error) {
  for (const el of scope.querySelectorAll("[data-error-for]")) el.textContent = "";
  const errors = (error instanceof ProblemError && error.problem.errors) || [];
  const unplaced = [];
  for (const { field, message } of errors) {
    const el = scope.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (el) el.textContent = message;
    else unplaced.push(`${field}: ${message}`);
  }
  return unplaced;
}

export function statusClass(status) {
  return `s${Math.floor(status / 100)}xx`;
}

export function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}
