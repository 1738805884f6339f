"""The consume loop: batches processed concurrently, offsets committed only past finished records.

A session is one consumer-group membership. Anything that breaks it (broker gone, a failed
commit) ends it; a new one starts after a jittered backoff and resumes from the committed
offsets, so a record is never skipped: at worst it is delivered again, which has no effect.
"""

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError
from aiokafka.structs import ConsumerRecord
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

from records_worker.handling import Outcome, RecordHandler
from records_worker.metrics import WorkerMetrics
from records_worker.settings import Settings
from records_worker.stopping import pause, stop_when_set
from service_kit.kafka_topics import ensure_topics

log = logging.getLogger("records_worker.consumer")

POLL_TIMEOUT_MS = 500
# How long the broker may hold a fetch with nothing to return. The embedded broker holds it
# for the whole wait even when records arrive, so this bounds 202 -> COMPLETED: measured by
# make bench, 100 ms gave p50 46 / p99 52 ms; 40 ms gives 15 / 21 ms at 2,200 records/s
# (20 ms: 5 / 12 ms, but ~2,000 records/s, the idle fetches costing CPU).
FETCH_MAX_WAIT_MS = 40
Batch = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]


class _FinishBatchFirst(ConsumerRebalanceListener):  # type: ignore[misc]
    """Partitions are given up only after the batch in hand is processed and committed."""

    def __init__(self, lock: asyncio.Lock) -> None:
        self._lock = lock

    async def on_partitions_revoked(self, _revoked: Iterable[TopicPartition]) -> None:
        async with self._lock:
            pass

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        log.info(
            "partitions assigned", extra={"partitions": sorted(tp.partition for tp in assigned)}
        )


