"""Overload shedding: past MAX_IN_FLIGHT a /v1 request is answered 503 `overloaded` with
Retry-After at once, before the limiter and the upstream; the requests admitted are unaffected."""

import asyncio
import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from service_kit.auth import mint_token
from service_kit.settings import DEV_JWT_SECRET
from tests.gateway.support import BASE, GatewayFactory, Upstream
from tests.procs import service
from tests.support import TokenFactory, wait_until

HELD = web.AppKey("held", list[asyncio.Event])
RELEASE = web.AppKey("release", asyncio.Event)


async def _held(request: web.Request) -> web.Response:
    """Answers once the test releases it; counts the requests it holds."""
    request.app[HELD].append(asyncio.Event())
    await request.app[RELEASE].wait()
    return web.json_response({"id": request.match_info["id"]})


@pytest.fixture
async def holding() -> AsyncIterator[tuple[Upstream, web.Application]]:
    app = web.Application()
    app[HELD] = []
    app[RELEASE] = asyncio.Event()
    app.router.add_get("/v1/pets/{id}", _held)
    server = TestServer(app)
    await server.start_server()
    yield Upstream(server), app
    app[RELEASE].set()
    await server.close()


async def test_past_the_cap_503_at_once_and_the_admitted_are_served(
    make_gateway: GatewayFactory,
    token: TokenFactory,
    holding: tuple[Upstream, web.Application],
) -> None:
    upstream, app = holding
    gw = await make_gateway(pets_service_url=upstream.url, max_in_flight=2)
    tok = token("read:pets", sub="shed")
    admitted = [asyncio.create_task(gw.get(f"/v1/pets/p{i}", token=tok)) for i in range(2)]
    await wait_until(lambda: asyncio.sleep(0, len(app[HELD])), lambda n: n == 2, what="2 held")

    started = time.monotonic()
    shed = await gw.get("/v1/pets/p3", token=tok)
    took = time.monotonic() - started
    assert shed.status == 503
    assert shed.headers["Retry-After"] == "1"
    assert shed.headers["Content-Type"].startswith("application/problem+json")
    body = shed.json()
    assert body["type"] == BASE + "overloaded"
    assert body["retryAfter"] == 1
    assert "X-RateLimit-Limit" not in shed.headers  # shed before the limiter: not counted
    assert took < 1.0, f"the shed answer took {took:.3f} s"
    assert len(app[HELD]) == 2  # it never went upstream
    assert (await gw.get("/healthz")).status == 200  # outside /v1: not capped

    app[RELEASE].set()
    replies = await asyncio.gather(*admitted)
    assert [r.status for r in replies] == [200, 200]
    assert [r.json()["id"] for r in replies] == ["p0", "p1"]
    assert replies[1].headers["X-RateLimit-Remaining"] == str(1000 - 2)
    after = await gw.get("/v1/pets/p4", token=tok)  # the slots are free again
    assert after.status == 200
    metrics = await gw.metrics()
    assert "gateway_overload_shed_total 1.0" in metrics
    assert "gateway_in_flight_requests 0.0" in metrics


async def test_a_problem_answer_frees_its_slot(
    make_gateway: GatewayFactory, token: TokenFactory
) -> None:
    gw = await make_gateway(max_in_flight=1)
    for _ in range(3):  # 401, 403 and 404 leave the count where it was
        assert (await gw.get("/v1/pets")).status == 401
        assert (await gw.get("/v1/pets", token=token("other"))).status == 403
        assert (await gw.get("/v1/nowhere", token=token("read:pets"))).status == 404
    assert (await gw.get("/v1/pets/echo", token=token("read:pets"))).status == 200


async def test_the_problem_type_has_its_page(make_gateway: GatewayFactory) -> None:
    gw = await make_gateway()
    page = await gw.get("/problems/overloaded", headers={"Accept": "application/json"})
    assert page.status == 200
    assert page.json()["status"] == 503
    spec = (await gw.get("/openapi.json")).json()
    assert (
        "overloaded" in spec["paths"]["/v1/pets/{petId}"]["get"]["responses"]["503"]["description"]
    )


async def test_the_running_gateway_sheds_at_its_front_door(
    redis_url: str, key_prefix: str, holding: tuple[Upstream, web.Application]
) -> None:
    """In the process, shedding happens before routing and the middleware
    (service_kit.protocol.FRONT_DOOR): the same answer, at a fraction of the cost."""
    upstream, app = holding
    env = {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        "PETS_SERVICE_URL": upstream.url,
        "MAX_IN_FLIGHT": "2",
    }
    auth = {
        "Authorization": "Bearer " + mint_token(DEV_JWT_SECRET, sub="door", scopes=["read:pets"])
    }
    async with service("gateway", env) as gateway, aiohttp.ClientSession() as http:

        async def get(path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
            async with http.get(gateway.url + path, headers=auth | headers) as resp:
                return resp.status, dict(resp.headers), await resp.read()

        admitted = [asyncio.create_task(get(f"/v1/pets/p{i}")) for i in range(2)]
        await wait_until(lambda: asyncio.sleep(0, len(app[HELD])), lambda n: n == 2, what="2 held")
        status, headers, raw = await get("/v1/pets/p3?x=1", **{"X-Request-ID": "shed-me"})
        assert status == 503
        assert headers["Retry-After"] == "1"
        assert headers["X-Request-ID"] == "shed-me"
        assert headers["Server"] == "petstore"
        assert headers["Content-Type"].startswith("application/problem+json")
        assert "X-RateLimit-Limit" not in headers
        body = json.loads(raw)
        assert body["type"].endswith("/overloaded")
        assert (body["status"], body["retryAfter"]) == (503, 1)
        assert (body["instance"], body["traceId"]) == ("/v1/pets/p3", "shed-me")
        assert len(app[HELD]) == 2  # it never went upstream
        # Outside /v1 the front door lets everything through.
        async with http.get(gateway.url + "/healthz") as health:
            assert health.status == 200
        app[RELEASE].set()
        assert [s for s, _, _ in await asyncio.gather(*admitted)] == [200, 200]
        assert (await get("/v1/pets/p4"))[0] == 200
        async with http.get(f"http://127.0.0.1:{gateway.metrics_port}/metrics") as resp:
            metrics = await resp.text()
    assert "gateway_overload_shed_total 1.0" in metrics
    assert 'http_requests_total{method="GET",route="(shed)",status="503"} 1.0' in metrics
    assert "gateway_in_flight_requests 0.0" in metrics
