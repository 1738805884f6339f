"""Overload shedding: a cap on the /v1 requests the gateway works on at once.

Past ``MAX_IN_FLIGHT`` a /v1 request is answered at once with 503 ``overloaded`` and
``Retry-After: 1``, before the token check, the rate limiter and the upstream call, so an
answer shed costs the gateway almost nothing and the requests it admitted keep their
latency, instead of every request queueing toward a timeout (docs/architecture.md).
"""

from prometheus_client import Counter

from service_kit.problems import Overloaded


class InFlight:
    """How many /v1 requests are between the gate and their answer; ``enter`` refuses past
    the cap. One event loop: a plain counter is exact."""

    __slots__ = ("_shed", "cap", "count")

    def __init__(self, cap: int, shed: Counter) -> None:
        self.cap = cap
        self.count = 0
        self._shed = shed

    def enter(self) -> None:
        """Count one more request in flight, or raise its 503 (counted as shed)."""
        if self.count >= self.cap:
            self._shed.inc()
            raise Overloaded(
                f"The gateway is working on {self.cap} requests already; retry shortly."
            )
        self.count += 1

    def leave(self) -> None:
        self.count -= 1

    def gauge(self) -> float:
        return float(self.count)
