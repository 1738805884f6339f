"""~1,000 records while the worker is SIGKILLed twice: every one COMPLETED, exactly once.

Records that wait out a dead worker are also republished by the pets service, so the topic
carries many copies (and the restarted worker gets uncommitted ones again): each record id
must still have exactly one effect.

Prints what it measured: records/s sustained (first 202 to last COMPLETED) and the
202 -> COMPLETED latency (the record's createdAt to updatedAt) at p50 and p99.
"""

import asyncio
import functools
import itertools
import statistics
import time
from datetime import datetime
from pathlib import Path

import aiohttp
import redis.asyncio as aioredis

from service_kit.medical_records import processing_key, record_key
from tests.records_worker.helpers import metric, text
from tests.records_worker.intake import (
    pets_env,
    pets_settings,
    vaccination_body,
    worker_env,
    worker_settings,
)
from tests.records_worker.processes import Process, start
from tests.support import TokenFactory, wait_until

RECORDS = 1000
CLIENTS = 20
RATE = 120.0  # records/s offered, so that both kills land while records keep arriving
KILLS = 2
KILL_AFTER = 150  # records the running worker has finished when it is killed
DEADLINE = 40.0


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


async def completed_count(redis: aioredis.Redis, prefix: str, ids: list[str]) -> int:
    async with redis.pipeline(transaction=False) as pipe:
        for record_id in ids:
            pipe.hget(record_key(prefix, record_id), "status")
        statuses = await pipe.execute()
    return sum(1 for status in statuses if status == b"COMPLETED")


async def test_no_record_lost_or_applied_twice_when_the_worker_is_killed(
    redis_url: str,
    key_prefix: str,
    kafka_bootstrap: str,
    redis_client: aioredis.Redis,
    token: TokenFactory,
    tmp_path: Path,
) -> None:
    # Records waiting out a dead worker are also published again: more copies to absorb.
    pets = pets_settings(redis_url, key_prefix, kafka_bootstrap, record_republish_after_seconds=2.0)
    worker = worker_settings(pets, processing_delay_ms=50)
    quiet = {"LOG_LEVEL": "WARNING"}

    def start_worker(n: int) -> Process:
        env = {**worker_env(worker), **quiet}
        return start("records-worker", "RECORDS_WORKER_PORT", env, tmp_path / f"worker{n}.log")

    pets_proc = await asyncio.to_thread(
        start,
        "pets-service",
        "PETS_SERVICE_PORT",
        {**pets_env(pets), **quiet},
        tmp_path / "pets.log",
    )
    workers = [await asyncio.to_thread(start_worker, 0)]
    headers = {"Authorization": f"Bearer {token('read:pets', 'write:pets')}"}
    accepted: list[str] = []
    kills = 0
    try:
        connector = aiohttp.TCPConnector(limit=CLIENTS)
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=10)
        ) as http:
            async with http.post(
                pets_proc.url + "/v1/pets", json={"name": "Rex", "species": "DOG"}, headers=headers
            ) as resp:
                assert resp.status == 201
                pet_id = (await resp.json())["id"]
            url = f"{pets_proc.url}/v1/pets/{pet_id}/medical-records"
            statuses: list[int] = []

            async def client(share: int) -> None:
                for _ in range(share):
                    slot = next(slots)  # requests go out at RATE, whoever sends them
                    await asyncio.sleep(max(0.0, started + slot / RATE - time.monotonic()))
                    async with http.post(url, json=vaccination_body(), headers=headers) as resp:
                        statuses.append(resp.status)
                        if resp.status == 202:
                            accepted.append((await resp.json())["id"])

            async def processed(process: Process) -> float:
                async with http.get(process.url + "/metrics") as resp:
                    return metric(await resp.text(), "records_processed_total")

            async def chaos() -> None:
                nonlocal kills
                while kills < KILLS:
                    await wait_until(
                        functools.partial(processed, workers[-1]),
                        lambda n: n >= KILL_AFTER,
                        within=30,
                    )
                    # Mid-stream: records arriving, a batch in hand, offsets not all committed.
                    workers[-1].kill()
                    kills += 1
                    assert len(statuses) < RECORDS - CLIENTS, "posting ended before the kill"
                    workers.append(await asyncio.to_thread(start_worker, kills))

            slots = itertools.count()
            started = time.monotonic()
            await asyncio.gather(chaos(), *(client(RECORDS // CLIENTS) for _ in range(CLIENTS)))
            posting = time.monotonic() - started

        assert statuses.count(202) == len(statuses) == RECORDS // CLIENTS * CLIENTS
        assert kills == 2
        await wait_until(
            lambda: completed_count(redis_client, key_prefix, accepted),
            lambda n: n == len(accepted),
            within=DEADLINE,
            interval=0.2,
        )
        finished = time.monotonic() - started
        async with aiohttp.ClientSession() as http, http.get(workers[-1].url + "/metrics") as resp:
            redelivered = metric(await resp.text(), 'records_skipped_total{reason="duplicate"}')
    finally:
        for process in (*workers, pets_proc):
            process.kill()

    async with redis_client.pipeline(transaction=False) as pipe:
        for record_id in accepted:
            pipe.hmget(
                record_key(key_prefix, record_id), ["status", "effects", "createdAt", "updatedAt"]
            )
        rows = await pipe.execute()
    assert [text(row[0]) for row in rows] == ["COMPLETED"] * len(accepted)
    assert [int(row[1]) for row in rows] == [1] * len(accepted)  # no record applied twice
    assert await redis_client.zcard(processing_key(key_prefix)) == 0
    stored = [k async for k in redis_client.scan_iter(match=f"{key_prefix}medical-record:*")]
    assert len(stored) == len(accepted) == len(set(accepted))

    latencies = sorted(parse_time(text(row[3])) - parse_time(text(row[2])) for row in rows)
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"\n{len(accepted)} records, worker SIGKILLed {kills}x: posted in {posting:.1f}s "
        f"({len(accepted) / posting:.0f}/s), all COMPLETED in {finished:.1f}s "
        f"({len(accepted) / finished:.0f} records/s sustained), {redelivered:.0f} redelivered "
        f"copies skipped by the last worker; "
        f"202->COMPLETED p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
    )
