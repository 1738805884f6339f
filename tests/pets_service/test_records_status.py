"""Polling a record: PROCESSING with Retry-After, then COMPLETED with its result, or FAILED."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.client import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from pets_service.app import create_app
from pets_service.settings import Settings
from records_worker.app import create_app as create_worker
from tests.pets_service.helpers import BASE, Client, create_pet, problem
from tests.records_worker.intake import pets_settings, vaccination_body, worker_settings
from tests.support import TokenFactory, wait_until


@pytest.fixture
def records_settings(redis_url: str, key_prefix: str, kafka_bootstrap: str) -> Settings:
    return pets_settings(redis_url, key_prefix, kafka_bootstrap)


@pytest.fixture
async def api(records_settings: Settings) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(records_settings))) as client:
        yield client


@pytest.fixture
async def worker(records_settings: Settings) -> AsyncIterator[TestServer]:
    server = TestServer(create_worker(worker_settings(records_settings)))
    await server.start_server()
    yield server
    await server.close()


async def accept(api: Client, rw: dict[str, str], **fields: Any) -> str:
    pet = await create_pet(api, rw)
    resp = await api.post(
        f"/v1/pets/{pet['id']}/medical-records", json=vaccination_body(**fields), headers=rw
    )
    assert resp.status == 202, await resp.text()
    record_id: str = (await resp.json())["id"]
    return record_id


async def final_status(api: Client, headers: dict[str, str], record_id: str) -> ClientResponse:
    async def poll() -> ClientResponse:
        resp = await api.get(f"/v1/medical-records/{record_id}/status", headers=headers)
        await resp.read()
        return resp

    return await wait_until(poll, lambda r: r.status != 200 or "Retry-After" not in r.headers)


async def test_processing_status_asks_to_poll_again(
    api: Client, rw: dict[str, str], reader: dict[str, str]
) -> None:
    record_id = await accept(api, rw)
    resp = await api.get(f"/v1/medical-records/{record_id}/status", headers=reader)
    assert resp.status == 200
    assert resp.headers["Retry-After"] == "1"
    assert resp.headers["Cache-Control"] == "no-store"
    body = await resp.json()
    assert body["id"] == record_id
    assert body["status"] == "PROCESSING"
    assert body["createdAt"] == body["updatedAt"]
    assert body["createdAt"].endswith("Z")
    assert "resultUrl" not in body
    assert "problem" not in body

    resp = await api.get(f"/v1/medical-records/{record_id}", headers=reader)
    found = await problem(resp, 404, "not-found")
    assert f"/v1/medical-records/{record_id}/status" in found["detail"]


async def test_completed_status_links_the_processed_record(
    api: Client, worker: TestServer, rw: dict[str, str], reader: dict[str, str]
) -> None:
    record_id = await accept(api, rw, vaccine="bordetella")
    resp = await final_status(api, reader, record_id)
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "COMPLETED"
    assert body["resultUrl"] == f"/v1/medical-records/{record_id}"
    assert body["updatedAt"] >= body["createdAt"]
    assert "problem" not in body

    resp = await api.get(body["resultUrl"], headers=reader)
    assert resp.status == 200
    assert resp.content_type == "application/json"
    record = await resp.json()
    assert record["id"] == record_id
    assert record["petId"] == body["petId"]
    assert record["vaccine"] == "Bordetella"
    assert record["nextDueDate"] == "2025-08-28"


async def test_failed_status_carries_the_problem(
    api: Client, worker: TestServer, rw: dict[str, str], reader: dict[str, str]
) -> None:
    record_id = await accept(api, rw, vaccine="Unicorn dust")
    resp = await final_status(api, reader, record_id)
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "FAILED"
    assert "resultUrl" not in body
    failure = body["problem"]
    assert failure["type"] == BASE + "record-processing-failed"
    assert failure["status"] == 422
    assert failure["instance"] == f"/v1/medical-records/{record_id}/status"
    assert [e["field"] for e in failure["errors"]] == ["vaccine"]

    resp = await api.get(f"/v1/medical-records/{record_id}", headers=reader)
    found = await problem(resp, 404, "not-found")
    assert "could not be processed" in found["detail"]


@pytest.mark.parametrize("record_id", [str(uuid.uuid4()), "nope", "1" * 300])
async def test_unknown_records_are_404(api: Client, reader: dict[str, str], record_id: str) -> None:
    await problem(
        await api.get(f"/v1/medical-records/{record_id}/status", headers=reader), 404, "not-found"
    )
    await problem(
        await api.get(f"/v1/medical-records/{record_id}", headers=reader), 404, "not-found"
    )


async def test_reading_needs_a_token_and_read_pets(
    api: Client, rw: dict[str, str], token: TokenFactory
) -> None:
    record_id = await accept(api, rw)
    resp = await api.get(f"/v1/medical-records/{record_id}/status")
    await problem(resp, 401, "unauthorized")
    resp = await api.get(
        f"/v1/medical-records/{record_id}/status",
        headers={"Authorization": f"Bearer {token('write:pets')}"},
    )
    body = await problem(resp, 403, "forbidden")
    assert body["requiredScope"] == "read:pets"


async def test_other_methods_are_405(api: Client, rw: dict[str, str]) -> None:
    record_id = await accept(api, rw)
    resp = await api.delete(f"/v1/medical-records/{record_id}", headers=rw)
    body = await problem(resp, 405, "method-not-allowed")
    assert resp.headers["Allow"] == "GET, HEAD"
    assert body["allowedMethods"] == ["GET", "HEAD"]
