"""The spans the services make when tracing is on (never imported when it is off)."""

import contextvars
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Protocol, TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler
from opentelemetry import context, trace
from opentelemetry.trace import Link, Span, SpanKind, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from service_kit import tracing

T = TypeVar("T")
KafkaHeaders = Sequence[tuple[str, bytes]]

# The trace id a root span takes (0: a random one); see otel_sdk.RequestTraceIds.
next_trace_id: contextvars.ContextVar[int] = contextvars.ContextVar("next_trace_id", default=0)
_tracer: trace.Tracer = trace.NoOpTracer()
_propagator = TraceContextTextMapPropagator()
_HEX32 = re.compile(r"^[0-9a-f]{32}$")


class _Answer(Protocol):
    @property
    def status(self) -> int: ...


def use(tracer: trace.Tracer) -> None:
    global _tracer
    _tracer = tracer


def _parent(carrier: Mapping[str, str], trace_hex: str) -> context.Context | None:
    """The remote parent in ``carrier`` if it belongs to ``trace_hex``; else the root span
    gets ``trace_hex`` as its trace id."""
    parent = _propagator.extract(carrier)
    span_context = trace.get_current_span(parent).get_span_context()
    if span_context.is_valid and f"{span_context.trace_id:032x}" == trace_hex:
        return parent
    next_trace_id.set(int(trace_hex, 16) if _HEX32.match(trace_hex) else 0)
    return context.Context()  # a new trace, not a child of whatever is current


def _answered(span: Span, status: int) -> None:
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(StatusCode.ERROR)


@web.middleware
async def server_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The server span of every request (outermost: installed by ``service_kit.observe``)."""
    tracing.bind(request)
    resource = request.match_info.route.resource
    route = resource.canonical if resource is not None else ""
    with _tracer.start_as_current_span(
        f"{request.method} {route}".rstrip(),
        context=_parent(request.headers, request[tracing.TRACE_HEX_KEY]),
        kind=SpanKind.SERVER,
        attributes={
            "http.request.method": request.method,
            "url.path": request.rel_url.raw_path,
            "http.route": route,
        },
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            _answered(span, exc.status)
            raise
        _answered(span, response.status)
        return response


async def traced(
    name: str,
    call: Awaitable[T],
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, str] | None = None,
) -> T:
    """``await call`` inside a span of its own (a child of the current one)."""
    with _tracer.start_as_current_span(name, kind=kind, attributes=attributes):
        return await call


A = TypeVar("A", bound=_Answer)


async def client_request(
    peer: str,
    method: str,
    path: str,
    headers: Mapping[str, str],
    send: Callable[[Mapping[str, str]], Awaitable[A]],
) -> A:
    """An HTTP call to an upstream in a client span; its ``traceparent`` names that span, so
    the upstream's server span is its child."""
    with _tracer.start_as_current_span(
        f"{method} {peer}",
        kind=SpanKind.CLIENT,
        attributes={"http.request.method": method, "url.path": path, "server.address": peer},
    ) as span:
        carried = dict(headers)
        _propagator.inject(carried)
        resp = await send(carried)
        _answered(span, resp.status)
        return resp


async def produce(
    topic: str, headers: KafkaHeaders, trace_id: str, send: Callable[[KafkaHeaders], Awaitable[T]]
) -> T:
    """A Kafka produce in a producer span, its context in the message's ``traceparent``."""
    parent = None
    if not trace.get_current_span().get_span_context().is_valid:  # the republisher
        parent = _parent({}, trace_id)
    with _tracer.start_as_current_span(
        f"send {topic}", context=parent, kind=SpanKind.PRODUCER, attributes=_messaging(topic)
    ):
        carrier: dict[str, str] = {}
        _propagator.inject(carrier)
        return await send([*headers, *((k, v.encode()) for k, v in carrier.items())])


@contextmanager
def consume(topic: str, headers: KafkaHeaders, trace_id: str) -> Iterator[Span]:
    """The worker's span for one message: a child of (and linked to) its producer's span."""
    carrier = {key: bytes(value).decode(errors="replace") for key, value in headers if value}
    parent = _parent(carrier, trace_id)
    producer = trace.get_current_span(parent).get_span_context() if parent else None
    links = [Link(producer)] if producer is not None and producer.is_valid else []
    with _tracer.start_as_current_span(
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
