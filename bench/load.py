"""One load run: its command (wrk, or the Python fallback) and the parsing of its result."""

import asyncio
import json
import re
import resource
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

RESULT_MARK = "BENCH-RESULT "
# The folder holding the bench package: `python -m bench.loadgen` runs from there.
ROOT = str(Path(__file__).resolve().parent.parent)

# wrk calls done() once at the end; its latency percentiles are in microseconds.
LUA_TEMPLATE = """-- written by bench/load.py for one wrk run
wrk.method = "GET"
{headers}
{rotate}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{mark}{{"requests": %d, "duration_us": %d, "errors": {{"connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d}}, "latency_us": {{"p50": %d, "p90": %d, '
    .. '"p99": %d, "max": %d, "mean": %.1f}}}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


class ParseError(ValueError):
    """The load generator's output holds no result."""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    duration_s: float
    errors: int  # error statuses (>= 400) plus socket errors and timeouts
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0


def lua_string(value: str) -> str:
    """A Lua string literal for ``value`` (quotes, backslashes and control bytes escaped)."""
    out = []
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"\\{ord(char):03d}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# Each request takes the next of many Authorization values (distinct token subjects).
ROTATE_TEMPLATE = """local authorizations = {{
{values}
}}
local count, at = #authorizations, 0
request = function()
  at = at % count + 1
  wrk.headers["Authorization"] = authorizations[at]
  return wrk.format()
end"""


def render_lua(headers: Mapping[str, str], rotate: Sequence[str] = ()) -> str:
    """The wrk script: fixed ``headers``, and ``rotate``'s Authorization values in turn."""
    lines = [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()]
    turn = ""
    if rotate:
        turn = ROTATE_TEMPLATE.format(values=",\n".join(f"  {lua_string(v)}" for v in rotate))
    return LUA_TEMPLATE.format(headers="\n".join(lines), rotate=turn, mark=RESULT_MARK)


def wrk_command(
    wrk: str, url: str, *, connections: int, duration_s: float, script: Path
) -> list[str]:
    return [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration_s))}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        str(script),
        url,
    ]


def python_command(
    url: str, headers: Mapping[str, str], *, connections: int, duration_s: float
) -> list[str]:
    argv = [sys.executable, "-m", "bench.loadgen", url, "-c", str(connections)]
    argv += ["-d", str(duration_s)]
    for key, value in headers.items():
        argv += ["-H", f"{key}: {value}"]
    return argv


def result_from_json(data: Mapping[str, object]) -> LoadResult:
    errors = data["errors"]
    latency = data["latency_us"]
    if not isinstance(errors, Mapping) or not isinstance(latency, Mapping):
        raise ParseError("errors and latency_us must be objects")
    return LoadResult(
        requests=int(str(data["requests"])),
        duration_s=int(str(data["duration_us"])) / 1e6,
        errors=sum(int(v) for v in errors.values()),
        p50_ms=float(latency["p50"]) / 1000,
        p90_ms=float(latency["p90"]) / 1000,
        p99_ms=float(latency["p99"]) / 1000,
        max_ms=float(latency["max"]) / 1000,
    )


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = r"([\d.]+)(us|ms|s|m|h)"


def _ms(number: str, unit: str) -> float:
    return float(number) * _UNITS_MS[unit]


def result_from_text(text: str) -> LoadResult:
    """wrk's own --latency report, for a run whose script printed nothing."""
    found = re.search(r"(\d+) requests in " + _TIME, text)
    if found is None:
        raise ParseError("no 'N requests in T' line")
    requests, duration_ms = int(found.group(1)), _ms(found.group(2), found.group(3))
    pct = {int(p): _ms(n, u) for p, n, u in re.findall(r"^\s+(\d+)%\s+" + _TIME, text, re.M)}
    if 50 not in pct or 99 not in pct:
        raise ParseError("no latency distribution (was wrk run with --latency?)")
    top = re.search(r"^\s+Latency\s+\S+\s+\S+\s+" + _TIME, text, re.M)
    errors = 0
    sockets = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    statuses = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if statuses:
        errors += int(statuses.group(1))
    return LoadResult(
        requests=requests,
        duration_s=duration_ms / 1000,
        errors=errors,
        p50_ms=pct[50],
        p90_ms=pct.get(90, pct[99]),
        p99_ms=pct[99],
        max_ms=_ms(top.group(1), top.group(2)) if top else pct[99],
    )


def parse_output(text: str) -> LoadResult:
    """The result line the script (or the Python generator) printed, else wrk's own report."""
    for line in reversed(text.splitlines()):
        if line.startswith(RESULT_MARK):
            try:
                data = json.loads(line[len(RESULT_MARK) :])
            except json.JSONDecodeError as exc:
                raise ParseError(f"bad result line: {exc}") from None
            if not isinstance(data, dict):
                raise ParseError("the result line is not an object")
            try:
                return result_from_json(data)
            except (KeyError, TypeError, ValueError) as exc:
                raise ParseError(f"bad result line: {exc!r}") from None
    return result_from_text(text)


async def run_load(argv: list[str], limit_s: float) -> tuple[LoadResult, float]:
    """One run of the load generator: its result, and the CPU seconds it used itself."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), limit_s)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    # The generator is the only child that ends during the run, so the children's
    # accumulated CPU time grows by exactly its share.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return parse_output(out.decode("utf-8", "replace")), cpu
