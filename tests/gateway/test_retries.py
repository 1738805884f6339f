"""Retries: one, only for idempotent requests whose connection failed before anything was
sent, after a random wait that never runs past the deadline. Nothing else is retried, by us
or by aiohttp (whose own silent retry of dropped idempotent requests is off)."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from petstore_cli.embedded import free_port
from tests.gateway.fakes import fake_pets_app, raw_server
from tests.gateway.support import BASE, Client, GatewayFactory, PetsStarter
from tests.support import until
from weather_stub.app import create_app as create_weather


async def metrics(gw: Client) -> str:
    return await gw.metrics()


def retries(upstream: str, count: int) -> str:
    return f'gateway_upstream_retries_total{{upstream="{upstream}"}} {count}.0'


def failures(upstream: str, kind: str, count: int) -> str:
    return f'gateway_upstream_failures_total{{kind="{kind}",upstream="{upstream}"}} {count}.0'


async def test_refused_get_is_retried_once(make_gateway: GatewayFactory, rw: str) -> None:
    gw = await make_gateway(pets_service_url=f"http://127.0.0.1:{free_port()}")
    reply = await gw.get("/v1/pets", token=rw)
    assert reply.status == 502
    assert reply.json()["type"] == BASE + "bad-gateway"
    text = await metrics(gw)
    assert retries("pets", 1) in text
    assert failures("pets", "refused", 1) in text  # one call, one failure


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_refused_non_idempotent_request_is_not_retried(
    make_gateway: GatewayFactory, rw: str, method: str
) -> None:
    gw = await make_gateway(pets_service_url=f"http://127.0.0.1:{free_port()}")
    path = "/v1/pets" if method == "POST" else "/v1/pets/abc"
    reply = await gw.request(method, path, token=rw, json={"name": "Rex"})
    assert reply.status == 502
    assert retries("pets", 0) in await metrics(gw)


async def test_retry_reaches_an_upstream_that_came_up(
    make_gateway: GatewayFactory, rw: str
) -> None:
    port = free_port()
    gw = await make_gateway(
        pets_service_url=f"http://127.0.0.1:{port}", retry_wait_seconds=(0.4, 0.4)
    )
    pending = asyncio.create_task(gw.get("/v1/pets/echo", token=rw))

    async def waiting_to_retry() -> bool:  # refused once, now waiting to retry
        assert not pending.done()
        return retries("pets", 1) in await metrics(gw)

    await until(waiting_to_retry, within=0.3, interval=0.01, what="the first refusal")
    server = TestServer(fake_pets_app(), port=port)
    await server.start_server()
    try:
        reply = await pending
        assert reply.status == 200
        assert reply.json()["method"] == "GET"
    finally:
        await server.close()


async def test_no_retry_that_would_end_past_the_deadline(
    make_gateway: GatewayFactory, rw: str
) -> None:
    gw = await make_gateway(
        pets_service_url=f"http://127.0.0.1:{free_port()}",
        pets_timeout_ms=200,
        retry_wait_seconds=(0.5, 0.5),
    )
    started = time.monotonic()
    reply = await gw.get("/v1/pets", token=rw)
    assert time.monotonic() - started < 0.2
    assert reply.status == 502  # refused, not a timeout: it did not wait for the deadline
    text = await metrics(gw)
    assert retries("pets", 0) in text
    assert failures("pets", "refused", 1) in text


@pytest.fixture
async def weather(
    start_pets: PetsStarter, make_gateway: GatewayFactory, rw: str
) -> AsyncIterator[dict[str, Any]]:
    stub = TestServer(create_weather())
    await stub.start_server()
    stub_url = str(stub.make_url("")).rstrip("/")
    gw = await make_gateway(
        pets_service_url=await start_pets(), weather_url=stub_url, weather_timeout_ms=300
    )
    created = await gw.request("POST", "/v1/pets", token=rw, json={"name": "Rex", "species": "DOG"})
    async with aiohttp.ClientSession() as http:
        yield {"gw": gw, "url": stub_url, "http": http, "path": created.headers["Location"]}
    await stub.close()


async def stub_requests(weather: dict[str, Any]) -> int:
    async with weather["http"].get(weather["url"] + "/admin/faults") as resp:
        count: int = (await resp.json())["counters"]["requests"]
        return count


@pytest.mark.parametrize(
    ("fault", "status"),
    [({"mode": "reset"}, 502), ({"mode": "timeout"}, 504), ({"mode": "truncate"}, 502)],
    ids=["reset", "timeout", "truncate"],
)
async def test_failures_after_sending_cost_one_upstream_request(
    weather: dict[str, Any], rw: str, fault: dict[str, Any], status: int
) -> None:
    async with weather["http"].put(weather["url"] + "/admin/faults", json=fault) as resp:
        assert resp.status == 200
    before = await stub_requests(weather)
    for n in range(1, 4):
        reply = await weather["gw"].get(weather["path"] + "/weather", token=rw)
        assert reply.status == status
        assert await stub_requests(weather) == before + n
    assert retries("weather", 0) in await metrics(weather["gw"])


async def test_reset_pets_connection_costs_one_connection(
    make_gateway: GatewayFactory, rw: str
) -> None:
    async with raw_server() as raw:
        raw.reset = True
        gw = await make_gateway(pets_service_url=raw.url, circuit_failure_threshold=100)
        for n in range(1, 4):
            assert (await gw.get(f"/v1/pets/{n}", token=rw)).status == 502
            assert (await gw.request("DELETE", f"/v1/pets/{n}", token=rw)).status == 502
            assert raw.connections == 2 * n
