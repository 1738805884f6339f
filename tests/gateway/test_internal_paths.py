"""/readyz and /admin/* are rate-limited per client IP like unauthenticated /v1 traffic, and
/readyz's checks run at most once a second however often it is asked."""

import asyncio

from tests.gateway.fakes import READY_CALLS
from tests.gateway.support import GatewayFactory, Upstream


async def test_readyz_is_rate_limited_per_ip(make_gateway: GatewayFactory) -> None:
    gw = await make_gateway(rate_limit=3)
    statuses = [(await gw.get("/readyz")).status for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = await gw.get("/readyz")
    assert limited.headers["Retry-After"]
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.json()["status"] == 429


async def test_admin_is_rate_limited_per_ip(make_gateway: GatewayFactory, admin: str) -> None:
    gw = await make_gateway(rate_limit=2)
    first = await gw.get("/admin/maintenance", token=admin)
    assert first.status == 200
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert (await gw.get("/admin/maintenance")).status == 401  # counted all the same
    assert (await gw.get("/admin/maintenance", token=admin)).status == 429
    # The budget is the IP's: unauthenticated /v1 traffic from it is limited as well.
    assert (await gw.get("/v1/pets")).status == 429


async def test_readyz_checks_are_cached_for_a_second(
    make_gateway: GatewayFactory, fake_pets: Upstream
) -> None:
    gw = await make_gateway()
    calls = fake_pets.server.app[READY_CALLS]
    replies = await asyncio.gather(*(gw.get("/readyz") for _ in range(20)))
    assert {r.status for r in replies} == {200}
    for _ in range(10):
        assert (await gw.get("/readyz")).status == 200
    assert len(calls) == 1
    await asyncio.sleep(1.1)  # the cache's lifetime passing is what is tested
    assert (await gw.get("/readyz")).status == 200
    assert len(calls) == 2
