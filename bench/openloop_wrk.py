"""The open-loop load on wrk (bench/openloop.lua): the same schedule and result as
`python -m bench.openloop`, at a fraction of its CPU per request.

At twice the gateway's capacity the Python generator took most of a core on this
two-core machine (~40 µs per request), CPU the servers then lacked; wrk's C and LuaJIT take
a few µs. The script matches each answer to its slot by the X-Request-ID the gateway
answers with, so this generator measures the gateway (or any server that echoes that
header) only.
"""

import asyncio
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.load import lua_string

TEMPLATE = Path(__file__).with_name("openloop.lua")
WRK_MARK = "BENCH-OPENLOOP-WRK "
DRAIN_S = 5  # wrk runs this long past the last slot, so the slowest answers still count


def render(path: str, headers: Mapping[str, str], *, rate: float, slots: int) -> str:
    table = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    return (
        TEMPLATE.read_text(encoding="utf-8")
        .replace("@RATE@", repr(float(rate)))
        .replace("@SLOTS@", str(slots))
        .replace('"@PATH@"', lua_string(path))
        .replace("@HEADERS@", table + "}")
    )


def percentile_ms(buckets: Mapping[int, int], q: float) -> float | None:
    """The q-quantile of bucketed latencies (20 µs below 20 ms, then 1 ms), in ms."""
    total = sum(buckets.values())
    if total == 0:
        return None
    rank = min(total - 1, int(q * total))
    seen = 0
    for bucket in sorted(buckets):
        seen += buckets[bucket]
        if seen > rank:
            return bucket * 0.02 if bucket < 1000 else float(bucket - 1000)
    raise AssertionError("unreachable")


def summarize(
    raw: dict[str, Any], *, rate: float, duration: float, seconds: float
) -> dict[str, Any]:
    """The Python generator's result document, from the script's buckets."""
    by_status: dict[str, dict[int, int]] = {}
    for key, n in raw["buckets"].items():  # status * 100000 + bucket
        status, bucket = divmod(int(key), 100_000)
        cells = by_status.setdefault(str(status), {})
        cells[bucket] = cells.get(bucket, 0) + int(n)
    counts = {status: sum(cells.values()) for status, cells in sorted(by_status.items())}
    answered = sum(counts.values()) + int(raw["unmatched"])
    ok, shed = by_status.get("200", {}), by_status.get("503", {})
    return {
        "generator": "wrk",
        "rate": rate,
        "duration_s": duration,
        "sent": int(raw["sent"]),
        "seconds": seconds,
        "by_status": counts,
        "unanswered": max(0, int(raw["sent"]) - answered),
        "errors": int(raw["errors"]),
        "unmatched": int(raw["unmatched"]),
        "ok_per_s": counts.get("200", 0) / duration,
        "ok_p50_ms": percentile_ms(ok, 0.50),
        "ok_p99_ms": percentile_ms(ok, 0.99),
        "shed_p50_ms": percentile_ms(shed, 0.50),
        "shed_p99_ms": percentile_ms(shed, 0.99),
    }


async def wrk_open_loop(
    wrk: str,
    url: str,
    headers: Mapping[str, str],
    script: Path,
    *,
    rate: float,
    duration: float,
    connections: int,
) -> dict[str, Any]:
    parts = urlsplit(url)
    slots = int(rate * duration)
    text = render(parts.path or "/", headers, rate=rate, slots=slots)
    await asyncio.to_thread(script.write_text, text, "utf-8")
    base = f"{parts.scheme}://{parts.netloc}"
    run_for = int(duration + DRAIN_S + 1)
    argv = [wrk, "-t1", f"-c{connections}", f"-d{run_for}s", "--timeout", "10s"]
    argv += ["-s", str(script), base]
    loop = asyncio.get_running_loop()
    started = loop.time()
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with asyncio.timeout(run_for + 30):
            out, _ = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    printed = out.decode("utf-8", "replace")
    for line in reversed(printed.splitlines()):
        if line.startswith(WRK_MARK):
            raw = json.loads(line[len(WRK_MARK) :])
            return summarize(raw, rate=rate, duration=duration, seconds=loop.time() - started)
    last = printed.strip().splitlines()[-1:] or [f"no output (exit {proc.returncode})"]
    raise ValueError("wrk's open-loop script printed no result: " + last[0][:200])
