"""The 202 pipeline's client: records followed to COMPLETED, timed by the service's clock."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from bench.pipeline import (
    Client,
    PipelineError,
    measure_burst,
    measure_latency,
    parse_time,
    summarize,
)

PET = "0192f0c4-aaaa-7bbb-8ccc-123456789abc"
TAKES = timedelta(milliseconds=12.5)
RECORDS = web.AppKey("records", dict[str, list[object]])


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


async def create_record(request: web.Request) -> web.Response:
    if request.match_info["pet_id"] != PET:
        return web.json_response({"status": 404, "detail": "No such pet."}, status=404)
    record_id = str(uuid.uuid4())
    request.app[RECORDS][record_id] = [datetime.now(UTC), 0]
    return web.json_response(
        {"id": record_id, "status": "PROCESSING"},
        status=202,
        headers={"Location": f"/v1/medical-records/{record_id}/status"},
    )


async def retrieve_status(request: web.Request) -> web.Response:
    entry = request.app[RECORDS].get(request.match_info["record_id"])
    if entry is None:
        return web.json_response({"status": 404}, status=404)
    created, polls = entry
    assert isinstance(created, datetime)
    assert isinstance(polls, int)
    entry[1] = polls + 1
    body = {"id": request.match_info["record_id"], "createdAt": stamp(created)}
    if polls == 0:  # the first look finds it still PROCESSING
        return web.json_response({**body, "status": "PROCESSING"}, headers={"Retry-After": "1"})
    return web.json_response({**body, "status": "COMPLETED", "updatedAt": stamp(created + TAKES)})


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    app = web.Application()
    app[RECORDS] = {}
    app.router.add_post("/v1/pets/{pet_id}/medical-records", create_record)
    app.router.add_get("/v1/medical-records/{record_id}/status", retrieve_status)
    async with (
        TestServer(app, host="127.0.0.1") as server,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
    ):
        yield Client(http, str(server.make_url("")).rstrip("/"), {"Authorization": "Bearer x"})


async def test_records_are_followed_and_timed_by_the_service(client: Client) -> None:
    latency = await measure_latency(client, PET, clients=2, seconds=0.2)
    began, burst = await measure_burst(client, PET, records=20, concurrency=4, drain_s=5)
    result = summarize(latency, began, burst)
    assert result.latency_records == len(latency) >= 2
    assert result.p50_ms == pytest.approx(12.5, abs=0.01)
    assert result.p99_ms == pytest.approx(12.5, abs=0.01)
    assert result.clock.startswith("service")
    assert result.burst_records == result.burst_completed == 20
    assert result.burst_failed == 0
    assert result.records_per_s > 0
    assert result.notes == []


async def test_a_refused_post_says_what_the_service_answered(client: Client) -> None:
    with pytest.raises(PipelineError, match=r"answered 404: No such pet\."):
        await client.post("0192f0c4-0000-7000-8000-000000000000")


def test_parse_time() -> None:
    assert parse_time("2026-01-01T00:00:00.250Z") == pytest.approx(1767225600.25)
    assert parse_time("2026-01-01T00:00:00.250+00:00") == pytest.approx(1767225600.25)
    assert parse_time("2026-01-01T00:00:00Z") is None  # whole seconds are too coarse
    assert parse_time("yesterday.") is None
    assert parse_time(12) is None
