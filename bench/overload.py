"""The overload rows: the gateway under an open-loop load (bench/openloop.py) at half its
measured capacity and at twice it, with more connections than MAX_IN_FLIGHT admits."""

import asyncio
import json
import sys
from collections.abc import Mapping
from typing import Any

from bench.load import ROOT
from bench.openloop import MARK

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
) -> dict[str, Any]:
    """Both open-loop runs against ``url``; ``capacity`` is the gateway's -c50 req/s."""
    doc: dict[str, Any] = {"measured": True, "capacity": capacity, "connections": connections}
    for name, factor in FACTORS:
        try:
            doc[name] = await open_loop(
                url, headers, rate=capacity * factor, duration=duration, connections=connections
            )
        except (ValueError, OSError, TimeoutError) as exc:
            return {"measured": False, "why": f"{name} run: {exc}"}
    return doc
