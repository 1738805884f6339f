"""Rate limiting: a fixed window per identity, counted in Redis, one round trip per request.

The hits of requests that arrive in the same event-loop tick leave in one write (RespClient).
"""

import logging
import time

from gateway.metrics import GatewayMetrics
from gateway.settings import FailMode
from gateway.storage import Counted, Storage, StorageUnavailable
from service_kit.problems import ServiceUnavailable, TooManyRequests

log = logging.getLogger("gateway.ratelimit")

FAIL_CLOSED_RETRY_AFTER = 5
_LOG_EVERY_SECONDS = 10.0


class Decision:
    """One request's rate-limit outcome, with the headers every answer to it carries."""

    __slots__ = ("allowed", "headers", "limit", "remaining", "reset", "retry_after")

    def __init__(self, counted: Counted, limit: int, policy: str) -> None:
        now_s = counted.now_ms // 1000
        reset = -(-(counted.now_ms + counted.ttl_ms) // 1000)  # epoch seconds, rounded up
        remaining = max(0, limit - counted.hits)
        self.allowed = counted.allowed
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
        self.retry_after = reset - now_s  # seconds from now until ``reset``: never before it
        self.headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(reset),
            "RateLimit-Policy": policy,
            "RateLimit": f'"default";r={remaining};t={self.retry_after}',
        }


class RateLimiter:
    def __init__(
        self,
        storage: Storage,
        *,
        limit: int,
        window_seconds: int,
        fail_mode: FailMode,
        metrics: GatewayMetrics,
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled  # off: no check, no Redis call, no rate-limit headers
        self._storage = storage
        self.limit = limit
        self._window_ms = window_seconds * 1000
        self._fail_open = fail_mode == "open"
        self.policy = f'"default";q={limit};w={window_seconds}'
        self._metrics = metrics
        self._last_log = 0.0

    async def check(self, identity: str) -> Decision | None:
        """The decision for one request; None when Redis is down and the mode is fail-open.

        Raises 503 when Redis is down and the mode is fail-closed.
        """
        try:
            counted = await self._storage.count_hit(identity, self.limit, self._window_ms)
        except StorageUnavailable as exc:
            self._log_failure(exc)
            if self._fail_open:
                self._metrics.fail_open.inc()
                return None
            self._metrics.fail_closed.inc()
            raise ServiceUnavailable(
                "Rate limiting is unavailable; retry later.", retry_after=FAIL_CLOSED_RETRY_AFTER
            ) from None
        decision = Decision(counted, self.limit, self.policy)
        (self._metrics.allowed if decision.allowed else self._metrics.limited).inc()
        return decision

    def too_many(self, decision: Decision) -> TooManyRequests:
        return TooManyRequests(
            f"Rate limit of {self.limit} requests exceeded; retry in {decision.retry_after} s.",
            retry_after=decision.retry_after,
        )

    def _log_failure(self, exc: StorageUnavailable) -> None:
        now = time.monotonic()
        if now - self._last_log >= _LOG_EVERY_SECONDS:
            self._last_log = now
            mode = "open" if self._fail_open else "closed"
            log.warning("rate limiter cannot reach Redis (%s); failing %s", exc, mode)
