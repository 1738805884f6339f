"""POST /v1/pets/{id}/medical-records: 202 only once the broker has the record, else 503."""

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient, TestServer

from pets_service.app import create_app
from pets_service.settings import Settings
from service_kit.medical_records import processing_key, record_key
from tests.pets_service.helpers import Client, bearer, create_pet, error_fields, problem
from tests.records_worker.helpers import read_topic
from tests.records_worker.intake import pets_settings, vaccination_body
from tests.support import TokenFactory, wait_until


@pytest.fixture
def records_settings(redis_url: str, key_prefix: str, kafka_bootstrap: str) -> Settings:
    return pets_settings(redis_url, key_prefix, kafka_bootstrap)


@pytest.fixture
async def api(records_settings: Settings) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(records_settings))) as client:
        yield client


async def record_keys(redis: aioredis.Redis, prefix: str) -> list[bytes]:
    return [key async for key in redis.scan_iter(match=f"{prefix}medical-record:*")]


async def test_accepted_record_is_202_with_location_and_is_on_the_topic(
    api: Client,
    rw: dict[str, str],
    records_settings: Settings,
    redis_client: aioredis.Redis,
    key_prefix: str,
) -> None:
    pet = await create_pet(api, rw)
    body = vaccination_body(notes="booster")
    resp = await api.post(f"/v1/pets/{pet['id']}/medical-records", json=body, headers=rw)

    assert resp.status == 202, await resp.text()
    accepted = await resp.json()
    record_id = accepted["id"]
    assert uuid.UUID(record_id).version == 7
    assert accepted == {
        "id": record_id,
        "status": "PROCESSING",
        "statusUrl": f"/v1/medical-records/{record_id}/status",
    }
    assert resp.headers["Location"] == accepted["statusUrl"]

    entry = await redis_client.hgetall(record_key(key_prefix, record_id))
    assert entry[b"status"] == b"PROCESSING"
    assert entry[b"petId"] == pet["id"].encode()
    assert await redis_client.zscore(processing_key(key_prefix), record_id) is not None

    [message] = await read_topic(
        records_settings.kafka_bootstrap_servers, records_settings.medical_records_topic, at_least=1
    )
    assert message.key == pet["id"].encode()
    payload = orjson.loads(message.value or b"")
    assert payload == {
        "id": record_id,
        "petId": pet["id"],
        "type": "VACCINATION",
        "date": "2025-03-01",
        "vaccine": "Rabies",
        "notes": "booster",
        "createdAt": payload["createdAt"],
    }
    assert orjson.loads(entry[b"payload"]) == payload
    assert dict(message.headers)["x-request-id"] == resp.headers["X-Request-ID"].encode()


@pytest.mark.parametrize("pet_id", [str(uuid.uuid4()), "not-a-uuid"])
async def test_unknown_pet_is_404_and_nothing_is_kept(
    api: Client, rw: dict[str, str], redis_client: aioredis.Redis, key_prefix: str, pet_id: str
) -> None:
    resp = await api.post(f"/v1/pets/{pet_id}/medical-records", json=vaccination_body(), headers=rw)
    await problem(resp, 404, "not-found")
    assert await record_keys(redis_client, key_prefix) == []


TOMORROW_PLUS = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()

INVALID: list[tuple[dict[str, Any], list[str]]] = [
    ({}, ["date", "type"]),
    ({"type": "GROOMING", "date": "2025-01-01"}, ["type"]),
    ({"type": "vaccination", "date": "2025-01-01"}, ["type"]),
    ({"type": "VACCINATION", "date": "2025-01-01"}, ["vaccine"]),
    ({"type": "VACCINATION", "date": "2025-01-01", "vaccine": " "}, ["vaccine"]),
    ({"type": "VACCINATION", "date": "2025-01-01", "vaccine": "v" * 101}, ["vaccine"]),
    ({"type": "MEDICATION", "date": "2025-01-01"}, ["dosage", "medication"]),
    ({"type": "MEDICATION", "date": "2025-01-01", "medication": 5, "dosage": "1"}, ["medication"]),
    ({"type": "ALLERGY", "date": "2025-01-01"}, ["allergen"]),
    ({"type": "SURGERY", "date": "2025-01-01"}, ["procedure"]),
    ({"type": "CHECKUP", "date": "2025-01-01", "vaccine": "Rabies"}, ["vaccine"]),
    ({"type": "CHECKUP", "date": "2025-02-30"}, ["date"]),
    ({"type": "CHECKUP", "date": "01/02/2025"}, ["date"]),
    ({"type": "CHECKUP", "date": "2025-01-01T10:00:00Z"}, ["date"]),
    ({"type": "CHECKUP", "date": 20250101}, ["date"]),
    ({"type": "CHECKUP", "date": TOMORROW_PLUS}, ["date"]),
    ({"type": "CHECKUP", "date": "2025-01-01", "notes": 3}, ["notes"]),
    ({"type": "CHECKUP", "date": "2025-01-01", "notes": "n" * 2001}, ["notes"]),
    ({"type": "CHECKUP", "date": "2025-01-01", "weight": 3}, ["weight"]),
    ({"type": "CHECKUP", "date": "2025-01-01", "id": str(uuid.uuid4())}, ["id"]),
    ({"type": "CHECKUP", "date": "2025-01-01", "status": "COMPLETED"}, ["status"]),
    ({"type": 1, "date": None, "petId": "x", "extra": True}, ["date", "extra", "petId", "type"]),
]


