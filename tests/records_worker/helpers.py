"""What the records-worker tests share: seeding records as the pets service would, the broker."""

import time
import uuid
from typing import Any

import orjson
import redis.asyncio as aioredis
from aiohttp import web
from aiohttp.test_utils import TestClient
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord

from service_kit.medical_records import (
    F_CREATED_AT,
    F_EFFECTS,
    F_ID,
    F_PAYLOAD,
    F_PET_ID,
    F_PROBLEM,
    F_RESULT,
    F_STATUS,
    F_UPDATED_AT,
    TRACE_HEADER,
    RecordStatus,
    processing_key,
    record_key,
)

BASE = "http://problems.test/problems/"
Client = TestClient[web.Request, web.Application]
PET_ID = "01890a5d-ac96-774b-bcce-b302099a8057"


def vaccination(**fields: Any) -> dict[str, Any]:
    """A valid record payload as the pets service publishes it."""
    return {
        F_ID: str(uuid.uuid4()),
        F_PET_ID: PET_ID,
        "type": "VACCINATION",
        "date": "2025-03-01",
        "vaccine": "Rabies",
        F_CREATED_AT: "2025-03-01T10:00:00.000Z",
        **fields,
    }


async def seed(redis: aioredis.Redis, prefix: str, payload: dict[str, Any]) -> None:
    """Write the PROCESSING entry the pets service writes before publishing."""
    record_id = str(payload[F_ID])
    await redis.hset(
        record_key(prefix, record_id),
        mapping={
            F_ID: record_id,
            F_PET_ID: str(payload.get(F_PET_ID, "")),
            F_STATUS: str(RecordStatus.PROCESSING),
            F_CREATED_AT: str(payload.get(F_CREATED_AT, "")),
            F_UPDATED_AT: str(payload.get(F_CREATED_AT, "")),
            F_PAYLOAD: orjson.dumps(payload),
        },
    )
    await redis.zadd(processing_key(prefix), {record_id: time.time()})


def text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def record_state(redis: aioredis.Redis, prefix: str, record_id: str) -> dict[str, Any]:
    """status, effects (int), result and problem (decoded) of one record."""
    raw = await redis.hgetall(record_key(prefix, record_id))
    fields = {text(key): value for key, value in raw.items()}
    state: dict[str, Any] = {
        "status": text(fields[F_STATUS]) if F_STATUS in fields else None,
        "effects": int(fields.get(F_EFFECTS, 0)),
    }
    for name in (F_RESULT, F_PROBLEM):
        if name in fields:
            state[name] = orjson.loads(fields[name])
    return state


async def produce(
    bootstrap: str,
    topic: str,
    values: list[bytes],
    *,
    key: bytes = PET_ID.encode(),
    trace_id: str | None = None,
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", request_timeout_ms=5000)
    await producer.start()
    try:
        headers = [(TRACE_HEADER, trace_id.encode())] if trace_id else None
        for value in values:
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int, within: float = 10.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every message of ``topic`` from the beginning, once ``at_least`` have arrived."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        if not partitions:
            await consumer._client.force_metadata_update()  # the topic may be brand new
            partitions = [
                TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or [0]
            ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                found.extend(messages)
            if len(found) >= at_least:
                # Anything more that is already there shows up in one more short poll.
                for messages in (await consumer.getmany(timeout_ms=300)).values():
                    found.extend(messages)
                return found
        return found
    finally:
        await consumer.stop()


def metric(text: str, name: str) -> float:
    """The value of one sample line of a Prometheus text exposition (0 when absent)."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total
