"""The application factory: health, readiness and metrics over HTTP; the consumer behind them."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from records_worker.consumer import RecordsConsumer
from records_worker.handling import RecordHandler
from records_worker.metrics import WorkerMetrics
from records_worker.settings import Settings
from records_worker.storage import RecordStore
from service_kit.health import setup_health
from service_kit.metrics import setup_metrics
from service_kit.middleware import setup_problems
from service_kit.redis_client import connect

SERVICE = "records-worker"
log = logging.getLogger("records_worker.app")

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", RecordStore)
METRICS = web.AppKey("worker_metrics", WorkerMetrics)
CONSUMER = web.AppKey("consumer", RecordsConsumer)


def create_app(settings: Settings) -> web.Application:
    app = web.Application()
    app[SETTINGS] = settings
    setup_problems(app, settings.problem_base_url)
    app[METRICS] = WorkerMetrics.register(setup_metrics(app, SERVICE))
    setup_health(
        app,
        {"redis": lambda: app[STORE].ping(), "kafka": lambda: _broker(app)},
        targets={"redis": settings.redis_url, "kafka": settings.kafka_bootstrap_servers},
    )
    app.cleanup_ctx.append(redis_ctx)
    app.cleanup_ctx.append(consumer_ctx)
    return app


async def _broker(app: web.Application) -> None:
    await app[CONSUMER].broker_reachable()


async def redis_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    # No I/O here: the client connects on first use, so a Redis that is down delays
    # processing (retried) rather than start-up.
    redis = connect(
        settings.redis_url,
        timeout=settings.redis_timeout,
        max_connections=settings.concurrency + 4,
    )
    app[STORE] = RecordStore(redis, settings.redis_key_prefix)
    yield
    await app[STORE].close()


async def consumer_ctx(app: web.Application) -> AsyncIterator[None]:
    """The consumer runs until shutdown, which lets the batch in hand finish and commit,
    then leaves the group. It starts (and keeps retrying) without holding up start-up."""
    settings = app[SETTINGS]
    stopping = asyncio.Event()
    handler = RecordHandler(settings, app[STORE], app[METRICS], stopping)
    consumer = RecordsConsumer(settings, handler, app[METRICS], stopping)
    app[CONSUMER] = consumer
    task = asyncio.create_task(consumer.run(), name="records-consumer")
    yield
    stopping.set()
    try:
        async with asyncio.timeout(settings.shutdown_timeout):
            await asyncio.shield(task)
    except TimeoutError:
        log.warning("the consumer did not stop in time; cancelling it")
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
