"""The overload rows: the gateway under an open-loop load at half its measured capacity and
at twice it, with more connections than MAX_IN_FLIGHT admits. The load is wrk running
bench/openloop.lua (bench/openloop_wrk.py) when wrk is there, else bench/openloop.py."""

import asyncio
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.load import ROOT
from bench.openloop import MARK
from bench.openloop_wrk import wrk_open_loop

FACTORS = (("unloaded", 0.5), ("overload", 2.0))


async def open_loop(
    url: str, headers: Mapping[str, str], *, rate: float, duration: float, connections: int
) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.openloop", url, "--rate", f"{rate:.0f}"]
    argv += ["--duration", str(duration), "--connections", str(connections)]
    for key, value in headers.items():
        argv += ["-H", f"{key}: {value}"]
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), duration + 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    for line in reversed(out.decode("utf-8", "replace").splitlines()):
        if line.startswith(MARK):
            result: dict[str, Any] = json.loads(line[len(MARK) :])
            return result
    last = out.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
    raise ValueError("the open-loop generator printed no result: " + last[0][:200])


async def run_overload(
    url: str,
    headers: Mapping[str, str],
    *,
    capacity: float,
    duration: float,
    connections: int,
    wrk: str | None = None,
    script: Path | None = None,
) -> dict[str, Any]:
    """Both open-loop runs against ``url``; ``capacity`` is the gateway's -c50 req/s."""
    doc: dict[str, Any] = {
        "measured": True,
        "capacity": capacity,
        "connections": connections,
        "generator": "wrk" if wrk and script else "python",
    }
    for name, factor in FACTORS:
        rate = capacity * factor
        try:
            if wrk and script:
                doc[name] = await wrk_open_loop(
                    wrk, url, headers, script, rate=rate, duration=duration, connections=connections
                )
            else:
                doc[name] = await open_loop(
                    url, headers, rate=rate, duration=duration, connections=connections
                )
        except (ValueError, OSError, TimeoutError) as exc:
            return {"measured": False, "why": f"{name} run: {exc}"}
    return doc
