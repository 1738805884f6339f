"""Circuit breakers through the gateway, against the real stub apps and the pets service:
5 failures open a circuit, the open circuit answers 503 at once without calling the upstream
(the stub's own request counter proves it), and one half-open trial closes or re-opens it."""

import asyncio
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from petstore_cli.embedded import free_port
from tests.gateway.circuits import RESET, assert_circuit_open, state_line, transitions_line
from tests.gateway.contract import check_reply
from tests.gateway.fakes import raw_server
from tests.gateway.leaks import RECORDED, Reply
from tests.gateway.support import BASE, Client, GatewayFactory, PetsStarter
from tests.support import until
from weather_stub.app import create_app as create_weather


@dataclass
class Stub:
    url: str
    http: aiohttp.ClientSession

    async def fault(self, spec: dict[str, Any] | None) -> None:
        method = "DELETE" if spec is None else "PUT"
        async with self.http.request(method, self.url + "/admin/faults", json=spec) as resp:
            assert resp.status == 200

    async def requests(self) -> int:
        async with self.http.get(self.url + "/admin/faults") as resp:
            count: int = (await resp.json())["counters"]["requests"]
            return count


@dataclass
class Suite:
    gw: Client
    weather: Stub
    pet_path: str  # /v1/pets/{id} of a pet that exists

    async def weather_reply(self, token: str) -> Reply:
        return await self.gw.get(self.pet_path + "/weather", token=token)


@pytest.fixture
async def suite(
    start_pets: PetsStarter, make_gateway: GatewayFactory, rw: str
) -> AsyncIterator[Suite]:
    weather = TestServer(create_weather())
    await weather.start_server()
    gw = await make_gateway(
        pets_service_url=await start_pets(),
        weather_url=str(weather.make_url("")).rstrip("/"),
        weather_timeout_ms=1000,
        circuit_reset_seconds=RESET,
    )
    created = await gw.request("POST", "/v1/pets", token=rw, json={"name": "Rex", "species": "DOG"})
    assert created.status == 201
    async with aiohttp.ClientSession() as http:
        yield Suite(
            gw, Stub(str(weather.make_url("")).rstrip("/"), http), created.headers["Location"]
        )
    await weather.close()


@pytest.fixture(autouse=True)
def conforms_to_openapi() -> Iterator[None]:
    start = len(RECORDED)
    yield
    mismatches = [m for reply in RECORDED[start:] for m in check_reply(reply)]
    assert not mismatches, mismatches


async def metrics(gw: Client) -> str:
    return await gw.metrics()


async def open_weather_circuit(suite: Suite, rw: str) -> None:
    await suite.weather.fault({"mode": "error", "status": 500})
    for _ in range(5):
        assert (await suite.weather_reply(rw)).status == 502


async def test_five_failures_open_the_circuit_and_it_answers_without_calling(
    suite: Suite, rw: str
) -> None:
    before = await suite.weather.requests()
    await open_weather_circuit(suite, rw)
    assert await suite.weather.requests() == before + 5
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        reply = await suite.weather_reply(rw)
        timings.append(time.perf_counter() - started)
        assert_circuit_open(reply)
        assert "weather" in reply.json()["detail"]
    assert await suite.weather.requests() == before + 5  # not one call while open
    assert statistics.median(timings) < 0.005
    text = await metrics(suite.gw)
    assert state_line("weather", "open") in text
    assert 'gateway_circuit_state{state="closed",upstream="weather"} 0.0' in text
    assert transitions_line("weather", "open", 1) in text
    assert state_line("pets", "closed") in text  # each upstream has its own circuit
    assert state_line("recommendations", "closed") in text


