"""The rate limiter's safety property, checked on the running suite: two more gateway
processes sharing the bench's Redis, limit 100; 200 parallel requests of one subject split
between them must be admitted exactly 100 times, and one client through one gateway gets its
first 429 on request 101."""

import asyncio
import secrets
import sys
from collections import Counter
from typing import Any

import aiohttp

from bench.procs import Child, Children
from bench.suite import StartError, start_service
from petstore_cli.embedded import free_port
from service_kit.auth import mint_token

LIMIT = 100


async def _start(
    http: aiohttp.ClientSession, children: Children, name: str, env: dict[str, str]
) -> tuple[Child, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = env | {"GATEWAY_PORT": str(port), "GATEWAY_METRICS_PORT": str(free_port())}
    child = await start_service(
        http, children, name, "gateway", env, f"{url}/healthz", sys.executable
    )
    return child, url


async def check_replicas(
    http: aiohttp.ClientSession, children: Children, env: dict[str, str], secret: str, path: str
) -> dict[str, Any]:
    """Admissions of 200 parallel requests through two replicas, and where a lone client's
    first 429 falls; ``env`` is the gateways' environment (Redis, the pets service)."""
    env = env | {"RATE_LIMIT": str(LIMIT), "RATE_LIMIT_WINDOW_SECONDS": "3600"}
    started: list[Child] = []
    try:
        for name in ("replica-a", "replica-b"):
            child, url = await _start(http, children, name, env)
            started.append(child)
            if name == "replica-a":
                first = url
            else:
                second = url
    except StartError as exc:
        for child in started:
            children.stop(child)
        return {"measured": False, "why": str(exc)}
    try:
        return await _measure(http, (first, second), secret, path)
    finally:
        for child in started:
            children.stop(child)


async def _measure(
    http: aiohttp.ClientSession, urls: tuple[str, str], secret: str, path: str
) -> dict[str, Any]:
    def bearer(sub: str) -> dict[str, str]:
        token = mint_token(secret, sub=sub, scopes=["read:pets"], ttl=3600)
        return {"Authorization": f"Bearer {token}"}

    async def get(url: str, headers: dict[str, str]) -> int:
        async with http.get(url + path, headers=headers) as resp:
            await resp.read()
            return resp.status

    shared = bearer("exact-" + secrets.token_hex(8))
    statuses = await asyncio.gather(*(get(urls[i % 2], shared) for i in range(2 * LIMIT)))
    counts = Counter(statuses)
    lone = bearer("lone-" + secrets.token_hex(8))
    first_429 = None
    for n in range(1, LIMIT + 3):
        if await get(urls[0], lone) == 429:
            first_429 = n
            break
    return {
        "measured": True,
        "limit": LIMIT,
        "parallel": 2 * LIMIT,
        "admitted": counts.get(200, 0),
        "limited": counts.get(429, 0),
        "other": sum(v for k, v in counts.items() if k not in (200, 429)),
        "first_429": first_429,
    }
