"""What tracing and the access log cost the gateway per request, measured in-process.

``python -m bench.tracing_cost``: a gateway app (real Redis for its rate limiter, an
in-process upstream) answers sequential GET /v1/pets/{id} in four set-ups, each started
afresh, rounds interleaved: everything off (LOG_LEVEL=WARNING, no endpoint), the access
log at INFO (JSON lines to /dev/null), tracing on (the SDK batching spans to an OTLP/HTTP
receiver in the same process, so its export CPU counts), and both. It prints the process
CPU time and the wall time per request (medians over the rounds); client and upstream are
the same in every set-up, so the differences are the cost.
"""

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from gateway.app import create_app
from gateway.settings import Settings
from petstore_cli.embedded import free_port, redis_server, running
from service_kit import otel
from service_kit.logs import setup_logging
from service_kit.tokens import mint_token

SECRET = "bench-secret-for-the-tracing-cost-0123456789"
SETUPS = ("off", "access log", "tracing", "both")


async def _pet(request: web.Request) -> web.Response:
    return web.json_response({"id": request.match_info["id"], "name": "Rex", "version": 1})


async def _receive(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(body=b"", content_type="application/x-protobuf")


async def _start(app: web.Application) -> TestServer:
    server = TestServer(app)
    await server.start_server()
    return server


async def measure(setup: str, redis_url: str, upstream: str, requests: int) -> tuple[float, float]:
    """(CPU µs, wall µs) per request in ``setup``."""
    logging.getLogger().setLevel(logging.INFO if setup in ("access log", "both") else "WARNING")
    settings = Settings(
        redis_url=redis_url,
        pets_service_url=upstream,
        jwt_secret=SECRET,
        metrics_port=0,
        rate_limit=10**9,
    )
    server = await _start(create_app(settings))
    token = mint_token(SECRET, sub="bench", scopes=["read:pets"])
    url = str(server.make_url("/v1/pets/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"))
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):  # warm-up: connections, caches
                async with http.get(url, headers=headers) as reply:
                    await reply.read()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(requests):
                async with http.get(url, headers=headers) as reply:
                    assert reply.status == 200, reply.status
                    await reply.read()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        await server.close()
    return cpu / requests * 1e6, wall / requests * 1e6


async def main(rounds: int, requests: int) -> None:
    upstream_app = web.Application()
    upstream_app.router.add_get("/v1/pets/{id}", _pet)
    upstream = await _start(upstream_app)
    receiver_app = web.Application()
    receiver_app.router.add_post("/v1/traces", _receive)
    receiver = await _start(receiver_app)
    endpoint = str(receiver.make_url("")).rstrip("/")
    results: dict[str, list[tuple[float, float]]] = {setup: [] for setup in SETUPS}
    port = free_port()
    with running(redis_server(port)):
        for turn in range(rounds):
            for setup in SETUPS[turn % 4 :] + SETUPS[: turn % 4]:
                if setup in ("tracing", "both"):
                    otel.setup("gateway", endpoint, {})
                got = await measure(
                    setup, f"redis://127.0.0.1:{port}/0", str(upstream.make_url("")), requests
                )
                # Not on the loop: the flush exports to the receiver this loop serves.
                await asyncio.to_thread(otel.shutdown)
                results[setup].append(got)
    await upstream.close()
    await receiver.close()
    base_cpu = statistics.median(cpu for cpu, _ in results["off"])
    print(f"{'set-up':<12} {'CPU µs/req':>11} {'vs off':>8} {'wall µs/req':>12}")
    for setup in SETUPS:
        cpu = statistics.median(c for c, _ in results[setup])
        wall = statistics.median(w for _, w in results[setup])
        print(f"{setup:<12} {cpu:>11.0f} {cpu - base_cpu:>+8.0f} {wall:>12.0f}")
    per_check = _check_cost()
    print(f"one `if otel.enabled:` check when off: {per_check:.0f} ns")


def _check_cost(n: int = 2_000_000) -> float:
    started = time.perf_counter()
    for _ in range(n):
        if otel.enabled:
            pass
    return (time.perf_counter() - started) / n * 1e9


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    # The access log's JSON lines go where a real one would cost the same: a file (/dev/null).
    terminal, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115
    setup_logging("gateway", "WARNING", "json")
    sys.stderr = terminal
    asyncio.run(main(args.rounds, args.requests))
