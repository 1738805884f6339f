"""The two stubs in-process on free ports, and helpers to drive their fault API."""

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from recommendations_stub.app import create_app as create_recommendations
from recommendations_stub.settings import Settings as RecommendationsSettings
from weather_stub.app import create_app as create_weather
from weather_stub.settings import Settings as WeatherSettings

BASE = "http://problems.test/problems/"
# TestClient is a real aiohttp client that, unlike a stock ClientSession, does not silently
# retry an idempotent request once when the connection drops: one call is one request here.
Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def weather() -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_weather(WeatherSettings(problem_base_url=BASE)))) as c:
        yield c


@pytest.fixture
async def recommendations() -> AsyncIterator[Client]:
    app = create_recommendations(RecommendationsSettings(problem_base_url=BASE))
    async with TestClient(TestServer(app)) as client:
        yield client


async def set_fault(client: Client, **spec: Any) -> dict[str, Any]:
    resp = await client.put("/admin/faults", json=spec)
    body: dict[str, Any] = await resp.json()
    assert resp.status == 200, body
    return body


async def fault_state(client: Client) -> dict[str, Any]:
    resp = await client.get("/admin/faults")
    assert resp.status == 200
    body: dict[str, Any] = await resp.json()
    return body


def assert_no_leak(text: str) -> None:
    for leak in ("Traceback", 'File "', ".py", "/site-packages/"):
        assert leak not in text


async def wait_for_state(
    client: Client, check: Callable[[dict[str, Any]], bool], within: float = 5.0
) -> dict[str, Any]:
    """Poll GET /admin/faults until ``check`` holds, failing the test after ``within`` s."""
    async with asyncio.timeout(within):
        while True:
            state = await fault_state(client)
            if check(state):
                return state
            await asyncio.sleep(0.02)