@pytest.mark.parametrize(("body", "fields"), INVALID)
async def test_invalid_record_is_422_listing_every_field(
    api: Client,
    rw: dict[str, str],
    redis_client: aioredis.Redis,
    key_prefix: str,
    body: dict[str, Any],
    fields: list[str],
) -> None:
    pet = await create_pet(api, rw)
    resp = await api.post(f"/v1/pets/{pet['id']}/medical-records", json=body, headers=rw)
    found = await problem(resp, 422, "validation-error")
    assert error_fields(found) == fields
    assert all(error["message"] for error in found["errors"])
    assert await record_keys(redis_client, key_prefix) == []


async def test_every_type_with_its_fields_is_accepted(api: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(api, rw)
    bodies = [
        {"type": "CHECKUP", "date": "2025-01-01"},
        {"type": "SURGERY", "date": "2025-01-01", "procedure": "Dental cleaning"},
        {"type": "MEDICATION", "date": "2025-01-01", "medication": "Amoxicillin", "dosage": "5 ml"},
        {"type": "ALLERGY", "date": "2025-01-01", "allergen": "Chicken", "notes": None},
        {"type": "VACCINATION", "date": datetime.now(UTC).date().isoformat(), "vaccine": "FeLV"},
    ]
    for body in bodies:
        resp = await api.post(f"/v1/pets/{pet['id']}/medical-records", json=body, headers=rw)
        assert resp.status == 202, (body, await resp.text())


async def test_unparseable_bodies_are_400_415_413(api: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(api, rw)
    url = f"/v1/pets/{pet['id']}/medical-records"
    json_headers = {**rw, "Content-Type": "application/json"}
    await problem(await api.post(url, data=b'{"type": ', headers=json_headers), 400, "bad-request")
    await problem(await api.post(url, data=b"[1]", headers=json_headers), 400, "bad-request")
    text_headers = {**rw, "Content-Type": "text/plain"}
    await problem(
        await api.post(url, data=b"type=CHECKUP", headers=text_headers),
        415,
        "unsupported-media-type",
    )
    big = orjson.dumps(vaccination_body(notes="n" * 70_000))
    await problem(await api.post(url, data=big, headers=json_headers), 413, "payload-too-large")


async def test_posting_needs_write_pets(
    api: Client, rw: dict[str, str], token: TokenFactory
) -> None:
    pet = await create_pet(api, rw)
    resp = await api.post(
        f"/v1/pets/{pet['id']}/medical-records",
        json=vaccination_body(),
        headers=bearer(token("read:pets")),
    )
    body = await problem(resp, 403, "forbidden")
    assert body["requiredScope"] == "write:pets"


async def test_republishes_records_left_processing(
    redis_url: str,
    key_prefix: str,
    kafka_bootstrap: str,
    rw: dict[str, str],
    redis_client: aioredis.Redis,
) -> None:
    settings = pets_settings(
        redis_url, key_prefix, kafka_bootstrap, record_republish_after_seconds=0.3
    )
    async with TestClient(TestServer(create_app(settings))) as api:
        pet = await create_pet(api, rw)
        resp = await api.post(
            f"/v1/pets/{pet['id']}/medical-records", json=vaccination_body(), headers=rw
        )
        assert resp.status == 202
        record_id = (await resp.json())["id"]
        started = time.monotonic()
        copies = await read_topic(
            kafka_bootstrap, settings.medical_records_topic, at_least=3, within=10
        )
        assert len(copies) >= 3
        assert time.monotonic() - started >= 0.3
        assert {orjson.loads(m.value or b"")["id"] for m in copies} == {record_id}
        assert {dict(m.headers)["x-request-id"] for m in copies} == {
            resp.headers["X-Request-ID"].encode()
        }
        # Once finished (here by hand; the worker does it for real), it is left alone and
        # leaves the set of unfinished records.
        await redis_client.hset(record_key(key_prefix, record_id), "status", "COMPLETED")
        await wait_until(
            lambda: redis_client.zscore(processing_key(key_prefix), record_id),
            lambda score: score is None,
        )
        settled = len(await read_topic(kafka_bootstrap, settings.medical_records_topic, at_least=3))
        again = await read_topic(
            kafka_bootstrap, settings.medical_records_topic, at_least=settled + 1, within=1.5
        )
        assert len(again) == settled
