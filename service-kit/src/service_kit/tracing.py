"""Request ids (X-Request-ID = traceId) and W3C traceparent propagation."""

import contextvars
import random
import re

from aiohttp import web

REQUEST_ID_HEADER = "X-Request-ID"
TRACEPARENT_HEADER = "traceparent"

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")

current_trace_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_trace_id", default="-"
)
TRACE_ID_KEY = web.RequestKey("trace_id", str)
TRACE_HEX_KEY = web.RequestKey("trace_hex", str)


def new_trace_hex() -> str:
    # Random, not secret: trace ids need no cryptographic strength, and os.urandom (a system
    # call) on every request shows in the services' CPU profiles. Never all zeros (W3C).
    return f"{random.getrandbits(128) or 1:032x}"


def new_span_hex() -> str:
    return f"{random.getrandbits(64) or 1:016x}"


def resolve_ids(request: web.Request) -> tuple[str, str]:
    """Return (trace id for X-Request-ID, 32-hex W3C trace id) for this request."""
    parent = _TRACEPARENT.match(request.headers.get(TRACEPARENT_HEADER, ""))
    trace_hex = parent.group(1) if parent else None
    incoming = request.headers.get(REQUEST_ID_HEADER)
    if incoming is not None and _SAFE_ID.match(incoming):
        return incoming, trace_hex or _hex_of(incoming)
    if trace_hex is None:
        trace_hex = new_trace_hex()
    return trace_hex, trace_hex


def _hex_of(request_id: str) -> str:
    compact = request_id.replace("-", "").lower()
    if len(compact) == 32 and all(c in "0123456789abcdef" for c in compact):
        return compact
    return new_trace_hex()


def bind(request: web.Request) -> str:
    """Resolve and remember the ids of this request (once: an outer middleware may have
    bound them already, and a new id would split the trace); returns the trace id."""
    trace_id = request.get(TRACE_ID_KEY)
    if trace_id is None:
        trace_id, trace_hex = resolve_ids(request)
        request[TRACE_ID_KEY] = trace_id
        request[TRACE_HEX_KEY] = trace_hex
    current_trace_id.set(trace_id)
    return trace_id


def trace_id_of(request: web.Request) -> str:
    try:
        return request[TRACE_ID_KEY]
    except KeyError:
        return bind(request)


def outgoing_headers(request: web.Request) -> dict[str, str]:
    """Headers that carry this request's trace to an upstream call (a new span id)."""
    trace_id = trace_id_of(request)
    trace_hex = request[TRACE_HEX_KEY]
    return {
        REQUEST_ID_HEADER: trace_id,
        TRACEPARENT_HEADER: f"00-{trace_hex}-{new_span_hex()}-01",
    }
