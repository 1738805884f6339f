"""The Kafka spans when tracing is on: the pets service's produce, the worker's consume."""

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind

from service_kit import otel_spans
from service_kit.otel_spans import parent_of, propagator

T = TypeVar("T")
KafkaHeaders = Sequence[tuple[str, bytes]]


async def produce(
    topic: str, headers: KafkaHeaders, trace_id: str, send: Callable[[KafkaHeaders], Awaitable[T]]
) -> T:
    """A Kafka produce in a producer span, its context in the message's ``traceparent``."""
    parent = None
    if not trace.get_current_span().get_span_context().is_valid:  # the republisher
        parent = parent_of({}, trace_id)
    with otel_spans.tracer.start_as_current_span(
        f"send {topic}", context=parent, kind=SpanKind.PRODUCER, attributes=_messaging(topic)
    ):
        carrier: dict[str, str] = {}
        propagator.inject(carrier)
        return await send([*headers, *((k, v.encode()) for k, v in carrier.items())])


@contextmanager
def consume(topic: str, headers: KafkaHeaders, trace_id: str) -> Iterator[Span]:
    """The worker's span for one message: a child of (and linked to) its producer's span."""
    carrier = {key: bytes(value).decode(errors="replace") for key, value in headers if value}
    parent = parent_of(carrier, trace_id)
    producer = trace.get_current_span(parent).get_span_context() if parent else None
    links = [Link(producer)] if producer is not None and producer.is_valid else []
    with otel_spans.tracer.start_as_current_span(
        f"process {topic}",
        context=parent,
        kind=SpanKind.CONSUMER,
        attributes=_messaging(topic, "process"),
        links=links,
    ) as span:
        yield span


def _messaging(topic: str, operation: str = "send") -> dict[str, str]:
    return {
        "messaging.system": "kafka",
        "messaging.destination.name": topic,
        "messaging.operation.type": operation,
    }
