"""Driving the stubs' fault API from tests: set a fault, read the state, wait for one."""

from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from tests.support import wait_until

BASE = "http://problems.test/problems/"
# TestClient is a real aiohttp client that, unlike a stock ClientSession, does not silently
# retry an idempotent request once when the connection drops: one call is one request here.
Client = TestClient[web.Request, web.Application]


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
    return await wait_until(
        lambda: fault_state(client), check, within=within, interval=0.02, what="fault state"
    )
