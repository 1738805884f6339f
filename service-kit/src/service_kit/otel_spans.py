"""The spans the services make when tracing is on (never imported when it is off)."""

import contextvars
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol, TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler
from opentelemetry import context, trace
from opentelemetry.trace import Span, SpanKind, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from service_kit import tracing

T = TypeVar("T")

# The trace id a root span takes (0: a random one); see otel_sdk.RequestTraceIds.
next_trace_id: contextvars.ContextVar[int] = contextvars.ContextVar("next_trace_id", default=0)
tracer: trace.Tracer = trace.NoOpTracer()
propagator = TraceContextTextMapPropagator()
_HEX32 = re.compile(r"^[0-9a-f]{32}$")


class _Answer(Protocol):
    @property
    def status(self) -> int: ...


def use(chosen: trace.Tracer) -> None:
    global tracer
    tracer = chosen


def parent_of(carrier: Mapping[str, str], trace_hex: str) -> context.Context | None:
    """The remote parent in ``carrier`` if it belongs to ``trace_hex``; else the root span
    gets ``trace_hex`` as its trace id."""
    parent = propagator.extract(carrier)
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
    with tracer.start_as_current_span(
        f"{request.method} {route}".rstrip(),
        context=parent_of(request.headers, request[tracing.TRACE_HEX_KEY]),
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
    with tracer.start_as_current_span(name, kind=kind, attributes=attributes):
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
    with tracer.start_as_current_span(
        f"{method} {peer}",
        kind=SpanKind.CLIENT,
        attributes={"http.request.method": method, "url.path": path, "server.address": peer},
    ) as span:
        carried = dict(headers)
        propagator.inject(carried)
        resp = await send(carried)
        _answered(span, resp.status)
        return resp
