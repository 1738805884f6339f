"""`python -m bench` (what `make bench` runs): measure, print the tables, write bench-results/."""

import argparse
import asyncio
import contextlib
import datetime
import os
import platform
import signal
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench import chart, output
from bench.parts import Options
from bench.procs import Children
from bench.report import ratios, summarize
from bench.run import Bench
from bench.tools import Tools, find_tools, version_of
from bench.verdicts import exactness_rows, overload_rows, overload_text, pipeline_rows


def say(text: str) -> None:
    print(text, flush=True)


def parse_args(argv: list[str] | None) -> tuple[Options, bool]:
    d = Options()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--duration", type=float, default=d.duration, help="seconds per run")
    parser.add_argument(
        "--single-duration", type=float, default=d.single_duration, help="seconds per -c1 run"
    )
    parser.add_argument("--rounds", type=int, default=d.rounds, help="interleaved rounds")
    parser.add_argument("--connections", type=int, default=d.connections)
    parser.add_argument("--warmup", type=float, default=d.warmup, help="seconds per target")
    parser.add_argument(
        "--budget", type=float, default=d.budget, help="most seconds of load in all"
    )
    parser.add_argument("--out", type=Path, default=d.out_dir, help="results folder")
    parser.add_argument(
        "--log-level",
        default=d.log_level,
        help="LOG_LEVEL of the services (INFO: with their access log)",
    )
    parser.add_argument(
        "--python-loadgen", action="store_true", help="use the Python load generator, not wrk"
    )
    parser.add_argument("--no-pipeline", action="store_true", help="skip the 202 pipeline")
    parser.add_argument(
        "--record-delay-ms",
        type=int,
        default=d.record_delay_ms,
        help="RECORD_PROCESSING_DELAY_MS of the records worker (simulated work)",
    )
    parser.add_argument("--burst-records", type=int, default=d.burst_records)
    parser.add_argument(
        "--no-install", action="store_true", help="do not apt-get install nginx or wrk"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 1 round of 2 s (figures are rough)"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.duration < 1 or args.connections < 1:
        parser.error("--rounds, --duration and --connections must be at least 1")
    quick = {"rounds": 1, "duration": 2.0, "single_duration": 1.0, "warmup": 0.5}
    options = Options(
        duration=args.duration,
        single_duration=args.single_duration,
        rounds=args.rounds,
        connections=args.connections,
        warmup=args.warmup,
        budget=args.budget,
        out_dir=args.out,
        log_level=args.log_level,
        python_loadgen=args.python_loadgen,
        pipeline=not args.no_pipeline,
        record_delay_ms=args.record_delay_ms,
        burst_records=args.burst_records,
    )
    if args.quick:
        options = Options(**{**options.__dict__, **quick, "burst_records": 200})
    return options, not args.no_install


def meta(
    options: Options, tools: Tools, loadgen: str, started: float, load: float
) -> dict[str, Any]:
    return {
        "started": datetime.datetime.fromtimestamp(started, datetime.UTC).isoformat(),
        "seconds": round(time.time() - started, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "kernel": platform.release(),
            "python": platform.python_version(),
            "loadavg_at_start": load,
        },
        "loadgen": loadgen,
        "wrk": version_of([tools.wrk, "-v"]) if tools.wrk else None,
        "nginx": version_of([tools.nginx, "-v"]) if tools.nginx else None,
        "tools": list(tools.notes),
        "path": "GET /v1/pets/{id}",
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in options.__dict__.items()},
    }


async def measure(bench: Bench) -> None:
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        await bench.start_all(http)
        await bench.preflight(http)
        await bench.measure()
        await bench.measure_overload()
        await bench.check_exactness(http)
        await bench.measure_pipeline(http)


def report(bench: Bench, tools: Tools, started: float, load: float) -> int:
    options = bench.options
    busy, single = options.connections, 1
    summaries = summarize(bench.samples)
    items = ratios(summaries, busy, single)
    items += overload_rows(bench.overload)
    items += exactness_rows(bench.exactness)
    items += pipeline_rows(bench.pipeline)
    title = (
        f"GET /v1/pets/{{id}}: {bench.loadgen} -t1 -c{busy}, {options.rounds} rounds x "
        f"{options.duration:.0f} s interleaved (medians), {os.cpu_count()} CPUs"
    )
    say("\n" + title + "\n")
    say(output.target_table(bench.targets, summaries, busy, single))
    say(
        "CPU µs/req: CPU time of the processes serving that path (bench.json: 'serving') per "
        "request; loadgen µs/req: the load generator's own;\nothers, cores: CPU that other "
        "processes on the machine used meanwhile (near 0 for a clean measurement).\n"
    )
    say(overload_text(bench.overload) + "\n")
    say(output.pipeline_text(bench.pipeline) + "\n")
    say(output.ratio_table(items))
    if bench.loadgen == "python":
        why = "--python-loadgen was given" if tools.wrk else "wrk could not be installed"
        bench.notes.insert(
            0,
            f"the Python load generator was used ({why}): absolute figures are lower, and it "
            "takes more CPU from the servers on this machine than wrk would",
        )
    for note in bench.notes:
        say(f"note: {note}")
    doc = output.document(
        meta(options, tools, bench.loadgen, started, load),
        bench.targets,
        summaries,
        items,
        bench.results(),
    )
    json_path = options.out_dir / "bench.json"
    output.write_json(json_path, doc)
    png_path = options.out_dir / "bench.png"
    no_chart = chart.draw(png_path, bench.targets, summaries, items, busy, title)
    tail = f" and {png_path}" if no_chart is None else f" (no chart: {no_chart})"
    say(f"\nwrote {json_path}{tail}")
    return 0 if summaries else 1


def main(argv: list[str] | None = None) -> int:
    options, install = parse_args(argv)
    started = time.time()
    load_now = os.getloadavg()[0]
    if load_now > 0.5:
        say(f"note: the machine is busy (load average {load_now:.2f}); figures will be noisy")
    tools = find_tools(say, install=install)
    for note in tools.notes:
        say(note)
    if tools.wrk is None or options.python_loadgen:
        say("load generator: the Python fallback (bench/loadgen.py), not wrk")
    children = Children(options.out_dir.resolve() / "logs")
    bench = Bench(options, tools, children, say)
    # SIGTERM and SIGHUP end the run like Ctrl-C does: through the finally below.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    try:
        asyncio.run(measure(bench))
    except KeyboardInterrupt:
        say("\ninterrupted: stopping everything ...")
        return 130
    finally:
        children.stop_all()
    return report(bench, tools, started, load_now)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
