"""PUT/GET/DELETE /admin/faults: strict specs, probability, count, seed and counters."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from service_kit.faults import parse_spec
from tests.stubs.helpers import BASE, Client, assert_no_leak, fault_state, set_fault
from weather_stub.app import create_app
from weather_stub.settings import Settings

PATH = "/v1/weather/pet-1"
MODES = ["error", "latency", "timeout", "reset", "garbage", "truncate", "slow-body"]


async def statuses(client: Client, n: int) -> list[int]:
    result = []
    for _ in range(n):
        resp = await client.get(PATH)
        await resp.read()
        result.append(resp.status)
    return result


async def test_a_new_stub_is_healthy_with_zero_counters(weather: Client) -> None:
    state = await fault_state(weather)
    assert state["fault"] == {"mode": "healthy"}
    assert (state["injected"], state["remaining"], state["holding"]) == (0, None, 0)
    assert state["counters"] == {
        "requests": 0,
        "passed": 0,
        "faults": 0,
        "byMode": dict.fromkeys(MODES, 0),
    }
    assert state["since"].endswith("Z")


async def test_put_answers_the_new_state_with_defaults_filled_in(weather: Client) -> None:
    state = await set_fault(weather, mode="error", status=503, count=None)
    assert state["fault"] == {
        "mode": "error",
        "probability": 1.0,
        "count": None,
        "seed": None,
        "delayMs": 0,
        "jitterMs": 0,
        "status": 503,
        "retryAfter": None,
    }
    assert (await fault_state(weather))["fault"] == state["fault"]
    latency = await set_fault(weather, mode="latency")
    assert latency["fault"]["delayMs"] == 1000
    # What GET shows can be PUT back as it is.
    again = await set_fault(weather, **state["fault"])
    assert again["fault"] == state["fault"]


async def test_healthy_by_put_or_delete(weather: Client) -> None:
    await set_fault(weather, mode="garbage")
    assert (await set_fault(weather, mode="healthy"))["fault"] == {"mode": "healthy"}
    await set_fault(weather, mode="garbage")
    resp = await weather.delete("/admin/faults")
    assert resp.status == 200
    assert (await resp.json())["fault"] == {"mode": "healthy"}
    assert await statuses(weather, 2) == [200, 200]


async def test_count_ends_the_fault_after_n_injections(weather: Client) -> None:
    state = await set_fault(weather, mode="error", status=500, count=3)
    assert state["remaining"] == 3
    assert await statuses(weather, 5) == [500, 500, 500, 200, 200]
    state = await fault_state(weather)
    assert state["fault"] == {"mode": "healthy"}
    assert state["counters"]["requests"] == 5
    assert state["counters"]["faults"] == 3
    assert state["counters"]["byMode"]["error"] == 3


async def test_count_counts_injected_faults_not_requests(weather: Client) -> None:
    await set_fault(weather, mode="error", probability=0.5, count=4, seed=3)
    observed = await statuses(weather, 40)
    assert observed.count(500) == 4
    last = max(i for i, status in enumerate(observed) if status == 500)
    assert last > 3  # some requests passed before the fourth fault
    assert set(observed[last + 1 :]) == {200}
    assert (await fault_state(weather))["fault"]["mode"] == "healthy"


async def test_probability_makes_a_share_of_requests_fail(weather: Client) -> None:
    await set_fault(weather, mode="error", status=503, probability=0.3)
    observed = await statuses(weather, 200)
    failed = observed.count(503)
    # Binomial(200, 0.3): mean 60, sd 6.5; the bounds are about 4.5 sd away.
    assert 31 <= failed <= 89
    assert set(observed) == {200, 503}
    counters = (await fault_state(weather))["counters"]
    assert counters["requests"] == 200
    assert counters["faults"] == counters["byMode"]["error"] == failed
    assert counters["passed"] == 200 - failed


async def test_a_seed_makes_flakiness_reproducible(weather: Client) -> None:
    await set_fault(weather, mode="error", probability=0.5, seed=42)
    first = await statuses(weather, 30)
    await set_fault(weather, mode="error", probability=0.5, seed=42)
    second = await statuses(weather, 30)
    await set_fault(weather, mode="error", probability=0.5, seed=43)
    third = await statuses(weather, 30)
    assert first == second
    assert first != third
    assert 200 in first
    assert 500 in first


async def test_probability_zero_never_fires(weather: Client) -> None:
    await set_fault(weather, mode="reset", probability=0)
    assert await statuses(weather, 20) == [200] * 20


async def test_counters_prove_how_often_the_stub_was_called(weather: Client) -> None:
    await statuses(weather, 3)
    await set_fault(weather, mode="error", status=502)
    await statuses(weather, 2)
    await weather.delete("/admin/faults")
    await statuses(weather, 1)
    counters = (await fault_state(weather))["counters"]
    assert (counters["requests"], counters["passed"], counters["faults"]) == (6, 4, 2)
    resp = await weather.delete("/admin/faults/counters")
    assert resp.status == 200
    assert (await resp.json())["counters"]["requests"] == 0
    await statuses(weather, 1)
    assert (await fault_state(weather))["counters"]["requests"] == 1


PREVIOUS: dict[str, Any] = {"mode": "error", "status": 418, "count": 5}


@pytest.mark.parametrize(
    ("spec", "fields"),
    [
        ({}, ["mode"]),
        ({"mode": "explode"}, ["mode"]),
        ({"mode": 3}, ["mode"]),
        ({"mode": None}, ["mode"]),
        ({"mode": "latency", "delayMs": -1}, ["delayMs"]),
        ({"mode": "latency", "delayMs": 600_001}, ["delayMs"]),
        ({"mode": "latency", "delayMs": "100"}, ["delayMs"]),
        ({"mode": "latency", "delayMs": 1.5}, ["delayMs"]),
        ({"mode": "latency", "jitterMs": -5}, ["jitterMs"]),
        ({"mode": "error", "probability": 1.5}, ["probability"]),
        ({"mode": "error", "probability": -0.1}, ["probability"]),
        ({"mode": "error", "probability": "0.5"}, ["probability"]),
        ({"mode": "error", "probability": None}, ["probability"]),
        ({"mode": "error", "status": 200}, ["status"]),
        ({"mode": "error", "status": 302}, ["status"]),
        ({"mode": "error", "status": 600}, ["status"]),
        ({"mode": "error", "status": True}, ["status"]),
        ({"mode": "error", "status": 10**30}, ["status"]),
        ({"mode": "error", "retryAfter": -1}, ["retryAfter"]),
        ({"mode": "error", "count": 0}, ["count"]),
        ({"mode": "error", "count": 2.0}, ["count"]),
        ({"mode": "error", "count": [1]}, ["count"]),
        ({"mode": "error", "seed": "abc"}, ["seed"]),
        ({"mode": "slow-body", "bytesPerSecond": 0}, ["bytesPerSecond"]),
        ({"mode": "error", "colour": "red"}, ["colour"]),
        ({"mode": "latency", "status": 503}, ["status"]),
        ({"mode": "timeout", "delayMs": 10}, ["delayMs"]),
        ({"mode": "healthy", "probability": 0.5}, ["probability"]),
        ({"mode": "reset", "bytesPerSecond": 5}, ["bytesPerSecond"]),
        ({"mode": "bogus", "probability": 2, "status": 200}, ["mode", "probability", "status"]),
    ],
)
async def test_a_bad_spec_is_422_and_the_previous_fault_stays(
    weather: Client, spec: dict[str, Any], fields: list[str]
) -> None:
    before = await set_fault(weather, **PREVIOUS)
    resp = await weather.put("/admin/faults", json=spec)
    assert resp.status == 422
    assert resp.content_type == "application/problem+json"
    text = await resp.text()
    assert_no_leak(text)
    body = await resp.json(content_type=None)
    assert body["type"] == BASE + "validation-error"
    assert body["instance"] == "/admin/faults"
    assert sorted(e["field"] for e in body["errors"]) == sorted(fields)
    after = await fault_state(weather)
    assert after["fault"] == before["fault"]
    assert after["remaining"] == 5
    assert (await weather.get(PATH)).status == 418


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b'{"mode": "error"', "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'"error"', "application/json", 400),
        (b"", "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b'{"mode": NaN}', "application/json", 400),
        (b"mode=error", "application/x-www-form-urlencoded", 415),
        (b'{"mode": "error", "x": "' + b"a" * 20_000 + b'"}', "application/json", 413),
    ],
)
async def test_a_body_that_is_not_a_json_object_is_refused(
    weather: Client, data: bytes, content_type: str, status: int
) -> None:
    before = await set_fault(weather, **PREVIOUS)
    resp = await weather.put("/admin/faults", data=data, headers={"Content-Type": content_type})
    assert resp.status == status
    assert_no_leak(await resp.text())
    assert (await resp.json(content_type=None))["status"] == status
    assert (await fault_state(weather))["fault"] == before["fault"]


async def test_other_methods_are_405(weather: Client) -> None:
    resp = await weather.post("/admin/faults", json={"mode": "error"})
    assert resp.status == 405
    assert resp.headers["Allow"] == "GET, HEAD, PUT, DELETE"
    assert (await fault_state(weather))["fault"] == {"mode": "healthy"}


async def test_a_stub_can_start_with_a_fault() -> None:
    settings = Settings(fault=parse_spec({"mode": "error", "status": 504, "count": 1}))
    async with TestClient(TestServer(create_app(settings))) as client:
        state = await fault_state(client)
        assert state["fault"]["status"] == 504
        assert await statuses(client, 2) == [504, 200]
