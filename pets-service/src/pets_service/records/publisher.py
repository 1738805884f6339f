"""Publishing medical records to Kafka: connects lazily, and again by itself after an outage.

Start-up never waits for the broker: a background task connects (retrying), and a publish
connects on demand. A publish either gets the broker's acknowledgement (acks=all) within
KAFKA_TIMEOUT_MS or raises BrokerUnavailable, which the caller answers with 503.
"""

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter
from tenacity.stop import stop_base

from pets_service.settings import Settings
from service_kit import otel
from service_kit.kafka_topics import ensure_topics
from service_kit.medical_records import TRACE_HEADER

log = logging.getLogger("pets_service.records.publisher")


class BrokerUnavailable(Exception):
    """The broker did not acknowledge the record in time (down, slow or refusing)."""


class _when_closed(stop_base):  # lower case, like tenacity's own stop conditions
    def __init__(self, closed: asyncio.Event) -> None:
        self._closed = closed

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self._closed.is_set()


class RecordPublisher:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._timeout = settings.kafka_timeout_ms / 1000
        self._producer: AIOKafkaProducer | None = None
        self._topics_ready = False
        # Connecting (topics, then the producer) runs in a task of its own that requests
        # wait for but never cancel: aiokafka leaks the socket of a bootstrap cut short,
        # and its own request timeouts already bound every step.
        self._connecting: asyncio.Task[AIOKafkaProducer] | None = None
        self._closed = asyncio.Event()

    async def publish(self, key: str, value: bytes, trace_id: str) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                if self._producer is not None and self._topics_ready:
                    producer = self._producer
                else:
                    producer = await asyncio.shield(self._connect_task())
                topic, headers = (
                    self._settings.medical_records_topic,
                    [(TRACE_HEADER, trace_id.encode())],
                )
                if otel.enabled:
                    from service_kit.otel_kafka import produce

                    await produce(
                        topic,
                        headers,
                        trace_id,
                        lambda carried: producer.send_and_wait(
                            topic, value, key=key.encode(), headers=list(carried)
                        ),
                    )
                else:
                    await producer.send_and_wait(topic, value, key=key.encode(), headers=headers)
        except (TimeoutError, KafkaError, OSError) as exc:
            # A broker that comes back may have lost its topics (the embedded one keeps
            # them in memory): create them again before the next record.
            self._topics_ready = False
            log.warning("publish failed", extra={"error": type(exc).__name__})
            raise BrokerUnavailable(str(exc) or type(exc).__name__) from None

    def _connect_task(self) -> "asyncio.Task[AIOKafkaProducer]":
        if self._connecting is None or self._connecting.done():
            self._connecting = asyncio.create_task(self._connect(), name="records-producer")
            self._connecting.add_done_callback(_retrieve)
        return self._connecting

    async def _connect(self) -> AIOKafkaProducer:
        settings = self._settings
        if not self._topics_ready:
            await ensure_topics(
                settings.kafka_bootstrap_servers,
                {
                    settings.medical_records_topic: settings.medical_records_partitions,
                    settings.medical_records_dlq_topic: 1,
                },
                timeout_s=self._timeout,
            )
            self._topics_ready = True
        if self._producer is None:
            self._producer = await self._start_producer()
        return self._producer

    async def _start_producer(self) -> AIOKafkaProducer:
        settings = self._settings
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            acks="all",
            enable_idempotence=settings.kafka_idempotent_producer,
            request_timeout_ms=settings.kafka_timeout_ms,
            client_id="pets-service",
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        log.info("connected to the broker", extra={"bootstrap": settings.kafka_bootstrap_servers})
        return producer

    async def connect(self) -> None:
        """Connect in the background until it works or the service stops."""
        retrying = AsyncRetrying(
            stop=_when_closed(self._closed),
            wait=wait_exponential_jitter(multiplier=0.5, max=10.0, jitter=0.5),
            retry=retry_if_exception_type((TimeoutError, KafkaError, OSError)),
            sleep=self._pause,
            reraise=False,
            retry_error_callback=lambda state: None,
        )
        async for attempt in retrying:
            with attempt:
                await asyncio.shield(self._connect_task())

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):  # not wait_for: it can lose a cancel (3.11)
                await self._closed.wait()

    async def close(self) -> None:
        self._closed.set()
        connecting = self._connecting
        if connecting is not None and not connecting.done():
            # Bounded by aiokafka's request timeouts (a connect, then a request or two).
            done, _ = await asyncio.wait({connecting}, timeout=3 * self._timeout + 1)
            if not done:
                connecting.cancel()
                await asyncio.wait({connecting})
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                # Stopping flushes what is pending; a broker that is gone cannot hold it up.
                async with asyncio.timeout(self._timeout):
                    await producer.stop()
            except Exception as exc:  # closing is best effort at shutdown
                log.warning("closing the producer failed", extra={"error": type(exc).__name__})


def _retrieve(task: "asyncio.Task[AIOKafkaProducer]") -> None:
    """Mark a failed connect as seen: whoever waited on it has handled the error."""
    if not task.cancelled():
        task.exception()
