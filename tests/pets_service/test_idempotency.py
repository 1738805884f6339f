"""Idempotency-Key on POST /v1/pets and POST /v1/pets/{id}/medical-records."""

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient, TestServer

from pets_service.app import create_app
from pets_service.settings import Settings
from pets_service.storage.keys import Keys
from tests.pets_service.helpers import Client, bearer, problem
from tests.records_worker.helpers import read_topic
from tests.records_worker.intake import pets_settings, vaccination_body
from tests.support import TokenFactory

REX = {"name": "Rex", "species": "DOG"}


@pytest.fixture
def records_settings(redis_url: str, key_prefix: str, kafka_bootstrap: str) -> Settings:
    return pets_settings(redis_url, key_prefix, kafka_bootstrap, idempotency_ttl_seconds=3600)


@pytest.fixture
async def api(records_settings: Settings) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(records_settings))) as client:
        yield client


async def pet_count(api: Client, headers: dict[str, str]) -> int:
    resp = await api.get("/v1/pets", params={"limit": "100"}, headers=headers)
    assert resp.status == 200
    return len((await resp.json())["items"])


async def test_same_key_and_body_replays_the_first_answer(api: Client, rw: dict[str, str]) -> None:
    headers = {**rw, "Idempotency-Key": "create-rex-1"}
    first = await api.post("/v1/pets", json=REX, headers=headers)
    assert first.status == 201
    assert "Idempotent-Replayed" not in first.headers
    # The same request, byte for byte, as a retry sends it.
    second = await api.post("/v1/pets", json=REX, headers=headers)
    assert second.status == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert await second.read() == await first.read()
    for name in ("Location", "ETag", "Content-Type"):
        assert second.headers[name] == first.headers[name]
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert await pet_count(api, rw) == 1
    # The same JSON laid out differently is another request: the key covers the body's bytes.
    third = await api.post(
        "/v1/pets",
        data=b'{ "species": "DOG",\n  "name": "Rex" }',
        headers={**headers, "Content-Type": "application/json"},
    )
    await problem(third, 422, "idempotency-key-reused")


async def test_same_key_with_another_body_is_422(api: Client, rw: dict[str, str]) -> None:
    headers = {**rw, "Idempotency-Key": '"quoted-key"'}
    assert (await api.post("/v1/pets", json=REX, headers=headers)).status == 201
    resp = await api.post("/v1/pets", json={**REX, "name": "Max"}, headers=headers)
    body = await problem(resp, 422, "idempotency-key-reused")
    assert "different request" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["Idempotency-Key"]
    # The quotes of a structured-field string are not part of the key.
    resp = await api.post("/v1/pets", json=REX, headers={**rw, "Idempotency-Key": "quoted-key"})
    assert resp.headers["Idempotent-Replayed"] == "true"
    assert await pet_count(api, rw) == 1


async def test_keys_belong_to_their_caller(api: Client, token: TokenFactory) -> None:
    alice = {**bearer(token("read:pets", "write:pets", sub="alice")), "Idempotency-Key": "k1"}
    bob = {**bearer(token("read:pets", "write:pets", sub="bob")), "Idempotency-Key": "k1"}
    first = await api.post("/v1/pets", json=REX, headers=alice)
    other = await api.post("/v1/pets", json=REX, headers=bob)
    assert first.status == other.status == 201
    assert "Idempotent-Replayed" not in other.headers
    assert (await first.json())["id"] != (await other.json())["id"]


async def test_failed_requests_are_not_kept(api: Client, rw: dict[str, str]) -> None:
    headers = {**rw, "Idempotency-Key": "fix-and-retry"}
    resp = await api.post("/v1/pets", json={"name": "Rex"}, headers=headers)
    await problem(resp, 422, "validation-error")
    assert "Idempotent-Replayed" not in resp.headers
    # Not a replay of the 422 and not a "different body" either: the key is free again.
    resp = await api.post("/v1/pets", json=REX, headers=headers)
    assert resp.status == 201
    assert "Idempotent-Replayed" not in resp.headers


