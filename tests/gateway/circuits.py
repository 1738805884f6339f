"""What an open circuit looks like from outside: its answer and its metrics lines."""

from tests.gateway.leaks import Reply
from tests.gateway.support import BASE

RESET = 0.5  # CIRCUIT_RESET_SECONDS of the gateways the circuit tests start


def state_line(upstream: str, state: str) -> str:
    return f'gateway_circuit_state{{state="{state}",upstream="{upstream}"}} 1.0'


def transitions_line(upstream: str, state: str, count: int) -> str:
    return f'gateway_circuit_transitions_total{{state="{state}",upstream="{upstream}"}} {count}.0'


def assert_circuit_open(reply: Reply, reset: float = RESET) -> None:
    assert reply.status == 503
    body = reply.json()
    assert body["type"] == BASE + "circuit-open"
    assert body["status"] == 503
    seconds = int(reply.headers["Retry-After"])
    assert 1 <= seconds <= max(1, int(reset + 0.999))
    assert body["retryAfter"] == seconds
    assert "X-RateLimit-Remaining" in reply.headers  # it passed the limiter like any /v1 answer
