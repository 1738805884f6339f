"""The worker against a real broker and Redis: results, failures, duplicates, withdrawn records."""

from typing import Any

import orjson
import redis.asyncio as aioredis

from records_worker.settings import Settings
from service_kit.medical_records import processing_key, record_key
from tests.records_worker.helpers import (
    BASE,
    Client,
    metric,
    produce,
    record_state,
    seed,
    text,
    vaccination,
)
from tests.support import wait_until


async def finished(redis: aioredis.Redis, prefix: str, record_id: str) -> dict[str, Any]:
    return await wait_until(
        lambda: record_state(redis, prefix, record_id),
        lambda state: state["status"] in ("COMPLETED", "FAILED"),
    )


async def test_vaccination_completes_with_next_due_date(
    worker: Client, settings: Settings, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    payload = vaccination(vaccine="  rabies ", notes="left shoulder")
    await seed(redis_client, key_prefix, payload)
    await produce(settings.kafka_bootstrap_servers, settings.topic, [orjson.dumps(payload)])

    state = await finished(redis_client, key_prefix, payload["id"])
    assert state["status"] == "COMPLETED"
    assert state["effects"] == 1
    result = state["result"]
    assert result["id"] == payload["id"]
    assert result["petId"] == payload["petId"]
    assert result["vaccine"] == "Rabies"
    assert result["nextDueDate"] == "2026-03-01"
    assert result["notes"] == "left shoulder"
    assert result["processedAt"].endswith("Z")
    assert await redis_client.zscore(processing_key(key_prefix), payload["id"]) is None
    updated = await redis_client.hget(record_key(key_prefix, payload["id"]), "updatedAt")
    assert updated is not None
    assert text(updated) == result["processedAt"]

    resp = await worker.get("/metrics")
    assert resp.status == 200
    assert metric(await resp.text(), "records_processed_total") == 1


async def test_other_types_get_their_follow_up_dates(
    worker: Client, settings: Settings, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    checkup = vaccination(type="CHECKUP", date="2024-02-29")
    surgery = vaccination(type="SURGERY", procedure="Spay")
    medication = vaccination(type="MEDICATION", medication="Amoxicillin", dosage="250 mg")
    for payload in (checkup, surgery, medication):
        del payload["vaccine"]
        await seed(redis_client, key_prefix, payload)
    values = [orjson.dumps(p) for p in (checkup, surgery, medication)]
    await produce(settings.kafka_bootstrap_servers, settings.topic, values)

    assert (await finished(redis_client, key_prefix, checkup["id"]))["result"][
        "nextCheckupDate"
    ] == "2025-02-28"
    assert (await finished(redis_client, key_prefix, surgery["id"]))["result"][
        "followUpDate"
    ] == "2025-03-15"
    state = await finished(redis_client, key_prefix, medication["id"])
    assert state["status"] == "COMPLETED"
    assert state["result"]["dosage"] == "250 mg"


async def test_unknown_vaccine_fails_with_a_problem_body(
    worker: Client, settings: Settings, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    payload = vaccination(vaccine="Snake oil")
    await seed(redis_client, key_prefix, payload)
    await produce(
        settings.kafka_bootstrap_servers,
        settings.topic,
        [orjson.dumps(payload)],
        trace_id="trace-abc-123",
    )

    state = await finished(redis_client, key_prefix, payload["id"])
    assert state["status"] == "FAILED"
    assert state["effects"] == 1
    assert "result" not in state
    problem = state["problem"]
    assert problem["type"] == BASE + "record-processing-failed"
    assert problem["status"] == 422
    assert problem["title"] == "Record Processing Failed"
    assert "Snake oil" in problem["detail"]
    assert problem["instance"] == f"/v1/medical-records/{payload['id']}/status"
    assert problem["traceId"] == "trace-abc-123"
    assert [e["field"] for e in problem["errors"]] == ["vaccine"]

    resp = await worker.get("/metrics")
    assert metric(await resp.text(), "records_failed_total") == 1


async def test_an_invalid_payload_fails_listing_every_field(
    worker: Client, settings: Settings, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    payload = vaccination(type="GROOMING", date="2025-02-30", notes=7)
    await seed(redis_client, key_prefix, payload)
    await produce(settings.kafka_bootstrap_servers, settings.topic, [orjson.dumps(payload)])

    state = await finished(redis_client, key_prefix, payload["id"])
    assert state["status"] == "FAILED"
    assert sorted(e["field"] for e in state["problem"]["errors"]) == ["date", "notes", "type"]


async def test_redelivered_copies_have_no_second_effect(
    worker: Client, settings: Settings, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    payload = vaccination()
    await seed(redis_client, key_prefix, payload)
    # The same record three times (a redelivery and a republish), then a marker record.
    marker = vaccination()
    await seed(redis_client, key_prefix, marker)
    values = [orjson.dumps(payload)] * 3 + [orjson.dumps(marker)]
    await produce(settings.kafka_bootstrap_servers, settings.topic, values)

    await finished(redis_client, key_prefix, marker["id"])
    state = await finished(redis_client, key_prefix, payload["id"])
    assert state["status"] == "COMPLETED"
    assert state["effects"] == 1
    text = await (await worker.get("/metrics")).text()
    assert metric(text, "records_processed_total") == 2
    assert metric(text, 'records_skipped_total{reason="duplicate"}') == 2


async def test_a_withdrawn_record_is_skipped_and_the_next_one_processed(
    worker: Client, settings: Settings, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    """No status entry means the POST answered 503 and withdrew it: nothing is written."""
    withdrawn, after = vaccination(), vaccination()
    await seed(redis_client, key_prefix, after)
    values = [orjson.dumps(withdrawn), orjson.dumps(after)]
    await produce(settings.kafka_bootstrap_servers, settings.topic, values)

    assert (await finished(redis_client, key_prefix, after["id"]))["status"] == "COMPLETED"
    assert await redis_client.exists(record_key(key_prefix, withdrawn["id"])) == 0
    text = await (await worker.get("/metrics")).text()
    assert metric(text, 'records_skipped_total{reason="withdrawn"}') == 1
