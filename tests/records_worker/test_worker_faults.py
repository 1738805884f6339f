"""Poison messages, Redis outages and readiness: the worker carries on and loses nothing."""

import dataclasses
from typing import Any

import orjson
import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient, TestServer

from petstore_cli.embedded import Server, free_port
from records_worker.app import create_app
from records_worker.settings import Settings
from tests.records_worker.helpers import (
    BASE,
    Client,
    metric,
    produce,
    read_topic,
    record_state,
    seed,
    vaccination,
)
from tests.support import wait_until


async def completed(redis: aioredis.Redis, prefix: str, record_id: str) -> dict[str, Any]:
    return await wait_until(
        lambda: record_state(redis, prefix, record_id),
        lambda state: state["status"] == "COMPLETED",
    )


async def metrics_of(client: Client) -> str:
    resp = await client.get("/metrics")
    assert resp.status == 200
    return await resp.text()


async def test_unreadable_messages_go_to_the_dlq_once_and_the_worker_carries_on(
    settings: Settings, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    good, later = vaccination(), vaccination()
    await seed(redis_client, key_prefix, good)
    await seed(redis_client, key_prefix, later)
    poison = [b"\x00not json", b'{"petId": "x", "type": "VACCINATION"}', b"[1, 2, 3]"]
    await produce(settings.kafka_bootstrap_servers, settings.topic, [*poison, orjson.dumps(good)])
    async with TestClient(TestServer(create_app(settings))) as worker:
        await completed(redis_client, key_prefix, good["id"])
        assert metric(await metrics_of(worker), "records_dead_lettered_total") == 3

    dead = await read_topic(settings.kafka_bootstrap_servers, settings.dlq_topic, at_least=3)
    assert sorted(m.value or b"" for m in dead) == sorted(poison)
    reasons = {m.value: dict(m.headers) for m in dead}
    assert reasons[b"\x00not json"]["x-dlq-reason"] == b"not-json"
    assert reasons[b'{"petId": "x", "type": "VACCINATION"}']["x-dlq-reason"] == b"missing-id"
    assert reasons[b"[1, 2, 3]"]["x-dlq-reason"] == b"not-an-object"
    for headers in reasons.values():
        assert headers["x-original-topic"] == settings.topic.encode()
        assert headers["x-dlq-detail"]
        assert int(headers["x-original-offset"]) >= 0

    # The poison was committed past: a new worker in the same group starts after it.
    await produce(settings.kafka_bootstrap_servers, settings.topic, [orjson.dumps(later)])
    async with TestClient(TestServer(create_app(settings))) as worker:
        await completed(redis_client, key_prefix, later["id"])
        text = await metrics_of(worker)
        assert metric(text, "records_dead_lettered_total") == 0
        assert metric(text, "records_processed_total") == 1
    again = await read_topic(settings.kafka_bootstrap_servers, settings.dlq_topic, at_least=3)
    assert len(again) == 3


async def test_records_wait_out_a_redis_outage_uncommitted_then_complete_once(
    settings: Settings, own_redis: Server
) -> None:
    url = f"redis://127.0.0.1:{own_redis.port}/0"
    settings = dataclasses.replace(
        settings, redis_url=url, redis_timeout_ms=200, retry_window_seconds=0.5
    )
    prefix = settings.redis_key_prefix
    first, second = vaccination(), vaccination()
    redis = aioredis.Redis.from_url(url, socket_timeout=2)
    try:
        await seed(redis, prefix, first)
        await seed(redis, prefix, second)
        await redis.save()  # the restarted server loads this snapshot: the entries survive
        async with TestClient(TestServer(create_app(settings))) as worker:
            await wait_until(lambda: worker.get("/readyz"), lambda r: r.status == 200)
            own_redis.stop()
            values = [orjson.dumps(first), orjson.dumps(second)]
            await produce(settings.kafka_bootstrap_servers, settings.topic, values)

            # Past the retry window the batch stops at the record and is fetched again.
            await wait_until(
                lambda: metrics_of(worker),
                lambda text: metric(text, "records_retried_total") >= 4,
            )
            # Readiness is checked at most once a second: the outage shows within that.
            resp = await wait_until(
                lambda: worker.get("/readyz"), lambda r: r.status != 200, within=2.5
            )
            assert resp.status == 503
            assert resp.headers["Retry-After"] == "1"
            body = await resp.json(content_type=None)
            assert body["type"] == BASE + "service-unavailable"
            assert body["checks"] == {"redis": "unreachable", "kafka": "ok"}

            own_redis.start()
            await redis.aclose()  # its connection died with the server
            for record in (first, second):
                state = await completed(redis, prefix, record["id"])
                assert state["effects"] == 1
            assert metric(await metrics_of(worker), "records_processed_total") == 2
            ready = await wait_until(
                lambda: worker.get("/readyz"), lambda r: r.status == 200, within=2.5
            )
            assert ready.status == 200
    finally:
        await redis.aclose()


async def test_health_and_readiness(worker: Client, settings: Settings) -> None:
    resp = await worker.get("/healthz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok"}
    resp = await wait_until(lambda: worker.get("/readyz"), lambda r: r.status == 200)
    assert await resp.json() == {"status": "ready", "checks": {"redis": "ok", "kafka": "ok"}}
    text = await metrics_of(worker)
    for name in (
        "records_processed_total",
        "records_failed_total",
        "records_retried_total",
        "records_dead_lettered_total",
        "records_consumer_lag",
        "records_in_flight",
    ):
        assert f"\n{name} " in text, name


async def test_not_ready_while_the_broker_is_unreachable(settings: Settings) -> None:
    settings = dataclasses.replace(
        settings, kafka_bootstrap_servers=f"127.0.0.1:{free_port()}", kafka_timeout_ms=300
    )
    async with TestClient(TestServer(create_app(settings))) as worker:
        assert (await worker.get("/healthz")).status == 200
        resp = await worker.get("/readyz")
        assert resp.status == 503
        body = await resp.json(content_type=None)
        assert body["checks"] == {"redis": "ok", "kafka": "unreachable"}
        assert "Traceback" not in await resp.text()