@pytest.mark.parametrize("key", ["", "   ", '""', "k" * 256, "tab\there", "naïve"])
async def test_malformed_keys_are_400(
    api: Client, rw: dict[str, str], key: str, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    resp = await api.post(
        "/v1/pets", json=REX, headers={**rw, "Idempotency-Key": key.encode().decode("latin-1")}
    )
    body = await problem(resp, 400, "bad-request")
    assert body["errors"][0]["field"] == "Idempotency-Key"
    assert await pet_count(api, rw) == 0


async def test_a_255_character_key_is_fine(api: Client, rw: dict[str, str]) -> None:
    resp = await api.post("/v1/pets", json=REX, headers={**rw, "Idempotency-Key": "k" * 255})
    assert resp.status == 201


async def test_kept_for_the_configured_time(
    api: Client,
    rw: dict[str, str],
    records_settings: Settings,
    redis_client: aioredis.Redis,
    key_prefix: str,
) -> None:
    resp = await api.post("/v1/pets", json=REX, headers={**rw, "Idempotency-Key": "ttl"})
    assert resp.status == 201
    ttl = await redis_client.ttl(Keys(key_prefix).idempotency("alice", "ttl"))
    assert records_settings.idempotency_ttl_seconds - 5 < ttl <= 3600


async def test_medical_record_is_accepted_once_per_key(
    api: Client, rw: dict[str, str], records_settings: Settings
) -> None:
    pet = await (await api.post("/v1/pets", json=REX, headers=rw)).json()
    url = f"/v1/pets/{pet['id']}/medical-records"
    headers = {**rw, "Idempotency-Key": "vaccination-2025-03-01"}
    first = await api.post(url, json=vaccination_body(), headers=headers)
    second = await api.post(url, json=vaccination_body(), headers=headers)
    assert first.status == second.status == 202
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == first.headers["Location"]
    assert await second.json() == await first.json()
    # Another pet's path with the same key and body is another request.
    other = await (await api.post("/v1/pets", json=REX, headers=rw)).json()
    resp = await api.post(
        f"/v1/pets/{other['id']}/medical-records", json=vaccination_body(), headers=headers
    )
    await problem(resp, 422, "idempotency-key-reused")
    messages = await read_topic(
        records_settings.kafka_bootstrap_servers,
        records_settings.medical_records_topic,
        at_least=2,
        within=1.0,
    )
    assert len(messages) == 1


async def test_a_retry_while_the_first_runs_is_409_and_a_503_is_not_kept(
    redis_url: str, key_prefix: str, rw: dict[str, str]
) -> None:
    """A broker that accepts connections but never answers keeps the first request running."""
    connected = asyncio.Event()

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connected.set()
        await reader.read()
        writer.close()

    black_hole = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = black_hole.sockets[0].getsockname()[1]
    settings = pets_settings(redis_url, key_prefix, f"127.0.0.1:{port}", kafka_timeout_ms=1500)
    try:
        async with TestClient(TestServer(create_app(settings))) as api:
            pet = await (await api.post("/v1/pets", json=REX, headers=rw)).json()
            url = f"/v1/pets/{pet['id']}/medical-records"
            headers = {**rw, "Idempotency-Key": "slow-one"}
            first = asyncio.create_task(api.post(url, json=vaccination_body(), headers=headers))
            await asyncio.wait_for(connected.wait(), 5)
            resp = await api.post(url, json=vaccination_body(), headers=headers)
            body = await problem(resp, 409, "request-in-flight")
            assert resp.headers["Retry-After"] == "1"
            assert body["retryAfter"] == 1
            resp = await api.post(url, json=vaccination_body(notes="x"), headers=headers)
            await problem(resp, 422, "idempotency-key-reused")

            await problem(await first, 503, "service-unavailable")
            again = await api.post(url, json=vaccination_body(), headers=headers)
            await problem(again, 503, "service-unavailable")
            assert "Idempotent-Replayed" not in again.headers
    finally:
        black_hole.close()
        await black_hole.wait_closed()
