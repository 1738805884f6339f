"""Calling an upstream with a deadline, and mapping every way it can fail to 502/503/504.

One ``Upstream`` per service (pets, weather, recommendations), each with its own keep-alive
pool (``gateway.http1``) and its own circuit breaker. A call is
``with upstream.call() as call: resp = await call.send(...)``; the checks on ``call`` turn a
bad answer into the client's problem, and leaving the block tells the breaker whether the
call failed. Failures are counted by kind in ``record_failure``.
"""

import asyncio
import email.utils
import time
from collections.abc import Mapping
from enum import StrEnum
from types import TracebackType
from typing import Any

import orjson
from prometheus_client import Counter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_random,
)

from gateway.circuit import CircuitBreaker
from gateway.http1 import Malformed, NotSent, Pool, UpstreamResponse

__all__ = ["Call", "FailureKind", "Upstream", "UpstreamResponse", "retry_after_seconds"]
from service_kit.problems import BadGateway, GatewayTimeout, Problem, ServiceUnavailable

MAX_RESPONSE_BYTES = 4 * 1024 * 1024
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class FailureKind(StrEnum):
    REFUSED = "refused"
    RESET = "reset"
    SERVER_ERROR = "5xx"
    TIMEOUT = "timeout"
    MALFORMED = "malformed"
    UNAVAILABLE = "unavailable"  # 503 or 429 with Retry-After: the upstream asked to back off


class Upstream:
    """One upstream service, its connections and its circuit."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        connections: int,
        keepalive: float,
        timeout: float,
        failures: Counter,
        breaker: CircuitBreaker,
        retries: Counter,
        retry_wait: tuple[float, float] = (0.0, 0.05),
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.breaker = breaker
        self._pool = Pool(
            base_url, limit=connections, keepalive=keepalive, max_body=max_response_bytes
        )
        self._failures = {kind: failures.labels(name, kind.value) for kind in FailureKind}
        self._retries = retries.labels(name)
        self._retry_wait = retry_wait

    @property
    def connections(self) -> int:
        return self._pool.connections

    def call(self) -> "Call":
        return Call(self)

    def record_failure(self, kind: FailureKind) -> None:
        self._failures[kind].inc()

    def fail(self, kind: FailureKind) -> Problem:
        """Count a failure and return the problem the client gets for it (never its body).

        Outside a call (the deadline was used up before it) the breaker is not told.
        """
        self.record_failure(kind)
        if kind is FailureKind.TIMEOUT:
            return GatewayTimeout(f"The {self.name} service did not answer in time.")
        return BadGateway(f"The {self.name} service failed.")

    async def probe(self, path: str, *, deadline: float) -> int:
        """The status of a GET ``path`` (for readiness); failures raise and are not counted."""
        async with asyncio.timeout(deadline):
            return (await self._pool.request("GET", path, {})).status

    async def close(self) -> None:
        await self._pool.close()

    async def fetch(
        self,
        method: str,
        path_qs: str,
        headers: Mapping[str, str],
        body: bytes | None,
        deadline: float,
    ) -> UpstreamResponse:
        """The request, retried once (idempotent methods only) if the connection was refused
        before anything was sent; raises the transport's errors, and TimeoutError past
        ``deadline`` (event-loop time)."""
        pool = self._pool
        try:
            return await pool.request(method, path_qs, headers, body, deadline=deadline)
        except NotSent as exc:
            if method not in IDEMPOTENT_METHODS:
                raise
            first = exc
        # The first attempt has been made (and refused): tenacity replays its outcome, then
        # decides on the one retry: a random wait, and none that would end past the deadline.
        retrying = AsyncRetrying(
            stop=stop_after_attempt(2)
            | stop_before_delay(deadline - asyncio.get_running_loop().time()),
            wait=wait_random(*self._retry_wait),
            retry=retry_if_exception_type(NotSent),
            before_sleep=self._count_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                if attempt.retry_state.attempt_number == 1:
                    raise first
                return await pool.request(method, path_qs, headers, body, deadline=deadline)
        raise AssertionError("unreachable: tenacity returns or re-raises")  # pragma: no cover

    def _count_retry(self, state: RetryCallState) -> None:
        self._retries.inc()


class Call:
    """One call under the upstream's circuit breaker (a context manager).

    Entering raises the 503 CircuitOpen problem while the circuit is open. Leaving reports
    the outcome: a failure if ``fail`` was used (directly or by a check), a success if the
    block ended normally or with another problem (e.g. a 503 with Retry-After, the upstream
    answering in time), nothing at all if it ended otherwise (cancelled).
    """

    __slots__ = ("_failed", "_trial", "upstream")

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream
        self._trial = False
        self._failed = False

    def __enter__(self) -> "Call":
        self._trial = self.upstream.breaker.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        breaker = self.upstream.breaker
        if self._failed:
            breaker.failure(self._trial)
        elif exc is None or isinstance(exc, Problem):
            breaker.success(self._trial)
        else:
            breaker.release(self._trial)

    @property
    def name(self) -> str:
        return self.upstream.name

    def fail(self, kind: FailureKind) -> Problem:
        self._failed = True
        return self.upstream.fail(kind)

    async def send(
        self,
        method: str,
        path_qs: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None = None,
        deadline: float | None = None,
    ) -> UpstreamResponse:
        """The whole answer (status, headers, body) within the deadline, or a 502/504 problem.

        ``path_qs`` is already percent-encoded (as received), and is sent unchanged.
        """
        upstream = self.upstream
        seconds = upstream.timeout if deadline is None else deadline
        when = asyncio.get_running_loop().time() + seconds
        try:
            return await upstream.fetch(method, path_qs, headers, body, when)
        except TimeoutError:
            raise self.fail(FailureKind.TIMEOUT) from None
        except NotSent:
            raise self.fail(FailureKind.REFUSED) from None
        except Malformed:
            raise self.fail(FailureKind.MALFORMED) from None
        except OSError:  # dropped, reset, or a TLS failure
            raise self.fail(FailureKind.RESET) from None

    def check_status(self, resp: UpstreamResponse) -> None:
        """Raise the client's problem for a 5xx (502) or a 503/429 with Retry-After (503)."""
        status = resp.status
        if status < 429 or 429 < status < 500:
            if status < 100:
                raise self.fail(FailureKind.MALFORMED)
            return
        retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
        if status in (429, 503) and retry_after is not None:
            self.upstream.record_failure(FailureKind.UNAVAILABLE)
            raise ServiceUnavailable(
                f"The {self.name} service is unavailable; retry later.", retry_after=retry_after
            )
        if status == 429:
            return
        raise self.fail(FailureKind.SERVER_ERROR if status < 600 else FailureKind.MALFORMED)

    def check_json(self, resp: UpstreamResponse) -> None:
        """A 502 when a body promised as JSON is not JSON (a malformed answer)."""
        try:
            orjson.loads(resp.body)
        except orjson.JSONDecodeError:
            raise self.fail(FailureKind.MALFORMED) from None

    def json_object(self, resp: UpstreamResponse) -> dict[str, Any]:
        """The body as a JSON object, or a 502 when it is not one (a malformed answer)."""
        try:
            value = orjson.loads(resp.body)
        except orjson.JSONDecodeError:
            raise self.fail(FailureKind.MALFORMED) from None
        if not isinstance(value, dict):
            raise self.fail(FailureKind.MALFORMED)
        return value


def retry_after_seconds(value: str | None) -> int | None:
    """Retry-After as whole seconds (delta-seconds or an HTTP date), None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0, int(when.timestamp() - time.time() + 0.999))
