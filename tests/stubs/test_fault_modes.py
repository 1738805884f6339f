"""Every fault mode, as a real aiohttp client sees it."""

import asyncio
import json
import time

import aiohttp
import pytest

from tests.stubs.helpers import (
    BASE,
    Client,
    assert_no_leak,
    fault_state,
    set_fault,
    wait_for_state,
)

PATH = "/v1/weather/pet-1"


async def healthy_body(client: Client) -> bytes:
    resp = await client.get(PATH)
    assert resp.status == 200
    return await resp.read()


async def test_error_answers_the_status_with_retry_after_and_a_problem(weather: Client) -> None:
    await set_fault(weather, mode="error", status=503, retryAfter=7)
    resp = await weather.get(PATH)
    assert resp.status == 503
    assert resp.headers["Retry-After"] == "7"
    assert resp.content_type == "application/problem+json"
    body = await resp.json(content_type=None)
    assert body["type"] == BASE + "injected-fault"
    assert body["status"] == 503
    assert body["retryAfter"] == 7
    assert body["instance"] == PATH
    assert body["traceId"] == resp.headers["X-Request-ID"]


@pytest.mark.parametrize("status", [400, 404, 418, 429, 500, 502, 504, 599])
async def test_error_can_be_any_4xx_or_5xx(weather: Client, status: int) -> None:
    spec = {"mode": "error"} if status == 500 else {"mode": "error", "status": status}
    await set_fault(weather, **spec)
    resp = await weather.get(PATH)
    assert resp.status == status
    assert "Retry-After" not in resp.headers
    body = await resp.json(content_type=None)
    assert body["status"] == status
    assert "retryAfter" not in body


async def test_latency_delays_then_answers_normally(weather: Client) -> None:
    expected = await healthy_body(weather)
    await set_fault(weather, mode="latency", delayMs=300)
    started = time.monotonic()
    resp = await weather.get(PATH)
    body = await resp.read()
    elapsed = time.monotonic() - started
    assert resp.status == 200
    assert body == expected
    assert 0.3 <= elapsed < 1.3


async def test_latency_jitter_stays_within_its_bounds(weather: Client) -> None:
    await set_fault(weather, mode="latency", delayMs=200, jitterMs=150, seed=7)
    elapsed = []
    for _ in range(4):
        started = time.monotonic()
        assert (await weather.get(PATH)).status == 200
        elapsed.append(time.monotonic() - started)
    assert all(0.05 <= e < 0.35 + 0.5 for e in elapsed)
    assert max(elapsed) - min(elapsed) > 0.01


async def test_a_delay_can_precede_any_fault(weather: Client) -> None:
    await set_fault(weather, mode="error", status=500, delayMs=250)
    started = time.monotonic()
    resp = await weather.get(PATH)
    assert resp.status == 500
    assert time.monotonic() - started >= 0.25


async def test_timeout_never_answers(weather: Client) -> None:
    await set_fault(weather, mode="timeout")
    with pytest.raises(TimeoutError):
        await weather.get(PATH, timeout=aiohttp.ClientTimeout(total=0.4))
    state = await fault_state(weather)
    assert state["counters"]["byMode"]["timeout"] == 1
    # The held request ends once its client has gone: nothing accumulates.
    await wait_for_state(weather, lambda s: s["holding"] == 0)


async def test_changing_the_fault_releases_held_requests(weather: Client) -> None:
    expected = await healthy_body(weather)
    await set_fault(weather, mode="timeout")

    async def fetch() -> tuple[int, bytes]:
        async with weather.get(PATH) as resp:
            return resp.status, await resp.read()

    held = asyncio.create_task(fetch())
    await wait_for_state(weather, lambda s: s["holding"] == 1)
    assert not held.done()
    await weather.delete("/admin/faults")
    assert await asyncio.wait_for(held, 2) == (200, expected)
    assert (await fault_state(weather))["holding"] == 0


async def test_reset_drops_the_connection_before_any_header(weather: Client) -> None:
    await set_fault(weather, mode="reset")
    with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)):
        await weather.get(PATH)
    assert (await fault_state(weather))["counters"]["byMode"]["reset"] == 1


async def test_garbage_is_a_200_json_response_that_is_not_json(weather: Client) -> None:
    await set_fault(weather, mode="garbage")
    resp = await weather.get(PATH)
    assert resp.status == 200
    assert resp.content_type == "application/json"
    with pytest.raises(json.JSONDecodeError):
        await resp.json()


async def test_truncate_promises_more_body_than_it_sends(weather: Client) -> None:
    expected = await healthy_body(weather)
    await set_fault(weather, mode="truncate")
    async with weather.get(PATH) as resp:
        assert resp.status == 200
        assert resp.content_type == "application/json"
        assert resp.content_length == len(expected)
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()


async def test_slow_body_streams_the_real_body_at_the_given_rate(weather: Client) -> None:
    expected = await healthy_body(weather)
    rate = int(len(expected) / 0.8)  # about 0.8 s for the whole body
    await set_fault(weather, **{"mode": "slow-body", "bytesPerSecond": rate})
    started = time.monotonic()
    async with weather.get(PATH) as resp:
        headers_at = time.monotonic() - started
        assert resp.status == 200
        assert resp.content_length == len(expected)
        body = await resp.read()
    elapsed = time.monotonic() - started
    assert body == expected
    assert headers_at < 0.3
    assert 0.7 <= elapsed < 2.0


async def test_health_metrics_and_admin_are_never_faulted(weather: Client) -> None:
    await set_fault(weather, mode="reset")
    for path in ("/healthz", "/readyz", "/metrics", "/admin/faults"):
        resp = await weather.get(path)
        assert resp.status == 200, path
        assert_no_leak(await resp.text())
    state = await fault_state(weather)
    assert state["counters"]["requests"] == 0
    assert state["counters"]["faults"] == 0


async def test_healthy_again_after_delete(weather: Client) -> None:
    await set_fault(weather, mode="error", status=500)
    assert (await weather.get(PATH)).status == 500
    resp = await weather.delete("/admin/faults")
    assert resp.status == 200
    assert (await resp.json())["fault"] == {"mode": "healthy"}
    assert (await weather.get(PATH)).status == 200
