"""Maintenance mode: GET/PUT /admin/maintenance, 503 on /v1, the rest stays up, replicas agree."""

import asyncio
import random
import time

import pytest

from gateway.maintenance import MaintenanceFlag
from gateway.resp import RespClient
from gateway.storage import Storage
from service_kit.redis_client import connect
from tests.gateway.leaks import Reply
from tests.gateway.support import BASE, Client, GatewayFactory
from tests.support import TokenFactory, until


async def put(gw: Client, token: str, body: object) -> Reply:
    return await gw.request("PUT", "/admin/maintenance", token=token, json=body)


async def test_default_state_is_off(gw: Client, admin: str) -> None:
    reply = await gw.get("/admin/maintenance", token=admin)
    assert reply.status == 200
    assert reply.json() == {
        "enabled": False,
        "retryAfter": 300,
        "detail": "The API is down for maintenance.",
    }


async def test_on_then_off(gw: Client, admin: str, rw: str) -> None:
    reply = await put(gw, admin, {"enabled": True, "retryAfter": 120, "detail": "Upgrading."})
    assert reply.status == 200
    assert reply.json() == {"enabled": True, "retryAfter": 120, "detail": "Upgrading."}
    for method, path in [("GET", "/v1/pets"), ("POST", "/v1/pets"), ("GET", "/v1/nope")]:
        # Before the token check: no token, a bad one or a good one all get 503.
        for token in (None, "bad", rw):
            down = await gw.request(method, path, token=token)
            assert down.status == 503, (method, path, token)
            body = down.json()
            assert body["type"] == BASE + "service-unavailable"
            assert body["detail"] == "Upgrading."
            assert body["retryAfter"] == 120
            assert down.headers["Retry-After"] == "120"
            assert "X-RateLimit-Limit" not in down.headers
    for path in (
        "/healthz",
        "/problems",
        "/problems/service-unavailable",
        "/openapi.json",
        "/docs",
    ):
        assert (await gw.get(path)).status == 200, path
    assert (await gw.get("/admin/maintenance", token=admin)).json()["enabled"] is True
    assert "gateway_maintenance_enabled 1.0" in (await gw.metrics())
    off = await put(gw, admin, {"enabled": False})
    assert off.json() == {
        "enabled": False,
        "retryAfter": 300,
        "detail": "The API is down for maintenance.",
    }
    assert (await gw.get("/v1/pets", token=rw)).status == 200


async def test_replicas_agree_within_a_second(
    make_gateway: GatewayFactory, admin: str, rw: str
) -> None:
    first = await make_gateway(maintenance_refresh_seconds=0.5)
    second = await make_gateway(maintenance_refresh_seconds=0.5)
    assert (await second.get("/v1/pets", token=rw)).status == 200
    started = time.monotonic()
    assert (await put(first, admin, {"enabled": True})).status == 200

    async def second_is_down() -> bool:
        return (await second.get("/v1/pets", token=rw)).status == 503

    await until(second_is_down, within=1.5, interval=0.02)
    assert time.monotonic() - started < 1.0
    await put(first, admin, {"enabled": False})

    async def second_is_up() -> bool:
        return (await second.get("/v1/pets", token=rw)).status == 200

    await until(second_is_up, within=1.5, interval=0.02)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["enabled"]),
        ({"enabled": "yes"}, ["enabled"]),
        ({"enabled": True, "retryAfter": 0}, ["retryAfter"]),
        ({"enabled": True, "retryAfter": True}, ["retryAfter"]),
        ({"enabled": True, "retryAfter": 1.5}, ["retryAfter"]),
        ({"enabled": True, "detail": ""}, ["detail"]),
        ({"enabled": True, "detail": "x" * 501}, ["detail"]),
        (
            {"enabled": 1, "retryAfter": -1, "detail": 3, "extra": 1},
            ["extra", "enabled", "retryAfter", "detail"],
        ),
    ],
)
async def test_put_validates(gw: Client, admin: str, body: object, fields: list[str]) -> None:
    reply = await put(gw, admin, body)
    assert reply.status == 422
    problem = reply.json()
    assert problem["type"] == BASE + "validation-error"
    assert [e["field"] for e in problem["errors"]] == fields


async def test_put_rejects_what_is_not_a_json_object(gw: Client, admin: str) -> None:
    not_json = await gw.request(
        "PUT",
        "/admin/maintenance",
        token=admin,
        data=b"{",
        headers={"Content-Type": "application/json"},
    )
    assert not_json.status == 400
    array = await put(gw, admin, [True])
    assert array.status == 400
    text = await gw.request(
        "PUT", "/admin/maintenance", token=admin, data=b"on", headers={"Content-Type": "text/plain"}
    )
    assert text.status == 415


async def test_admin_api_needs_admin(gw: Client, token: TokenFactory) -> None:
    assert (await gw.get("/admin/maintenance")).status == 401
    reply = await gw.get("/admin/maintenance", token=token("read:pets", "write:pets"))
    assert reply.status == 403
    assert reply.json()["requiredScope"] == "admin"
    wrong = await gw.request("DELETE", "/admin/maintenance", token=token("admin"))
    assert wrong.status == 405


async def test_refresh_task_always_stops_when_cancelled(redis_url: str, key_prefix: str) -> None:
    """Cancelled at any moment of a Redis call, the refresh ends (else SIGTERM hangs)."""
    client = connect(redis_url, timeout=0.5, max_connections=4)
    fast = RespClient(redis_url, timeout=0.5)
    flag = MaintenanceFlag(Storage(client, fast, key_prefix), interval=0.0005)
    rng = random.Random(7)
    try:
        for _ in range(300):
            task = asyncio.create_task(flag.run())
            await asyncio.sleep(rng.random() * 0.003)
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=1.0)
            assert done, "the refresh task ignored its cancellation"
            assert task.cancelled()
    finally:
        await fast.close()
        await client.aclose()
