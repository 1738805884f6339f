"""Medical records, the 202 intake: validation, views, the status store, publishing to
Kafka and republishing what the broker may have lost. This module wires them into the app."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from pets_service.records.publisher import RecordPublisher
from pets_service.records.republisher import Republisher
from pets_service.records.store import RecordStore
from pets_service.state import REDIS, SETTINGS
from pets_service.storage.keys import Keys

RECORDS = web.AppKey("records", RecordStore)
PUBLISHER = web.AppKey("publisher", RecordPublisher)


def setup_records(app: web.Application) -> None:
    """Call after the Redis cleanup context is added: these stores use its client."""
    app.cleanup_ctx.append(records_ctx)


async def records_ctx(app: web.Application) -> AsyncIterator[None]:
    """The producer connects in the background, so the service starts (and serves pets)
    while the broker is down, and publishes again by itself once it is back."""
    settings = app[SETTINGS]
    keys = Keys(settings.redis_key_prefix)
    app[RECORDS] = records = RecordStore(app[REDIS], keys)
    app[PUBLISHER] = publisher = RecordPublisher(settings)
    republisher = Republisher(records, publisher, settings.record_republish_after_seconds)
    stopping = asyncio.Event()
    tasks = [
        asyncio.create_task(publisher.connect(), name="records-producer-connect"),
        asyncio.create_task(republisher.run(stopping), name="records-republisher"),
    ]
    yield
    stopping.set()
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await publisher.close()
