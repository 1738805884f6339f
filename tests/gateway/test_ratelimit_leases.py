"""The rate limiter's leases: budgets of hits leased from Redis, admitted locally, never more
than the limit in all, and shrinking near it (gateway.ratelimit)."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
import pytest
import redis.asyncio as aioredis
from prometheus_client import CollectorRegistry

from gateway import ratelimit
from gateway.metrics import GatewayMetrics
from gateway.ratelimit import RateLimiter
from gateway.resp import RespClient
from gateway.storage import Storage
from service_kit import redis_client as redis_client_module
from service_kit.auth import mint_token
from service_kit.settings import DEV_JWT_SECRET
from tests.gateway.support import GatewayFactory, Upstream
from tests.procs import service
from tests.support import TokenFactory


def sample(metrics: str, name: str) -> float:
    return next(
        float(line.split()[-1]) for line in metrics.splitlines() if line.startswith(name + " ")
    )


async def test_one_lease_serves_many_requests_and_counts_down_by_one(
    make_gateway: GatewayFactory, token: TokenFactory
) -> None:
    gw = await make_gateway(rate_limit=10_000, rate_limit_window_seconds=600)
    tok = token("read:pets", sub="frequent")
    replies = [await gw.get("/v1/pets", token=tok) for _ in range(40)]
    assert [r.status for r in replies] == [200] * 40
    remaining = [int(r.headers["X-RateLimit-Remaining"]) for r in replies]
    assert remaining == list(range(9_999, 9_959, -1))
    # 40 requests, one lease of 64 (the default RATE_LIMIT_LEASE): one Redis call.
    assert sample(await gw.metrics(), "gateway_rate_limit_leases_total") == 1.0


async def test_leases_shrink_near_the_limit_and_a_full_window_costs_no_call(
    make_gateway: GatewayFactory, token: TokenFactory, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    gw = await make_gateway(rate_limit=40, rate_limit_window_seconds=600)
    tok = token("read:pets", sub="thrifty")
    first = await gw.get("/v1/pets", token=tok)
    assert first.headers["X-RateLimit-Remaining"] == "39"
    # The first lease was an eighth of the window (5), not 64: that is all Redis counted.
    assert await redis_client.get(f"{key_prefix}gateway:ratelimit:sub:thrifty") == b"5"
    statuses = [(await gw.get("/v1/pets", token=tok)).status for _ in range(45)]
    assert statuses == [200] * 39 + [429] * 6
    assert await redis_client.get(f"{key_prefix}gateway:ratelimit:sub:thrifty") == b"40"
    leases = sample(await gw.metrics(), "gateway_rate_limit_leases_total")
    assert 8 < leases < 40  # fewer calls than requests, more than 40 / 5 (they shrank)
    for _ in range(5):
        assert (await gw.get("/v1/pets", token=tok)).status == 429
    assert sample(await gw.metrics(), "gateway_rate_limit_leases_total") == leases


async def test_lease_of_one_is_a_redis_call_per_request(
    make_gateway: GatewayFactory, token: TokenFactory
) -> None:
    gw = await make_gateway(rate_limit=10_000, rate_limit_lease=1)
    tok = token("read:pets", sub="uncached")
    for _ in range(10):
        assert (await gw.get("/v1/pets", token=tok)).status == 200
    assert sample(await gw.metrics(), "gateway_rate_limit_leases_total") == 10.0


@pytest.fixture
async def limiter(redis_url: str, key_prefix: str) -> AsyncIterator[RateLimiter]:
    """A limiter of 100 hits a minute on the test Redis, in this process."""
    client = redis_client_module.connect(redis_url, timeout=1.0, max_connections=2)
    fast = RespClient(redis_url, timeout=1.0)
    limiter = RateLimiter(
        Storage(client, fast, key_prefix),
        limit=100,
        window_seconds=60,
        fail_mode="closed",
        metrics=GatewayMetrics.create(CollectorRegistry()),
    )
    yield limiter
    await limiter.close()
    await fast.close()
    await client.aclose()


async def test_two_replicas_share_the_limit_and_a_lease_left_on_one_is_not_lost(
    redis_url: str, key_prefix: str, shared_pets: Upstream
) -> None:
    limit = 400  # a first lease of 50 (an eighth) on each replica
    env = {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        "PETS_SERVICE_URL": shared_pets.url,
        "RATE_LIMIT": str(limit),
        "RATE_LIMIT_WINDOW_SECONDS": "600",
        # 1,200 requests at once: none refused for want of a connection or a slot
        "MAX_IN_FLIGHT": "4000",
        "MAX_CONNECTIONS": "4000",
        "MAX_CONNECTIONS_PER_IP": "4000",
    }

    def auth(sub: str) -> dict[str, str]:
        token = mint_token(DEV_JWT_SECRET, sub=sub, scopes=["read:pets"])
        return {"Authorization": "Bearer " + token}

    async with service("gateway", env) as one, service("gateway", env) as two:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def get(base: str, headers: dict[str, str]) -> int:
                async with http.get(base + "/v1/pets/echo", headers=headers) as resp:
                    await resp.read()
                    return resp.status

            # Many parallel requests with large leases: never more than the limit in all.
            crowd = auth("crowd")
            statuses = await asyncio.gather(
                *(get((one if i % 3 else two).url, crowd) for i in range(3 * limit))
            )
            assert Counter(statuses) == {200: limit, 429: 2 * limit}
            # One request leases a budget on the first replica; the second replica then
            # admits the rest of the window, and the first one still admits its lease.
            split = auth("split")
            assert await get(one.url, split) == 200
            lease = limit // 8
            on_two = [await get(two.url, split) for _ in range(limit)]
            assert on_two == [200] * (limit - lease) + [429] * lease
            on_one = [await get(one.url, split) for _ in range(lease + 1)]
            assert on_one == [200] * (lease - 1) + [429] * 2


async def test_a_request_that_gives_up_does_not_cancel_the_others_lease(
    limiter: RateLimiter,
) -> None:
    checks = [asyncio.ensure_future(limiter.check("sub:impatient")) for _ in range(5)]
    await asyncio.sleep(0)
    checks[0].cancel()  # its request is gone while the lease call is out
    done = await asyncio.gather(*checks[1:])
    assert [d.allowed for d in done if d is not None] == [True] * 4
    # One lease of 12 (an eighth of 100) for the five: counted down from 99.
    assert sorted(d.remaining for d in done if d is not None) == [96, 97, 98, 99]
    assert checks[0].cancelled()


async def test_a_forgotten_lease_is_never_admitted(
    limiter: RateLimiter,
    key_prefix: str,
    redis_client: aioredis.Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past MAX_WINDOWS identities the oldest window is forgotten at once (no scan); its
    unused lease is lost to the client, never admitted twice."""
    monkeypatch.setattr(ratelimit, "MAX_WINDOWS", 2)
    key = f"{key_prefix}gateway:ratelimit:sub:forgotten"
    first = await limiter.check("sub:forgotten")
    assert first is not None
    assert first.remaining == 99
    assert await redis_client.get(key) == b"12"  # a lease of 12, 11 of them unused
    for other in ("sub:second", "sub:third"):
        await limiter.check(other)
    again = await limiter.check("sub:forgotten")  # its window was forgotten: a new lease
    assert again is not None
    assert await redis_client.get(key) == b"23"  # 12 + an eighth of the 88 left
    assert again.remaining == 100 - 23 + 10  # the 11 forgotten hits are not offered again
