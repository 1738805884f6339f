"""Rate limiting on Redis: headers, 429, exact counts under concurrency, Redis outages."""

import asyncio
import time

import pytest
import redis.asyncio as aioredis

from petstore_cli.embedded import Server
from tests.gateway.support import BASE, Client, GatewayFactory
from tests.support import TokenFactory, silent_server, wait_until

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


async def test_headers_on_every_v1_answer(
    make_gateway: GatewayFactory, token: TokenFactory
) -> None:
    gw = await make_gateway(rate_limit=5, rate_limit_window_seconds=60)
    tok = token("read:pets", sub="counted")
    first = await gw.get("/v1/pets", token=tok)
    second = await gw.get("/v1/nothing", token=tok)
    assert (first.status, second.status) == (200, 404)
    assert first.headers["X-RateLimit-Limit"] == "5"
    assert first.headers["X-RateLimit-Remaining"] == "4"
    assert second.headers["X-RateLimit-Remaining"] == "3"
    reset = int(first.headers["X-RateLimit-Reset"])
    assert time.time() + 55 <= reset <= time.time() + 62
    assert first.headers["RateLimit-Policy"] == '"default";q=5;w=60'
    assert second.headers["RateLimit"].startswith('"default";r=3;t=')


async def test_429_with_every_header(make_gateway: GatewayFactory, token: TokenFactory) -> None:
    gw = await make_gateway(rate_limit=2, rate_limit_window_seconds=30)
    tok = token("read:pets", sub="greedy")
    for _ in range(2):
        assert (await gw.get("/v1/pets", token=tok)).status == 200
    reply = await gw.get("/v1/pets", token=tok)
    assert reply.status == 429
    body = reply.json()
    assert body["type"] == BASE + "rate-limit-exceeded"
    assert reply.headers["X-RateLimit-Limit"] == "2"
    assert reply.headers["X-RateLimit-Remaining"] == "0"
    reset = int(reply.headers["X-RateLimit-Reset"])
    retry_after = int(reply.headers["Retry-After"])
    assert body["retryAfter"] == retry_after
    # Retrying after Retry-After is never before the window resets.
    assert time.time() + retry_after >= reset
    assert retry_after <= 31
    # Another subject has its own window.
    assert (await gw.get("/v1/pets", token=token("read:pets", sub="other"))).status == 200


