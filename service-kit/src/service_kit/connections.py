"""Slow clients and connection floods, handled at the connection (docs/security.md).

- A request's header block must be complete within ``header_timeout`` of its first byte (of
  the connection's opening, for the first request): past it, a request that has started
  gets a 408 problem and the connection closes; one that never started is closed silently.
- Its body must be complete within ``body_timeout`` of the end of the head: past it, the
  handler reading it gets the 408 problem and the connection closes after the answer.
- At most ``max_connections`` are open at once, and ``max_connections_per_ip`` from one
  client address; the next one gets a 503 problem with Retry-After and is closed.
"""

import logging
from collections import Counter
from dataclasses import dataclass

import orjson
from aiohttp import web

from service_kit import problems, tracing
from service_kit.jsonutil import PROBLEM_JSON

log = logging.getLogger("service_kit.connections")


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout: float = 10.0
    body_timeout: float = 10.0
    max_connections: int = 1024
    max_connections_per_ip: int = 256


CONNECTION_LIMITS = web.AppKey("connection_limits", ConnectionLimits)


class BodyTimeout(problems.RequestTimeout, TimeoutError):
    """Set on a request's body stream when it is late. A TimeoutError too, so that aiohttp's
    draining of a body nobody read ends quietly on it."""


class ConnectionGate:
    """Open connections, in all and per client address, for one server."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self.total = 0
        self.by_ip: Counter[str] = Counter()

    def admit(self, ip: str) -> bool:
        limits = self.limits
        if self.total >= limits.max_connections or self.by_ip[ip] >= limits.max_connections_per_ip:
            return False
        self.total += 1
        self.by_ip[ip] += 1
        return True

    def release(self, ip: str) -> None:
        self.total -= 1
        self.by_ip[ip] -= 1
        if self.by_ip[ip] <= 0:
            del self.by_ip[ip]


def raw_problem(problem: problems.Problem, type_base: str) -> bytes:
    """A whole HTTP/1.1 answer for a connection no request object exists for."""
    trace_id = tracing.new_trace_hex()
    body = problems.problem_body(problem, type_base=type_base, instance="", trace_id=trace_id)
    del body["instance"]  # no request line was read, or it cannot be trusted
    data = orjson.dumps(body)
    head = [
        f"HTTP/1.1 {problem.status} {problem.title}",
        f"Content-Type: {PROBLEM_JSON}",
        f"Content-Length: {len(data)}",
        f"{tracing.REQUEST_ID_HEADER}: {trace_id}",
        "Connection: close",
        *(f"{name}: {value}" for name, value in problem.headers.items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data
