"""The fallback load generator, for a machine without wrk: keep-alive GETs on N connections.

`python -m bench.loadgen URL -c 50 -d 10 -H "Authorization: Bearer ..."` prints one result
line in the same form as bench/load.py's wrk script. Being Python, it reaches fewer requests
per second than wrk and costs more CPU per request; the benchmark says so when it uses it.
"""

import argparse
import asyncio
import json
import time

import aiohttp

from bench.load import RESULT_MARK
from service_kit.runner import install_uvloop

REQUEST_TIMEOUT = 5.0


def percentile(sorted_values: list[float], pct: float) -> float:
    """The nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(pct / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


async def drive(url: str, headers: dict[str, str], connections: int, duration: float) -> str:
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    start = time.perf_counter()
    deadline = start + duration

    async def worker(session: aiohttp.ClientSession) -> None:
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            try:
                async with session.get(url, headers=headers) as resp:
                    await resp.read()
                    if resp.status >= 400:
                        errors["status"] += 1
            except TimeoutError:
                errors["timeout"] += 1
                continue
            except aiohttp.ClientConnectionError:
                errors["connect"] += 1
                await asyncio.sleep(0.01)
                continue
            except aiohttp.ClientError:
                errors["read"] += 1
                continue
            latencies.append(time.perf_counter() - sent)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(connections)))
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    result = {
        "requests": len(ordered),  # every answer, as wrk counts them; 4xx/5xx also in errors
        "duration_us": int(elapsed * 1e6),
        "errors": errors,
        "latency_us": {
            "p50": int(percentile(ordered, 50) * 1e6),
            "p90": int(percentile(ordered, 90) * 1e6),
            "p99": int(percentile(ordered, 99) * 1e6),
            "max": int((ordered[-1] if ordered else 0.0) * 1e6),
            "mean": round(sum(ordered) / len(ordered) * 1e6, 1) if ordered else 0.0,
        },
    }
    return RESULT_MARK + json.dumps(result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen")
    parser.add_argument("url")
    parser.add_argument("-c", "--connections", type=int, default=50)
    parser.add_argument("-d", "--duration", type=float, default=10.0, help="seconds")
    parser.add_argument("-H", "--header", action="append", default=[], help="'Name: value'")
    args = parser.parse_args(argv)
    headers = {}
    for item in args.header:
        name, sep, value = item.partition(":")
        if not sep:
            parser.error(f"a header is 'Name: value', got {item!r}")
        headers[name.strip()] = value.strip()
    install_uvloop()
    print(asyncio.run(drive(args.url, headers, args.connections, args.duration)), flush=True)


if __name__ == "__main__":
    main()