class RecordsConsumer:
    def __init__(
        self,
        settings: Settings,
        handler: RecordHandler,
        metrics: WorkerMetrics,
        stopping: asyncio.Event,
    ) -> None:
        self._settings = settings
        self._handler = handler
        self._metrics = metrics
        self._stopping = stopping
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._batch_lock = asyncio.Lock()
        self._consumer: AIOKafkaConsumer | None = None
        self._committed: dict[TopicPartition, int] = {}

    async def broker_reachable(self) -> None:
        """Readiness: a metadata round trip through the running consumer."""
        if self._consumer is None:
            raise ConnectionError("the consumer is not connected")
        await self._consumer.topics()

    async def run(self) -> None:
        """Sessions until shutdown begins; in-flight records are finished and committed."""
        retrying = AsyncRetrying(
            stop=stop_when_set(self._stopping),
            wait=wait_exponential_jitter(multiplier=0.5, max=5.0, jitter=0.5),
            retry=retry_if_exception_type(Exception),
            sleep=self._pause,
            before_sleep=self._log_session_end,
            reraise=False,
            retry_error_callback=lambda state: None,
        )
        async for attempt in retrying:
            with attempt:
                await self._session()

    async def _pause(self, seconds: float) -> None:
        await pause(self._stopping, seconds)

    def _log_session_end(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "consumer session ended; starting a new one",
            extra={"error": type(error).__name__, "detail": str(error)[:200]},
        )

    async def _session(self) -> None:
        settings = self._settings
        consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            group_id=settings.consumer_group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=settings.session_timeout_ms,
            heartbeat_interval_ms=max(100, settings.session_timeout_ms // 4),
            request_timeout_ms=max(settings.kafka_timeout_ms, settings.session_timeout_ms + 1000),
            max_poll_records=settings.concurrency * 2,
            # The embedded broker holds a fetch for its whole wait even when records arrive.
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
            client_id="records-worker",
        )
        dlq = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            acks="all",
            request_timeout_ms=settings.kafka_timeout_ms,
            client_id="records-worker-dlq",
        )
        consumer.subscribe([settings.topic], listener=_FinishBatchFirst(self._batch_lock))
        try:
            await ensure_topics(
                settings.kafka_bootstrap_servers,
                {settings.topic: settings.partitions, settings.dlq_topic: 1},
                timeout_s=settings.kafka_timeout,
            )
            await consumer.start()
            await dlq.start()
            self._consumer = consumer
            self._committed.clear()
            log.info("consuming", extra={"topic": settings.topic, "group": settings.consumer_group})
            while not self._stopping.is_set():
                batch: Batch = await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS)
                if batch:
                    async with self._batch_lock:
                        stalled = await self._process_batch(consumer, dlq, batch)
                    if stalled:
                        await self._pause(1.0)
                await self._update_lag(consumer)
        finally:
            self._consumer = None
            await self._close(consumer, dlq)

    async def _process_batch(
        self, consumer: AIOKafkaConsumer, dlq: AIOKafkaProducer, batch: Batch
    ) -> bool:
        """Process every record, commit each partition up to its first unfinished record and
        rewind the partition there. True when some record could not be finished."""
        partitions = list(batch)
        done = await asyncio.gather(*(self._process_partition(dlq, batch[tp]) for tp in partitions))
        offsets: dict[TopicPartition, int] = {}
        stalled = False
        for tp, (next_offset, finished_all) in zip(partitions, done, strict=True):
            if next_offset is not None:
                offsets[tp] = next_offset
            if not finished_all:
                stalled = True
                consumer.seek(tp, next_offset if next_offset is not None else batch[tp][0].offset)
        if offsets:
            await self._commit(consumer, offsets)
        return stalled

    async def _process_partition(
        self, dlq: AIOKafkaProducer, messages: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> tuple[int | None, bool]:
        """(offset to commit, or None when the first record is unfinished; all finished?)"""
        results = await asyncio.gather(
            *(self._process_one(dlq, message) for message in messages), return_exceptions=True
        )
        next_offset: int | None = None
        for message, result in zip(messages, results, strict=True):
            if isinstance(result, BaseException):
                if isinstance(result, asyncio.CancelledError):
                    raise result
                log.warning(
                    "record left unfinished; it will be delivered again",
                    extra={
                        "partition": message.partition,
                        "offset": message.offset,
                        "error": type(result).__name__,
                    },
                )
                return next_offset, False
            next_offset = message.offset + 1
        return next_offset, True

    async def _process_one(
        self, dlq: AIOKafkaProducer, message: ConsumerRecord[bytes, bytes]
    ) -> Outcome:
        async with self._slots:
            with self._metrics.in_flight.track_inprogress():
                return await self._handler.handle(message, dlq)

    async def _commit(self, consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
        try:
            async with asyncio.timeout(self._settings.kafka_timeout):
                await consumer.commit(offsets)
            self._committed.update(offsets)
        except CommitFailedError:
            # The group rebalanced: these partitions belong to another member now, which
            # starts from the last commit; the records it sees again are skipped by id.
            log.warning("commit refused after a rebalance; the new owner redelivers")

    async def _update_lag(self, consumer: AIOKafkaConsumer) -> None:
        lag = 0
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            committed = self._committed.get(tp)
            if committed is None:
                try:
                    async with asyncio.timeout(0.1):
                        committed = await consumer.position(tp)
                except Exception:  # a partition being revoked, or no position yet
                    continue
            lag += max(0, highwater - committed)
        self._metrics.lag.set(lag)

    async def _close(self, consumer: AIOKafkaConsumer, dlq: AIOKafkaProducer) -> None:
        # Stopping leaves the group, so the partitions move at once rather than after the
        # session timeout. A broker that is gone cannot hold shutdown up past the timeout.
        _leave_even_at_generation_zero(consumer)
        for client in (consumer, dlq):
            try:
                async with asyncio.timeout(self._settings.kafka_timeout):
                    await client.stop()
            except Exception as exc:  # closing is best effort; the session is over anyway
                log.warning("closing a kafka client failed", extra={"error": type(exc).__name__})


def _leave_even_at_generation_zero(consumer: AIOKafkaConsumer) -> None:
    """aiokafka sends LeaveGroup only past generation 0 (Apache Kafka's first generation is
    1), but the embedded broker numbers its first generation 0: without this, a worker that
    stops there leaves its partitions idle until its session times out."""
    coordinator: Any = getattr(consumer, "_coordinator", None)
    if getattr(coordinator, "generation", None) == 0 and getattr(coordinator, "member_id", ""):
        coordinator.generation = 1  # LeaveGroup carries only the group and member ids