async def test_switched_off_nothing_is_counted(
    make_gateway: GatewayFactory, token: TokenFactory, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    gw = await make_gateway(rate_limit=1, rate_limit_enabled=False)
    tok = token("read:pets", sub="unlimited")
    for _ in range(3):
        reply = await gw.get("/v1/pets", token=tok)
        assert reply.status == 200
        assert not any(name in reply.headers for name in (*RATE_HEADERS, "RateLimit"))
    assert (await gw.get("/v1/pets")).status == 401  # the rest of the gate stays
    assert [key async for key in redis_client.scan_iter(match=f"{key_prefix}*ratelimit*")] == []


async def test_window_resets(make_gateway: GatewayFactory, token: TokenFactory) -> None:
    gw = await make_gateway(rate_limit=1, rate_limit_window_seconds=1)
    tok = token("read:pets", sub="patient")
    assert (await gw.get("/v1/pets", token=tok)).status == 200
    limited = await gw.get("/v1/pets", token=tok)
    assert limited.status == 429
    await wait_until(
        lambda: gw.get("/v1/pets", token=tok),
        lambda reply: reply.status == 200,
        within=3,
        what="the window reset",
    )
    assert time.time() >= int(limited.headers["X-RateLimit-Reset"]) - 1


async def test_exact_under_concurrency(make_gateway: GatewayFactory, token: TokenFactory) -> None:
    gw = await make_gateway(rate_limit=100, rate_limit_window_seconds=60)
    tok = token("read:pets", sub="racer")
    replies = await asyncio.gather(*(gw.get("/v1/pets", token=tok) for _ in range(200)))
    statuses = [r.status for r in replies]
    assert statuses.count(200) == 100
    assert statuses.count(429) == 100
    remaining = sorted(int(r.headers["X-RateLimit-Remaining"]) for r in replies if r.status == 200)
    assert remaining == list(range(100))
    # They went to Redis in batches, not one round trip each.
    metrics = await gw.metrics()
    batches = next(
        float(line.split()[-1])
        for line in metrics.splitlines()
        if line.startswith("gateway_rate_limit_batch_size_count")
    )
    assert batches < 200


async def test_bad_tokens_are_limited_by_client_ip(
    make_gateway: GatewayFactory, token: TokenFactory
) -> None:
    gw = await make_gateway(rate_limit=3, rate_limit_window_seconds=60)
    statuses = [(await gw.get("/v1/pets", token=f"bad-{i}")).status for i in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    # A valid token is counted by its subject, not by the address.
    assert (await gw.get("/v1/pets", token=token("read:pets", sub="x"))).status == 200


async def test_forwarded_for_only_from_trusted_proxies(
    make_gateway: GatewayFactory,
) -> None:
    untrusted = await make_gateway(rate_limit=1, rate_limit_window_seconds=60)
    assert (
        await untrusted.get("/v1/pets", headers={"X-Forwarded-For": "198.51.100.1"})
    ).status == 401
    # Spoofing another address does not buy a fresh window.
    assert (
        await untrusted.get("/v1/pets", headers={"X-Forwarded-For": "198.51.100.2"})
    ).status == 429
    trusted = await make_gateway(
        rate_limit=1, rate_limit_window_seconds=60, trusted_proxies=("127.0.0.0/8", "10.0.0.0/8")
    )
    for client in ("198.51.100.3", "198.51.100.4"):
        reply = await trusted.get("/v1/pets", headers={"X-Forwarded-For": f"{client}, 10.0.0.1"})
        assert reply.status == 401, client


async def test_script_reloaded_after_flush(
    gw: Client, rw: str, redis_client: aioredis.Redis
) -> None:
    assert (await gw.get("/v1/pets", token=rw)).status == 200
    await redis_client.script_flush()
    reply = await gw.get("/v1/pets", token=rw)
    assert reply.status == 200
    assert reply.headers["X-RateLimit-Remaining"] == "998"


@pytest.fixture
def own_redis_url(own_redis: Server) -> str:
    return f"redis://127.0.0.1:{own_redis.port}/0"


async def test_redis_down_fail_open(
    make_gateway: GatewayFactory, own_redis: Server, own_redis_url: str, token: TokenFactory
) -> None:
    gw = await make_gateway(redis_url=own_redis_url, rate_limit_fail_mode="open")
    leased = token("read:pets", sub="leased")
    first = await gw.get("/v1/pets", token=leased)
    assert first.status == 200
    own_redis.stop()
    # A budget leased before the outage is still counted, headers and all.
    during = await gw.get("/v1/pets", token=leased)
    assert during.status == 200
    assert int(during.headers["X-RateLimit-Remaining"]) == (
        int(first.headers["X-RateLimit-Remaining"]) - 1
    )
    # A subject without a lease is let through uncounted, without rate-limit headers.
    fresh = token("read:pets", sub="fresh")
    started = time.monotonic()
    reply = await gw.get("/v1/pets", token=fresh)
    assert reply.status == 200
    assert time.monotonic() - started < 1.0
    assert "X-RateLimit-Remaining" not in reply.headers
    metrics = await gw.metrics()
    assert 'gateway_rate_limit_decisions_total{decision="fail_open"} 1.0' in metrics
    own_redis.start()
    reply = await wait_until(
        lambda: gw.get("/v1/pets", token=fresh),
        lambda reply: "X-RateLimit-Remaining" in reply.headers,
        within=5,
        what="the limiter counting again",
    )
    assert reply.status == 200


async def test_redis_down_fail_closed(
    make_gateway: GatewayFactory, own_redis: Server, own_redis_url: str, rw: str
) -> None:
    gw = await make_gateway(redis_url=own_redis_url, rate_limit_fail_mode="closed")
    own_redis.stop()
    reply = await gw.get("/v1/pets", token=rw)
    assert reply.status == 503
    body = reply.json()
    assert body["type"] == BASE + "service-unavailable"
    assert int(reply.headers["Retry-After"]) == body["retryAfter"] > 0
    # Health stays up; readiness says Redis is unreachable.
    assert (await gw.get("/healthz")).status == 200
    ready = await gw.get("/readyz")
    assert ready.status == 503
    assert ready.json()["checks"]["redis"] == "unreachable"


@pytest.mark.parametrize(("mode", "status"), [("open", 200), ("closed", 503)])
async def test_hanging_redis_costs_at_most_the_timeout(
    make_gateway: GatewayFactory, rw: str, mode: str, status: int
) -> None:
    async with silent_server() as port:
        gw = await make_gateway(
            redis_url=f"redis://127.0.0.1:{port}/0", redis_timeout_ms=200, rate_limit_fail_mode=mode
        )
        started = time.monotonic()
        replies = await asyncio.gather(*(gw.get("/v1/pets", token=rw) for _ in range(5)))
        elapsed = time.monotonic() - started
        assert [r.status for r in replies] == [status] * 5
        assert elapsed < 0.6
