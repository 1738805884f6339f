"""Redis down or stalled: 503 + Retry-After within the timeout, never 500 or a hang, and
recovery without a restart once Redis is back."""

import asyncio
import signal
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from pets_service.app import create_app
from pets_service.settings import Settings
from petstore_cli.embedded import Server, free_port
from tests.pets_service.helpers import BASE, Client, create_pet, problem
from tests.support import TEST_SECRET, wait_until

TIMEOUT_MS = 300


@pytest.fixture
async def own_client(own_redis: Server, key_prefix: str) -> AsyncIterator[Client]:
    settings = Settings(
        redis_url=f"redis://127.0.0.1:{own_redis.port}/0",
        redis_key_prefix=key_prefix,
        redis_timeout_ms=TIMEOUT_MS,
        jwt_secret=TEST_SECRET,
        problem_base_url=BASE,
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",
    )
    async with TestClient(TestServer(create_app(settings))) as client:
        yield client


async def assert_unavailable(client: Client, rw: dict[str, str], pet_id: str) -> None:
    for method, path, payload in (
        ("GET", f"/v1/pets/{pet_id}", None),
        ("GET", "/v1/pets", None),
        ("POST", "/v1/pets", {"name": "Rex", "species": "DOG"}),
        ("PATCH", f"/v1/pets/{pet_id}", {"age": 2}),
        ("DELETE", f"/v1/pets/{pet_id}", None),
        ("PUT", "/v1/users/alice/preferences", {}),
    ):
        started = time.monotonic()
        resp = await client.request(method, path, json=payload, headers=rw)
        body = await problem(resp, 503, "service-unavailable")
        assert resp.headers["Retry-After"] == "2"
        assert body["retryAfter"] == 2
        # A couple of Redis calls at most, each bounded by the timeout: no hang.
        assert time.monotonic() - started < 3 * TIMEOUT_MS / 1000 + 0.5, (method, path)
    resp = await client.get("/readyz")
    body = await problem(resp, 503, "service-unavailable")
    assert body["checks"] == {"redis": "unreachable"}
    assert "Retry-After" in resp.headers
    assert (await client.get("/healthz")).status == 200


async def wait_ready(client: Client, deadline: float = 10.0) -> None:
    await wait_until(
        lambda: client.get("/readyz"),
        lambda resp: resp.status == 200,
        within=deadline,
        what="the service ready again",
    )


async def test_redis_down_is_503_then_recovers_without_restart(
    own_client: Client, own_redis: Server, rw: dict[str, str]
) -> None:
    pet = await create_pet(own_client, rw)
    await asyncio.to_thread(own_redis.stop)
    await assert_unavailable(own_client, rw, pet["id"])

    await asyncio.to_thread(own_redis.start)  # same port; an empty store (no persistence)
    await wait_ready(own_client)
    created = await create_pet(own_client, rw, name="After")
    resp = await own_client.get(f"/v1/pets/{created['id']}", headers=rw)
    assert resp.status == 200
    assert (await resp.json())["name"] == "After"
    page = await (await own_client.get("/v1/pets", headers=rw)).json()
    assert [p["id"] for p in page["items"]] == [created["id"]]


async def test_stalled_redis_is_503_within_the_timeout_then_recovers(
    own_client: Client, own_redis: Server, rw: dict[str, str]
) -> None:
    pet = await create_pet(own_client, rw)
    assert own_redis.proc is not None
    own_redis.proc.send_signal(signal.SIGSTOP)
    try:
        await assert_unavailable(own_client, rw, pet["id"])
    finally:
        own_redis.proc.send_signal(signal.SIGCONT)
    await wait_ready(own_client)
    resp = await own_client.get(f"/v1/pets/{pet['id']}", headers=rw)
    assert resp.status == 200
    assert (await resp.json())["name"] == pet["name"]


async def test_service_starts_while_redis_is_down(
    own_redis: Server, key_prefix: str, rw: dict[str, str]
) -> None:
    await asyncio.to_thread(own_redis.stop)
    settings = Settings(
        redis_url=f"redis://127.0.0.1:{own_redis.port}/0",
        redis_key_prefix=key_prefix,
        redis_timeout_ms=TIMEOUT_MS,
        jwt_secret=TEST_SECRET,
        problem_base_url=BASE,
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",
    )
    async with TestClient(TestServer(create_app(settings))) as client:
        assert (await client.get("/readyz")).status == 503
        await problem(await client.get("/v1/pets", headers=rw), 503, "service-unavailable")
        await asyncio.to_thread(own_redis.start)
        await wait_ready(client)
        assert (await client.get("/v1/pets", headers=rw)).status == 200
