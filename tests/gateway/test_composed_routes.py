"""Weather and recommendations: the pet from the pets service, then the stub within its
deadline; every stub fault mode maps to the right status (docs/architecture.md)."""

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from petstore_cli.embedded import free_port
from recommendations_stub.app import create_app as create_recommendations
from tests.gateway.contract import check_reply
from tests.gateway.leaks import RECORDED
from tests.gateway.support import BASE, Client, GatewayFactory, PetsStarter
from weather_stub.app import create_app as create_weather

MISSING_PET = "0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11"


async def _start(server: TestServer) -> str:
    await server.start_server()
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
async def suite(
    start_pets: PetsStarter, make_gateway: GatewayFactory
) -> AsyncIterator[dict[str, Any]]:
    weather = TestServer(create_weather())
    recommendations = TestServer(create_recommendations())
    urls = [await start_pets()] + [await _start(s) for s in (weather, recommendations)]
    gw = await make_gateway(
        pets_service_url=urls[0],
        weather_url=urls[1],
        recommendations_url=urls[2],
        weather_timeout_ms=300,
        recommendations_timeout_ms=300,
    )
    async with aiohttp.ClientSession() as http:
        yield {"gw": gw, "weather": urls[1], "recommendations": urls[2], "http": http}
        for url in urls[1:]:
            async with http.delete(url + "/admin/faults"):
                pass
    for server in (weather, recommendations):
        await server.close()


@pytest.fixture(autouse=True)
def conforms_to_openapi() -> Iterator[None]:
    start = len(RECORDED)
    yield
    mismatches = [m for reply in RECORDED[start:] for m in check_reply(reply)]
    assert not mismatches, mismatches


async def _pet(gw: Client, rw: str) -> str:
    reply = await gw.request(
        "POST", "/v1/pets", token=rw, json={"name": "Tom", "species": "CAT", "age": 12}
    )
    assert reply.status == 201
    pet_id: str = reply.json()["id"]
    return pet_id


async def test_weather_and_recommendations(suite: dict[str, Any], rw: str) -> None:
    gw: Client = suite["gw"]
    pet_id = await _pet(gw, rw)
    weather = await gw.get(f"/v1/pets/{pet_id}/weather", token=rw)
    assert weather.status == 200
    assert weather.json()["petId"] == pet_id
    assert weather.headers["X-RateLimit-Limit"] == "1000"
    recs = await gw.get(f"/v1/pets/{pet_id}/recommendations", token=rw)
    assert recs.status == 200
    body = recs.json()
    assert (body["petId"], body["species"], body["age"]) == (pet_id, "CAT", 12)


async def test_unknown_pet_is_404(suite: dict[str, Any], rw: str) -> None:
    for route in ("weather", "recommendations"):
        reply = await suite["gw"].get(f"/v1/pets/{MISSING_PET}/{route}", token=rw)
        assert reply.status == 404
        assert reply.json()["type"] == BASE + "not-found"


@pytest.mark.parametrize("route", ["weather", "recommendations"])
@pytest.mark.parametrize(
    ("fault", "status", "kind"),
    [
        ({"mode": "error", "status": 500}, 502, "5xx"),
        ({"mode": "error", "status": 503}, 502, "5xx"),
        ({"mode": "error", "status": 503, "retryAfter": 9}, 503, "unavailable"),
        ({"mode": "error", "status": 429, "retryAfter": 9}, 503, "unavailable"),
        ({"mode": "reset"}, 502, "reset"),
        ({"mode": "garbage"}, 502, "malformed"),
        ({"mode": "truncate"}, 502, "malformed"),
        ({"mode": "timeout"}, 504, "timeout"),
        ({"mode": "latency", "delayMs": 2000}, 504, "timeout"),
        ({"mode": "slow-body", "bytesPerSecond": 20}, 504, "timeout"),
    ],
    ids=[
        "error500",
        "error503",
        "error503-retry-after",
        "error429-retry-after",
        "reset",
        "garbage",
        "truncate",
        "timeout",
        "latency",
        "slow-body",
    ],
)
async def test_stub_faults(
    suite: dict[str, Any], rw: str, route: str, fault: dict[str, Any], status: int, kind: str
) -> None:
    gw: Client = suite["gw"]
    pet_id = await _pet(gw, rw)
    async with suite["http"].put(suite[route] + "/admin/faults", json=fault) as resp:
        assert resp.status == 200
    started = time.monotonic()
    reply = await gw.get(f"/v1/pets/{pet_id}/{route}", token=rw)
    elapsed = time.monotonic() - started
    assert reply.status == status
    body = reply.json()
    assert body["status"] == status
    if status == 503:
        assert reply.headers["Retry-After"] == "9"
        assert body["retryAfter"] == 9
    if status == 504:
        assert body["type"] == BASE + "gateway-timeout"
        assert 0.3 <= elapsed < 0.4  # the route's deadline, plus less than 100 ms
    metrics = await gw.metrics()
    assert f'gateway_upstream_failures_total{{kind="{kind}",upstream="{route}"}} 1.0' in metrics


async def test_stub_refusing_is_502(
    make_gateway: GatewayFactory, suite: dict[str, Any], rw: str
) -> None:
    pet_id = await _pet(suite["gw"], rw)
    gw = await make_gateway(
        pets_service_url=suite["gw"].base_url,  # through the first gateway: same answers
        weather_url=f"http://127.0.0.1:{free_port()}",
    )
    reply = await gw.get(f"/v1/pets/{pet_id}/weather", token=rw)
    assert reply.status == 502
    assert reply.json()["type"] == BASE + "bad-gateway"


@pytest.mark.parametrize(
    ("status", "slug"), [(404, "not-found"), (422, "validation-error"), (418, "bad-request")]
)
async def test_stub_4xx_keeps_its_status_in_the_gateways_words(
    suite: dict[str, Any], rw: str, status: int, slug: str
) -> None:
    gw: Client = suite["gw"]
    pet_id = await _pet(gw, rw)
    fault = {"mode": "error", "status": status}
    async with suite["http"].put(suite["weather"] + "/admin/faults", json=fault) as resp:
        assert resp.status == 200
    reply = await gw.get(f"/v1/pets/{pet_id}/weather", token=rw)
    assert reply.status == status
    body = reply.json()
    assert body["status"] == status
    assert body["type"] == BASE + slug
    assert body["instance"] == f"/v1/pets/{pet_id}/weather"  # not the stub's path


async def test_client_conditions_do_not_reach_the_pet_lookup(
    suite: dict[str, Any], rw: str
) -> None:
    gw: Client = suite["gw"]
    pet_id = await _pet(gw, rw)
    reply = await gw.get(
        f"/v1/pets/{pet_id}/weather", token=rw, headers={"If-None-Match": '"1"', "If-Match": '"99"'}
    )
    assert reply.status == 200
    assert reply.json()["petId"] == pet_id
