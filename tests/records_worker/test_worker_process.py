"""The worker as a real process: SIGTERM finishes the records in hand, commits, exits 0."""

import asyncio
from pathlib import Path

import orjson
import redis.asyncio as aioredis
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from records_worker.settings import Settings
from tests.records_worker.helpers import metric, produce, record_state, seed, vaccination
from tests.records_worker.intake import worker_env
from tests.records_worker.processes import start
from tests.support import wait_until


async def group_members(settings: Settings) -> list[object]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([settings.consumer_group])
        [group] = response.groups
        return list(group[-1])  # members
    finally:
        await admin.close()


async def committed_total(settings: Settings) -> int:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group,
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        total = 0
        for partition in range(settings.partitions):
            total += await consumer.committed(TopicPartition(settings.topic, partition)) or 0
        return total
    finally:
        await consumer.stop()


async def test_sigterm_finishes_in_flight_records_commits_and_exits_0(
    settings: Settings, redis_client: aioredis.Redis, key_prefix: str, tmp_path: Path
) -> None:
    env = {**worker_env(settings), "RECORD_PROCESSING_DELAY_MS": "1500"}
    worker = await asyncio.to_thread(
        start, "records-worker", "RECORDS_WORKER_PORT", env, tmp_path / "worker.log"
    )
    try:
        records = [vaccination() for _ in range(5)]
        for record in records:
            await seed(redis_client, key_prefix, record)
        await produce(
            settings.kafka_bootstrap_servers, settings.topic, [orjson.dumps(r) for r in records]
        )

        async def scrape() -> str:
            return await asyncio.to_thread(_get, worker.url + "/metrics")

        await wait_until(scrape, lambda text: metric(text, "records_in_flight") == 5)
        code = await asyncio.to_thread(worker.terminate)
        assert code == 0, worker.tail()
    finally:
        worker.kill()

    for record in records:
        state = await record_state(redis_client, key_prefix, record["id"])
        assert state["status"] == "COMPLETED"
        assert state["effects"] == 1
    assert await committed_total(settings) == 5
    assert await group_members(settings) == []  # it left the group rather than timing out
    assert "Traceback" not in worker.tail(200)


def _get(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=2) as resp:
        return str(resp.read().decode())