async def test_successful_trial_closes_the_circuit(suite: Suite, rw: str) -> None:
    await open_weather_circuit(suite, rw)
    await suite.weather.fault(None)
    before = await suite.weather.requests()
    assert_circuit_open(await suite.weather_reply(rw))

    async def answered() -> bool:
        return (await suite.weather_reply(rw)).status != 503

    await until(answered, within=RESET + 1, interval=0.02)
    assert await suite.weather.requests() == before + 1  # the trial only
    assert (await suite.weather_reply(rw)).status == 200
    text = await metrics(suite.gw)
    assert state_line("weather", "closed") in text
    for state in ("open", "half_open", "closed"):
        assert transitions_line("weather", state, 1) in text


async def test_failed_trial_opens_it_again(suite: Suite, rw: str) -> None:
    await open_weather_circuit(suite, rw)
    before = await suite.weather.requests()
    await asyncio.sleep(RESET)  # the time the circuit stays open is the point here
    trial = await suite.weather_reply(rw)
    assert trial.status == 502
    assert_circuit_open(await suite.weather_reply(rw))
    assert await suite.weather.requests() == before + 1
    text = await metrics(suite.gw)
    assert state_line("weather", "open") in text
    assert transitions_line("weather", "open", 2) in text


async def test_half_open_lets_one_trial_through_and_refuses_the_rest(suite: Suite, rw: str) -> None:
    await open_weather_circuit(suite, rw)
    await suite.weather.fault({"mode": "latency", "delayMs": 300})
    before = await suite.weather.requests()
    await asyncio.sleep(RESET)
    trial = asyncio.create_task(suite.weather_reply(rw))

    async def trial_reached_the_stub() -> bool:
        return await suite.weather.requests() == before + 1

    await until(trial_reached_the_stub, within=1, interval=0.02)
    others = await asyncio.gather(*(suite.weather_reply(rw) for _ in range(3)))
    for reply in others:
        assert_circuit_open(reply)
        assert reply.headers["Retry-After"] == "1"
    assert (await trial).status == 200
    assert (await suite.weather_reply(rw)).status == 200
    assert await suite.weather.requests() == before + 2


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ({"mode": "error", "status": 503, "retryAfter": 9}, 503),
        ({"mode": "error", "status": 429, "retryAfter": 9}, 503),
        ({"mode": "error", "status": 404}, 404),
    ],
    ids=["503-retry-after", "429-retry-after", "404"],
)
async def test_answers_that_are_not_failures_keep_it_closed(
    suite: Suite, rw: str, fault: dict[str, Any], status: int
) -> None:
    await suite.weather.fault(fault)
    for _ in range(7):
        reply = await suite.weather_reply(rw)
        assert reply.status == status
        assert reply.json()["type"] != BASE + "circuit-open"
    assert state_line("weather", "closed") in await metrics(suite.gw)


async def test_pets_service_circuit(make_gateway: GatewayFactory, rw: str) -> None:
    page = b'{"items":[],"nextCursor":null}'
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(page),
        page,
    )
    async with raw_server() as raw:
        raw.reset = True
        gw = await make_gateway(pets_service_url=raw.url, circuit_reset_seconds=RESET)
        for _ in range(5):
            assert (await gw.get("/v1/pets", token=rw)).status == 502
        assert raw.connections == 5
        assert_circuit_open(await gw.get("/v1/pets", token=rw))
        assert_circuit_open(await gw.request("POST", "/v1/pets", token=rw, json={}))
        assert_circuit_open(await gw.get("/v1/pets/abc/weather", token=rw))
        assert raw.connections == 5
        raw.reset, raw.reply = False, ok

        async def answered() -> bool:
            return (await gw.get("/v1/pets", token=rw)).status == 200

        await until(answered, within=RESET + 1, interval=0.02)
        assert raw.connections == 6
        assert state_line("pets", "closed") in await metrics(gw)


async def test_refused_connections_open_it_too(make_gateway: GatewayFactory, rw: str) -> None:
    gw = await make_gateway(pets_service_url=f"http://127.0.0.1:{free_port()}")
    for _ in range(5):
        assert (await gw.get("/v1/pets", token=rw)).status == 502
    reply = await gw.get("/v1/pets", token=rw)
    assert_circuit_open(reply, reset=10)
    assert reply.headers["Retry-After"] == "10"
