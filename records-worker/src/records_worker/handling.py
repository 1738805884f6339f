"""One delivery: read it, process it once by record id, or dead-letter it; retry the transient."""

import asyncio
import enum
import logging
from datetime import datetime

import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord
from redis.exceptions import RedisError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_delay,
    stop_any,
    wait_exponential_jitter,
)

from records_worker.metrics import WorkerMetrics
from records_worker.processing import now_rfc3339, process
from records_worker.settings import Settings
from records_worker.stopping import stop_when_set
from records_worker.storage import Finish, RecordStore
from service_kit import otel
from service_kit.medical_records import (
    F_CREATED_AT,
    F_PROBLEM,
    F_RESULT,
    TRACE_HEADER,
    RecordMessage,
    RecordStatus,
    UnreadableMessage,
    status_url,
)
from service_kit.problems import RecordProcessingFailed, problem_body
from service_kit.tracing import current_trace_id

log = logging.getLogger("records_worker.handling")

TRANSIENT = (RedisError, KafkaError, OSError, TimeoutError)


class Outcome(enum.Enum):
    COMPLETED = "completed"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"
    DEAD_LETTERED = "dead-lettered"


class RecordHandler:
    def __init__(
        self,
        settings: Settings,
        store: RecordStore,
        metrics: WorkerMetrics,
        stopping: asyncio.Event,
    ) -> None:
        self._settings = settings
        self._store = store
        self._metrics = metrics
        self._stopping = stopping
        base = settings.problem_base_url
        self._type_base = base if base.endswith("/") else base + "/"

    async def handle(self, message: ConsumerRecord[bytes, bytes], dlq: AIOKafkaProducer) -> Outcome:
        """Raises only when transient failures outlast the retry window (or shutdown began):
        the record is then left uncommitted, to be delivered again."""
        trace_id = _header(message, TRACE_HEADER) or "-"
        current_trace_id.set(trace_id)
        if otel.enabled:
            from service_kit.otel_kafka import consume

            with consume(message.topic, message.headers or (), trace_id):
                return await self._retried(message, dlq)
        return await self._retried(message, dlq)

    async def _retried(
        self, message: ConsumerRecord[bytes, bytes], dlq: AIOKafkaProducer
    ) -> Outcome:
        retrying = AsyncRetrying(
            stop=stop_any(
                stop_after_delay(self._settings.retry_window_seconds), stop_when_set(self._stopping)
            ),
            wait=wait_exponential_jitter(multiplier=0.05, max=2.0, jitter=0.1),
            retry=retry_if_exception_type(TRANSIENT),
            before_sleep=self._count_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                outcome = await self._handle_once(message, dlq)
        return outcome

    def _count_retry(self, state: RetryCallState) -> None:
        self._metrics.retried.inc()
        error = state.outcome.exception() if state.outcome else None
        log.warning("transient failure, retrying", extra={"error": type(error).__name__})

    async def _handle_once(
        self, message: ConsumerRecord[bytes, bytes], dlq: AIOKafkaProducer
    ) -> Outcome:
        try:
            record = RecordMessage.decode(message.value)
        except UnreadableMessage as unreadable:
            await self._dead_letter(message, unreadable, dlq)
            return Outcome.DEAD_LETTERED
        status = await self._store.status(record.id)
        if status is None:
            self._metrics.skipped.labels("withdrawn").inc()
            return Outcome.WITHDRAWN
        if status != RecordStatus.PROCESSING:
            self._metrics.skipped.labels("duplicate").inc()
            return Outcome.DUPLICATE
        await asyncio.sleep(self._settings.processing_delay_ms / 1000)
        return await self._finish(record)

    async def _finish(self, record: RecordMessage) -> Outcome:
        status, field, value = self._outcome(record)
        finished = await self._store.finish(record.id, status, field, value, now_rfc3339())
        if finished is Finish.WITHDRAWN:
            self._metrics.skipped.labels("withdrawn").inc()
            return Outcome.WITHDRAWN
        if finished is Finish.ALREADY_DONE:
            self._metrics.skipped.labels("duplicate").inc()
            return Outcome.DUPLICATE
        self._observe_latency(record)
        if status is RecordStatus.COMPLETED:
            self._metrics.processed.inc()
            log.info("record completed", extra={"recordId": record.id})
            return Outcome.COMPLETED
        self._metrics.failed.inc()
        log.info("record failed", extra={"recordId": record.id})
        return Outcome.FAILED

    def _outcome(self, record: RecordMessage) -> tuple[RecordStatus, str, bytes]:
        """The final status, the field it is written to, and its JSON."""
        try:
            result = process(record.payload)
        except RecordProcessingFailed as failure:
            return RecordStatus.FAILED, F_PROBLEM, self._problem(record, failure)
        except Exception:  # a bug must fail this record, not stop the partition behind it
            log.exception("processing raised", extra={"recordId": record.id})
            return RecordStatus.FAILED, F_PROBLEM, self._problem(record, RecordProcessingFailed())
        return RecordStatus.COMPLETED, F_RESULT, orjson.dumps(result)

    def _problem(self, record: RecordMessage, failure: RecordProcessingFailed) -> bytes:
        body = problem_body(
            failure,
            type_base=self._type_base,
            instance=status_url(record.id),
            trace_id=current_trace_id.get(),
        )
        return orjson.dumps(body)

    def _observe_latency(self, record: RecordMessage) -> None:
        created = record.payload.get(F_CREATED_AT)
        if not isinstance(created, str):
            return
        try:
            accepted = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            return
        finished = datetime.fromisoformat(now_rfc3339().replace("Z", "+00:00"))
        self._metrics.latency.observe(max(0.0, (finished - accepted).total_seconds()))

    async def _dead_letter(
        self,
        message: ConsumerRecord[bytes, bytes],
        unreadable: UnreadableMessage,
        dlq: AIOKafkaProducer,
    ) -> None:
        headers = [
            ("x-dlq-reason", unreadable.reason.encode()),
            ("x-dlq-detail", str(unreadable).encode()),
            ("x-original-topic", message.topic.encode()),
            ("x-original-partition", str(message.partition).encode()),
            ("x-original-offset", str(message.offset).encode()),
        ]
        async with asyncio.timeout(self._settings.kafka_timeout):
            await dlq.send_and_wait(
                self._settings.dlq_topic, message.value, key=message.key, headers=headers
            )
        self._metrics.dead_lettered.inc()
        log.warning(
            "message dead-lettered",
            extra={
                "reason": unreadable.reason,
                "partition": message.partition,
                "offset": message.offset,
            },
        )


def _header(message: ConsumerRecord[bytes, bytes], name: str) -> str | None:
    for key, value in message.headers or ():
        if key == name and value:
            text = bytes(value).decode(errors="replace")
            return text if text.isprintable() and len(text) <= 128 else None
    return None
