// The live feed: the gateway's exchanges as server-sent events, read with fetch so the
// token travels in the Authorization header (EventSource cannot send one).
import { cell, getToken, showProblem, ProblemError, statusClass } from "./api.js";

const MAX_ROWS = 200;
const rows = () => document.getElementById("feed-rows");
const filter = () => document.getElementById("feed-filter");
const state = (text) => { document.getElementById("feed-state").textContent = text; };

function visible(exchange) {
  const wanted = filter().value;
  if (!wanted) return true;
  if (wanted === "-") return !exchange.session;
  return exchange.session === wanted;
}

function add(exchange) {
  const row = rows().insertRow(0);
  row.className = statusClass(exchange.status);
  row.dataset.session = exchange.session || "";
  row.hidden = !visible(exchange);
  cell(row, exchange.at.slice(11, 23));
  cell(row, exchange.method);
  cell(row, exchange.path, "path");
  cell(row, String(exchange.status), "status");
  cell(row, exchange.durationMs.toFixed(1));
  cell(row, exchange.fault || "");
  cell(row, exchange.session ? exchange.session.slice(0, 8) : "");
  row.feed = exchange;
  while (rows().rows.length > MAX_ROWS) rows().deleteRow(-1);
}

export function applyFilter() {
  for (const row of rows().rows) row.hidden = !visible(row.feed);
}

function dispatch(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  if (event === "exchange" && data.length) add(JSON.parse(data.join("\n")));
}

async function follow(signal) {
  const response = await fetch("/admin/events", {
    headers: { Authorization: `Bearer ${getToken()}`, Accept: "text/event-stream" },
    signal,
  });
  if (!response.ok) {
    let problem = {};
    try { problem = await response.json(); } catch { /* not JSON */ }
    throw new ProblemError(response.status, problem);
  }
  state("live");
  rows().replaceChildren();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      dispatch(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
}

let controller = null;

export async function startFeed() {
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  while (!signal.aborted) {
    try {
      await follow(signal);
      state("reconnecting…");
    } catch (error) {
      if (signal.aborted) return;
      state("disconnected");
      if (error instanceof ProblemError) {
        showProblem(error);
        if (error.status === 401 || error.status === 403) return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export function stopFeed() {
  controller?.abort();
}
