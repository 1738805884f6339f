"""`python -m bench.profile` (`make profile`): where the gateway's CPU goes on the proxy route.

Starts the suite as `make bench` does, loads the gateway with wrk (-c50, the bench's
thousands of token subjects) and samples the gateway process with py-spy meanwhile: a flame
graph (bench-results/gateway-flame.svg) and the functions with the most samples, by their
own time and with what they call, printed.
"""

import asyncio
import collections
import re
import shutil
import sys
from pathlib import Path

import aiohttp

from bench.load import render_lua, run_load, wrk_command
from bench.parts import Options
from bench.procs import Children
from bench.run import Bench
from bench.tools import find_tools

SECONDS = 15
TITLE = re.compile(r'(<text id="title"[^>]*>)[^<]*(</text>)')


def retitle(svg: Path, title: str) -> None:
    """Give the flame graph a title of its own: py-spy's is its command line, with this
    machine's paths in it."""
    text = svg.read_text(encoding="utf-8")
    svg.write_text(TITLE.sub(lambda m: m.group(1) + title + m.group(2), text, count=1), "utf-8")


def top(raw: Path, count: int = 25) -> str:
    """The functions with the most samples in py-spy's collapsed stacks (own and total)."""
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, n = line.rpartition(" ")
        frames = [
            f.split(" (")[0] + " " + f.rsplit("/", 1)[-1].rstrip(")") for f in stack.split(";")
        ]
        hits = int(n)
        samples += hits
        own[frames[-1]] += hits
        for frame in set(frames):
            total[frame] += hits
    lines = [f"{samples} samples; own time:"]
    lines += [f"  {100 * n / samples:5.1f} %  {f}" for f, n in own.most_common(count)]
    lines += ["with callees:"]
    lines += [f"  {100 * n / samples:5.1f} %  {f}" for f, n in total.most_common(count)]
    return "\n".join(lines)


async def profile(bench: Bench, out: Path) -> None:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        await bench.start_all(http)
        await bench.preflight(http)
    gateway = bench.targets["gateway"]
    if not gateway.ready or bench.tools.wrk is None:
        raise SystemExit(f"cannot profile: {gateway.missing or 'wrk is missing'}")
    bench.script.write_text(render_lua(bench.headers, bench.authorizations), encoding="utf-8")
    pid = str(bench.procs["gateway"].pid)
    for fmt, path in (
        ("flamegraph", out / "gateway-flame.svg"),
        ("raw", out / "gateway-stacks.txt"),
    ):
        wrk = wrk_command(
            bench.tools.wrk,
            gateway.url,
            connections=50,
            duration_s=SECONDS + 2,
            script=bench.script,
        )
        load = asyncio.create_task(run_load(wrk, SECONDS + 20))
        await asyncio.sleep(1)
        spy = await asyncio.create_subprocess_exec(
            py_spy, "record", "--pid", pid, "--duration", str(SECONDS), "--rate", "250",
            "--format", fmt, "--output", str(path), "--nonblocking",
            stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await spy.wait()
        if fmt == "flamegraph" and path.exists():
            retitle(path, f"gateway CPU: GET /v1/pets/{{id}}, wrk -c50, {SECONDS} s (make profile)")
        result, _ = await load
        print(f"{fmt}: {path} ({result.rps:.0f} req/s meanwhile)")
    print(top(out / "gateway-stacks.txt"))


def main() -> None:
    options = Options(pipeline=False)
    out = options.out_dir.resolve()
    tools = find_tools(print, install=True)
    children = Children(out / "logs")
    bench = Bench(options, tools, children, print)
    try:
        asyncio.run(profile(bench, out))
    finally:
        children.stop_all()


if __name__ == "__main__":
    main()
