"""Rate limiting: a fixed window per identity, counted in Redis, budgets leased to each gateway.

Redis counts the hits it has leased in each identity's window and never leases past the
limit (``gateway.storage.RATE_LIMIT_SCRIPT``). A gateway admits a request from its own lease
while the lease lasts, and asks Redis for another when it is used up: one round trip per
lease, not per request. A lease is the hits waiting at that moment or, if more, an eighth of
what is left in the window (at most ``RATE_LIMIT_LEASE``), so leases shrink near the limit.

- **Exact as a safety property**: no gateway admits a hit it did not lease, and Redis leases
  no more than the limit, so all replicas together never admit more than the limit.
- **One gateway**: every hit leased is admitted here, in order, so a client's first 429 is
  request limit+1 and ``X-RateLimit-Remaining`` counts down by one per request.
- **Several replicas**: a replica may still hold budget when another one answers 429; a
  client that keeps sending is admitted there. At most one lease per replica (an eighth of
  what was left when it was granted) is unused when the window ends.
- **A full window** is remembered until it ends: 429s cost no Redis call.

The calls of requests that arrive in the same event-loop tick leave in one write (RespClient),
and the requests of one identity that arrive together share one lease call.
"""

import asyncio
import logging
import time

from gateway.metrics import GatewayMetrics
from gateway.settings import FailMode
from gateway.storage import Storage, StorageUnavailable
from service_kit.problems import ServiceUnavailable, TooManyRequests

log = logging.getLogger("gateway.ratelimit")

FAIL_CLOSED_RETRY_AFTER = 5
_LOG_EVERY_SECONDS = 10.0
LEASE_SHARE = 8  # a lease takes at most this fraction (1/8) of what is left of the window
MAX_WINDOWS = 100_000  # identities whose window this gateway remembers; the oldest go first


class Decision:
    """One request's rate-limit outcome, with the headers every answer to it carries."""

    __slots__ = ("allowed", "headers", "limit", "remaining", "reset", "retry_after")

    def __init__(
        self, allowed: bool, limit: int, remaining: int, now_ms: int, reset_ms: int, policy: str
    ) -> None:
        reset = -(-reset_ms // 1000)  # epoch seconds, rounded up
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
        self.retry_after = reset - now_ms // 1000  # seconds from now until ``reset``: never before
        self.headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(reset),
            "RateLimit-Policy": policy,
            "RateLimit": f'"default";r={remaining};t={self.retry_after}',
        }


class _Window:
    """What this gateway knows of one identity's window: its lease and Redis's count."""

    __slots__ = ("count", "ends", "left", "offset_ms", "reset_ms")

    def __init__(self) -> None:
        self.count = 0  # hits leased by every replica, as of this gateway's last lease
        self.left = 0  # hits leased here and not admitted yet
        self.reset_ms = 0  # the window's end, Redis's clock
        self.offset_ms = 0  # Redis's clock minus this machine's
        self.ends = 0.0  # the window's end, time.monotonic(): the lease is void after it


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
        lease: int = 64,
    ) -> None:
        self.enabled = enabled  # off: no check, no Redis call, no rate-limit headers
        self._storage = storage
        self.limit = limit
        self._window_ms = window_seconds * 1000
        self._fail_open = fail_mode == "open"
        self._most = lease
        self.policy = f'"default";q={limit};w={window_seconds}'
        self._metrics = metrics
        self._last_log = 0.0
        self._windows: dict[str, _Window] = {}
        self._leasing: dict[str, asyncio.Task[None]] = {}
        self._demand: dict[str, int] = {}

    async def check(self, identity: str) -> Decision | None:
        """The decision for one request; None when Redis is down and the mode is fail-open.

        Raises 503 when Redis is down and the mode is fail-closed.
        """
        while True:
            window = self._windows.get(identity)
            if window is not None and time.monotonic() < window.ends:
                if window.left > 0:
                    window.left -= 1
                    self._metrics.allowed.inc()
                    return self._decision(window, True)
                if window.count >= self.limit:  # full until it ends, on every replica
                    self._metrics.limited.inc()
                    return self._decision(window, False)
            task = self._leasing.get(identity)
            if task is None:
                task = asyncio.get_running_loop().create_task(self._lease(identity))
                task.add_done_callback(_retrieved)  # read even if every waiter gave up
                self._leasing[identity] = task
                self._demand[identity] = 1
            else:
                self._demand[identity] += 1
            try:
                # Shielded: a request that gives up does not cancel the others' lease.
                await asyncio.shield(task)
            except StorageUnavailable as exc:
                self._unavailable(exc)  # raises the 503 unless the mode is fail-open
                return None

    async def _lease(self, identity: str) -> None:
        """Ask Redis for a lease for the requests of ``identity`` waiting for one."""
        try:
            await asyncio.sleep(0)  # the requests of this tick join: one call for them all
            demand = self._demand[identity]
            asked = time.monotonic()
            lease = await self._storage.lease(
                identity, self.limit, self._window_ms, demand, self._most, LEASE_SHARE
            )
        finally:
            del self._leasing[identity]
            del self._demand[identity]
        self._metrics.leases.inc()
        window = self._windows.get(identity)
        if window is None or asked >= window.ends:  # a new window: the old lease is void
            window = self._remember(identity)
            window.left = 0
        window.left += lease.granted
        window.count = lease.leased
        window.reset_ms = lease.now_ms + lease.ttl_ms
        window.offset_ms = lease.now_ms - int(time.time() * 1000)
        window.ends = asked + lease.ttl_ms / 1000  # never after Redis's own end of it

    def _remember(self, identity: str) -> _Window:
        windows = self._windows
        windows.pop(identity, None)
        if len(windows) >= MAX_WINDOWS:
            # The window seen longest ago goes (O(1): many new identities must not cost a
            # scan each). Forgetting a lease is safe: its hits are never admitted.
            del windows[next(iter(windows))]
        window = windows[identity] = _Window()
        return window

    def _decision(self, window: _Window, allowed: bool) -> Decision:
        # With one gateway the count less its unused lease is exactly the hits admitted.
        remaining = max(0, self.limit - window.count + window.left)
        now_ms = int(time.time() * 1000) + window.offset_ms
        return Decision(allowed, self.limit, remaining, now_ms, window.reset_ms, self.policy)

    def _unavailable(self, exc: StorageUnavailable) -> None:
        self._log_failure(exc)
        if self._fail_open:
            self._metrics.fail_open.inc()
            return
        self._metrics.fail_closed.inc()
        raise ServiceUnavailable(
            "Rate limiting is unavailable; retry later.", retry_after=FAIL_CLOSED_RETRY_AFTER
        ) from None

    def too_many(self, decision: Decision) -> TooManyRequests:
        return TooManyRequests(
            f"Rate limit of {self.limit} requests exceeded; retry in {decision.retry_after} s.",
            retry_after=decision.retry_after,
        )

    async def close(self) -> None:
        """End the lease calls still running (shutdown)."""
        tasks = list(self._leasing.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _log_failure(self, exc: StorageUnavailable) -> None:
        now = time.monotonic()
        if now - self._last_log >= _LOG_EVERY_SECONDS:
            self._last_log = now
            mode = "open" if self._fail_open else "closed"
            log.warning("rate limiter cannot reach Redis (%s); failing %s", exc, mode)


def _retrieved(task: "asyncio.Task[None]") -> None:
    if not task.cancelled():
        task.exception()
