"""The broker down, slow or restarted: 503 and nothing kept, recovery without a restart."""

import asyncio
import time
from collections.abc import Iterator

import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient, TestServer

from pets_service.app import create_app
from petstore_cli.embedded import Server, free_port, kafka_server
from records_worker.app import create_app as create_worker
from tests.pets_service.helpers import Client, create_pet, problem
from tests.records_worker.helpers import record_state
from tests.records_worker.intake import pets_settings, vaccination_body, worker_settings
from tests.support import wait_until


@pytest.fixture
def broker() -> Iterator[Server]:
    """A broker of this test's own, to stop and start again on the same port."""
    server = kafka_server(free_port()).start()
    yield server
    server.stop()


async def record_keys(redis: aioredis.Redis, prefix: str) -> list[bytes]:
    return [key async for key in redis.scan_iter(match=f"{prefix}medical-record:*")]


async def post_record(api: Client, rw: dict[str, str], pet_id: str) -> tuple[int, dict[str, str]]:
    resp = await api.post(f"/v1/pets/{pet_id}/medical-records", json=vaccination_body(), headers=rw)
    await resp.read()
    return resp.status, dict(resp.headers)


async def test_broker_down_is_503_without_a_trace_then_recovers_by_itself(
    broker: Server,
    redis_url: str,
    key_prefix: str,
    rw: dict[str, str],
    redis_client: aioredis.Redis,
) -> None:
    settings = pets_settings(
        redis_url, key_prefix, f"127.0.0.1:{broker.port}", kafka_timeout_ms=1000
    )
    async with TestClient(TestServer(create_app(settings))) as api:
        pet = await create_pet(api, rw)
        assert (await post_record(api, rw, pet["id"]))[0] == 202
        broker.kill()  # a crash; SIGTERM makes it wait for its clients

        started = time.monotonic()
        resp = await api.post(
            f"/v1/pets/{pet['id']}/medical-records", json=vaccination_body(), headers=rw
        )
        body = await problem(resp, 503, "service-unavailable")
        assert time.monotonic() - started < 1.5
        assert resp.headers["Retry-After"] == "5"
        assert body["retryAfter"] == 5
        assert "broker" in body["detail"]
        # Only the record accepted before the outage is left; the refused one is gone.
        assert len(await record_keys(redis_client, key_prefix)) == 1

        # The pets API and readiness do not depend on the broker.
        assert (await api.get("/readyz")).status == 200
        assert (await api.get(f"/v1/pets/{pet['id']}", headers=rw)).status == 200

        broker.start()
        await wait_until(lambda: post_record(api, rw, pet["id"]), lambda r: r[0] == 202)
        assert len(await record_keys(redis_client, key_prefix)) == 2


async def test_service_starts_while_the_broker_is_down_and_publishes_once_it_is_up(
    redis_url: str, key_prefix: str, rw: dict[str, str]
) -> None:
    port = free_port()
    settings = pets_settings(redis_url, key_prefix, f"127.0.0.1:{port}", kafka_timeout_ms=500)
    async with TestClient(TestServer(create_app(settings))) as api:
        assert (await api.get("/readyz")).status == 200
        pet = await create_pet(api, rw)
        status, headers = await post_record(api, rw, pet["id"])
        assert status == 503
        assert headers["Retry-After"] == "5"
        late = kafka_server(port).start()
        try:
            await wait_until(lambda: post_record(api, rw, pet["id"]), lambda r: r[0] == 202)
        finally:
            late.kill()


async def test_a_broker_that_does_not_answer_is_503_within_the_timeout(
    redis_url: str, key_prefix: str, rw: dict[str, str], redis_client: aioredis.Redis
) -> None:
    connected = asyncio.Event()

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connected.set()
        await reader.read()  # never answers
        writer.close()

    black_hole = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = black_hole.sockets[0].getsockname()[1]
    settings = pets_settings(redis_url, key_prefix, f"127.0.0.1:{port}", kafka_timeout_ms=800)
    try:
        async with TestClient(TestServer(create_app(settings))) as api:
            pet = await create_pet(api, rw)
            started = time.monotonic()
            resp = await api.post(
                f"/v1/pets/{pet['id']}/medical-records", json=vaccination_body(), headers=rw
            )
            elapsed = time.monotonic() - started
            await problem(resp, 503, "service-unavailable")
            assert connected.is_set()
            assert elapsed < 0.8 + 0.5
            assert await record_keys(redis_client, key_prefix) == []
    finally:
        black_hole.close()
        await black_hole.wait_closed()


async def test_records_lost_by_a_broker_restart_are_published_again_and_finished(
    broker: Server,
    redis_url: str,
    key_prefix: str,
    rw: dict[str, str],
    redis_client: aioredis.Redis,
) -> None:
    """The embedded broker keeps messages in memory: a restart loses them, not the record."""
    settings = pets_settings(
        redis_url, key_prefix, f"127.0.0.1:{broker.port}", record_republish_after_seconds=1.0
    )
    async with TestClient(TestServer(create_app(settings))) as api:
        pet = await create_pet(api, rw)
        resp = await api.post(
            f"/v1/pets/{pet['id']}/medical-records", json=vaccination_body(), headers=rw
        )
        assert resp.status == 202
        record_id = (await resp.json())["id"]
        broker.kill()  # a crash; SIGTERM makes it wait for its clients
        broker.start()  # empty: no topic, no message, no offsets
        async with TestServer(create_worker(worker_settings(settings))):
            state = await wait_until(
                lambda: record_state(redis_client, key_prefix, record_id),
                lambda s: s["status"] == "COMPLETED",
            )
        assert state["effects"] == 1
