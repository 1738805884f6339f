-- An open-loop load for wrk (bench/openloop_wrk.py renders the @...@ values): request i is
-- due at start + i / rate whatever the answers do, and its latency is counted from that
-- intended send time (no coordinated omission). Each connection asks delay() before each
-- request: the wait until the next slot (0 when the slot has passed: the request waited
-- for a free connection, on the clock). The slot's time goes out in X-Request-ID, which
-- the gateway answers with, so each answer is matched with its own slot.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } openloop_timespec;
int clock_gettime(int clock, openloop_timespec *now);
]]
local clock = ffi.new("openloop_timespec[1]")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock[0].tv_sec) * 1000000 + tonumber(clock[0].tv_nsec) / 1000
end

local interval_us = 1000000 / @RATE@
local slots = @SLOTS@
local path = "@PATH@"
local headers = @HEADERS@
local start = nil
local claimed = 0 -- slots handed out by delay()
local due = {} -- their times, in order, for request() to take
local first, last = 1, 0
counts = {} -- status * 100000 + latency bucket -> answers; read by done() (one level:
-- wrk's thread:get cannot copy nested tables)
sent = 0
unmatched = 0

function delay()
  if start == nil then
    start = now_us() + 200000 -- every connection is open before the first slot
  end
  if claimed >= slots then
    return 3600000 -- the run is over: no more requests on this connection
  end
  local at = start + claimed * interval_us
  claimed = claimed + 1
  last = last + 1
  due[last] = at
  local wait = (at - now_us()) / 1000
  if wait <= 0 then
    return 0
  end
  return math.ceil(wait) -- whole milliseconds (wrk's timers): never before the slot
end

function request()
  local at = due[first]
  if at == nil then -- wrk's own check of the script, before the run: not a request sent
    at = now_us()
  else
    due[first] = nil
    first = first + 1
    sent = sent + 1
  end
  headers["X-Request-ID"] = string.format("ol-%.0f", at)
  return wrk.format("GET", path, headers)
end

-- 20 µs buckets below 20 ms, 1 ms buckets above (key 1000 + milliseconds)
function response(status, answer, body)
  local id = answer["X-Request-ID"]
  if id == nil or id:sub(1, 3) ~= "ol-" then
    unmatched = unmatched + 1
    return
  end
  local latency = math.max(0, now_us() - tonumber(id:sub(4)))
  local bucket
  if latency < 20000 then
    bucket = math.floor(latency / 20)
  else
    bucket = 1000 + math.floor(latency / 1000)
  end
  local key = status * 100000 + bucket
  counts[key] = (counts[key] or 0) + 1
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local parts = {}
  local total_sent, total_unmatched = 0, 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_unmatched = total_unmatched + thread:get("unmatched")
    for key, n in pairs(thread:get("counts")) do
      table.insert(parts, string.format('"%d":%d', key, n))
    end
  end
  io.write(string.format(
    'BENCH-OPENLOOP-WRK {"sent":%d,"unmatched":%d,"errors":%d,"buckets":{%s}}\n',
    total_sent, total_unmatched,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
