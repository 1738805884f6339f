"""429 through the gateway: one token subject uses up the suite's whole quota, quickly."""

import asyncio
import time

from tests.e2e.client import Api, check_problem, rate_policy

CONCURRENCY = 32


async def test_quota_used_up_answers_429_with_when_to_come_back(api: Api) -> None:
    limit, window = rate_policy()
    # The cheapest request that still passes the limiter: a route that does not exist (404).
    path = "/v1/rate-limit-probe"
    remaining: list[int] = []
    queue = iter(range(limit))

    async def worker() -> None:
        for _ in queue:
            reply = await api.send("GET", path)
            assert reply.status == 404, reply
            remaining.append(int(reply.headers["X-RateLimit-Remaining"]))

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    assert sorted(remaining) == list(range(limit))  # each request counted exactly once

    reply = await api.send("GET", "/v1/pets")
    body = await check_problem(api, reply, status=429, slug="rate-limit-exceeded")
    now = time.time()
    assert reply.headers["X-RateLimit-Remaining"] == "0", reply
    reset = int(reply.headers["X-RateLimit-Reset"])
    retry_after = int(reply.headers["Retry-After"])
    assert 1 <= retry_after <= window + 1, reply  # + 1: both ends are rounded outwards
    assert now + retry_after >= reset, reply  # coming back after Retry-After is never early
    assert body["retryAfter"] == retry_after, body
    assert reply.headers["RateLimit"] == f'"default";r=0;t={retry_after}', reply

    # Another subject is not limited by this one's quota.
    another = {"Authorization": f"Bearer {api.token('read:pets', sub=api.sub + '-other')}"}
    other = await api.send("GET", "/v1/pets", auth="none", headers=another)
    assert other.status == 200, other
