"""Publishing again the records left PROCESSING too long (the broker may have lost them).

The embedded broker keeps messages in memory only, and a consumer group's offsets with
them; the status entry in Redis keeps each record's payload, so no accepted record is lost.
The worker finishes a record once by id, so a copy that was not lost after all is harmless.
"""

import asyncio
import contextlib
import logging
import time

from pets_service.records.publisher import BrokerUnavailable, RecordPublisher
from pets_service.records.store import RecordStore
from service_kit.problems import StoreUnavailable

log = logging.getLogger("pets_service.records.republisher")

BATCH = 100


class Republisher:
    def __init__(
        self, store: RecordStore, publisher: RecordPublisher, after_seconds: float
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._after = after_seconds
        # Look a few times per period, so a record waits at most about 1.25 periods.
        self.interval = min(max(after_seconds / 4, 0.2), 15.0)

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                count = await self.republish_stale()
            except StoreUnavailable:  # Redis is down: the next round tries again
                count = 0
            except Exception:  # never let one bad round end the task
                log.exception("republishing failed")
                count = 0
            if count:
                log.info("republished records left PROCESSING", extra={"count": count})
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):  # not wait_for: see redis_client
                    await stopping.wait()

    async def republish_stale(self) -> int:
        """Publish again every record last published over ``after_seconds`` ago."""
        published = 0
        while True:
            now = time.time()
            ids = await self._store.claim_stale(now - self._after, now, BATCH)
            for record_id in ids:
                record = await self._store.unfinished(record_id)
                if record is None:
                    continue
                try:
                    await self._publisher.publish(record.pet_id, record.payload, record.trace_id)
                except BrokerUnavailable:
                    return published  # claimed ids wait another period
                published += 1
            if len(ids) < BATCH:
                return published
