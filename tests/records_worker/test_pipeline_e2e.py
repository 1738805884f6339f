"""The whole 202 pipeline through real processes: pets-service and records-worker on free ports."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.records_worker.intake import (
    pets_env,
    pets_settings,
    vaccination_body,
    worker_env,
    worker_settings,
)
from tests.records_worker.processes import Process, start
from tests.support import TokenFactory, wait_until


@pytest.fixture
def services(
    redis_url: str, key_prefix: str, kafka_bootstrap: str, tmp_path: Path
) -> Iterator[tuple[Process, Process]]:
    pets = pets_settings(redis_url, key_prefix, kafka_bootstrap)
    worker = worker_settings(pets)
    pets_proc = start("pets-service", "PETS_SERVICE_PORT", pets_env(pets), tmp_path / "pets.log")
    try:
        worker_proc = start(
            "records-worker", "RECORDS_WORKER_PORT", worker_env(worker), tmp_path / "worker.log"
        )
        try:
            yield pets_proc, worker_proc
        finally:
            assert worker_proc.terminate() == 0, worker_proc.tail()
    finally:
        assert pets_proc.terminate() == 0, pets_proc.tail()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def poll_status(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str]
) -> dict[str, Any]:
    """Poll as a client should: again after Retry-After while the record is PROCESSING (a
    test need not wait the whole second it is offered)."""

    async def status() -> dict[str, Any]:
        async with http.get(url, headers=headers) as resp:
            assert resp.status == 200
            body: dict[str, Any] = await resp.json()
            if body["status"] != "PROCESSING":
                assert "Retry-After" not in resp.headers
            else:
                assert resp.headers["Retry-After"] == "1"
            return body

    final: dict[str, Any] = await wait_until(
        status, lambda body: body["status"] != "PROCESSING", within=10, interval=0.1, what=url
    )
    return final


async def test_post_202_poll_then_get_the_processed_record(
    services: tuple[Process, Process], http: aiohttp.ClientSession, token: TokenFactory
) -> None:
    pets, worker = services
    headers = {"Authorization": f"Bearer {token('read:pets', 'write:pets')}"}
    async with http.post(
        pets.url + "/v1/pets", json={"name": "Rex", "species": "DOG"}, headers=headers
    ) as resp:
        assert resp.status == 201
        pet = await resp.json()

    async with http.post(
        f"{pets.url}/v1/pets/{pet['id']}/medical-records",
        json=vaccination_body(vaccine="DHPP"),
        headers={**headers, "Idempotency-Key": "e2e-1"},
    ) as resp:
        assert resp.status == 202
        accepted = await resp.json()
        assert resp.headers["Location"] == accepted["statusUrl"]

    status = await poll_status(http, pets.url + resp.headers["Location"], headers)
    assert status["status"] == "COMPLETED"
    assert status["petId"] == pet["id"]
    async with http.get(pets.url + status["resultUrl"], headers=headers) as resp:
        assert resp.status == 200
        record = await resp.json()
    assert record["id"] == accepted["id"]
    assert record["vaccine"] == "DHPP"
    assert record["nextDueDate"] == "2026-03-01"

    async with http.post(
        f"{pets.url}/v1/pets/{pet['id']}/medical-records",
        json=vaccination_body(vaccine="Moonbeam"),
        headers=headers,
    ) as resp:
        assert resp.status == 202
        failing = await resp.json()
    status = await poll_status(http, pets.url + failing["statusUrl"], headers)
    assert status["status"] == "FAILED"
    assert status["problem"]["status"] == 422
    async with http.get(f"{pets.url}/v1/medical-records/{failing['id']}", headers=headers) as resp:
        assert resp.status == 404
        assert resp.content_type == "application/problem+json"

    for service in (pets, worker):
        async with http.get(service.url + "/readyz") as resp:
            assert resp.status == 200, service.name
    async with http.get(worker.url + "/metrics") as resp:
        text = await resp.text()
    assert "records_processed_total 1.0" in text
    assert "records_failed_total 1.0" in text
