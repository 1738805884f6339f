"""Calling an upstream with a deadline, under its circuit breaker.

One ``Upstream`` per service (pets, weather, recommendations), each with its own keep-alive
pool (``gateway.http1``) and its own circuit breaker. A call is
``with upstream.call() as call: resp = await call.send(...)``; ``send`` and ``call.judge``
settle the call with the verdict of ``gateway.verdict`` (the client's answer, the breaker's
outcome, the failure counter), and leaving the block tells the breaker.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType

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
from gateway.verdict import Breaker, Outcome, Verdict, judge, judge_answer, problem_of
from service_kit import otel
from service_kit.problems import BadGateway, Problem

__all__ = ["Call", "Upstream", "UpstreamResponse"]

MAX_RESPONSE_BYTES = 4 * 1024 * 1024
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class ConnectionLife:
    """How often the upstream's name is resolved again, and how long one connection lives."""

    refresh: float = 5.0
    max_age: float = 30.0
    max_requests: int = 100


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
        forwards_client_requests: bool = False,
        life: ConnectionLife | None = None,
    ) -> None:
        self.name = name
        # Sent what the client chose (the pets service): its 500s do not move the breaker.
        self.forwards_client_requests = forwards_client_requests
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.breaker = breaker
        life = life or ConnectionLife()
        self._pool = Pool(
            base_url,
            limit=connections,
            keepalive=keepalive,
            max_body=max_response_bytes,
            refresh=life.refresh,
            max_age=life.max_age,
            max_requests=life.max_requests,
        )
        self._failures = {kind: failures.labels(name, kind.value) for kind in Outcome}
        self._retries = retries.labels(name)
        self._retry_wait = retry_wait

    @property
    def connections(self) -> int:
        return self._pool.connections

    def call(self) -> "Call":
        return Call(self)

    def count(self, verdict: Verdict) -> None:
        if verdict.rule.counted:
            self._failures[verdict.outcome].inc()

    def fail(self, outcome: Outcome) -> Problem:
        """Count ``outcome`` and return the client's problem for it, outside a call (the
        deadline was used up before it): the breaker is not told."""
        verdict = judge(outcome)
        self.count(verdict)
        return problem_of(verdict, self.name) or BadGateway(f"The {self.name} service failed.")

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

    Entering raises the 503 CircuitOpen problem while the circuit is open. Leaving tells the
    breaker the verdict's outcome when the call was judged; otherwise a success if the block
    ended normally or with a problem of the gateway's own, and nothing if it ended otherwise
    (cancelled).
    """

    __slots__ = ("_trial", "_verdict", "upstream")

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream
        self._trial = False
        self._verdict: Verdict | None = None

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
        if self._verdict is not None:
            told = self._verdict.breaker
        elif exc is None or isinstance(exc, Problem):
            told = Breaker.SUCCESS
        else:
            told = Breaker.NOTHING
        if told is Breaker.FAILURE:
            breaker.failure(self._trial)
        elif told is Breaker.SUCCESS:
            breaker.success(self._trial)
        else:
            breaker.release(self._trial)

    @property
    def name(self) -> str:
        return self.upstream.name

    def settle(self, verdict: Verdict) -> Problem | None:
        """Record ``verdict`` (counter now, breaker on leaving); the client's problem, or None
        when the upstream's answer is relayed."""
        self._verdict = verdict
        self.upstream.count(verdict)
        return problem_of(verdict, self.name)

    def judge(self, resp: UpstreamResponse, *, composed: bool = False) -> Verdict:
        """Settle the call on the answer; raises the client's problem unless it is relayed."""
        verdict = judge_answer(
            resp, composed=composed, forwarded=self.upstream.forwards_client_requests
        )
        problem = self.settle(verdict)
        if problem is not None:
            raise problem
        return verdict

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
            if otel.enabled:
                from service_kit.otel_spans import client_request

                return await client_request(
                    self.name,
                    method,
                    path_qs,
                    headers,
                    lambda carried: upstream.fetch(method, path_qs, carried, body, when),
                )
            return await upstream.fetch(method, path_qs, headers, body, when)
        except TimeoutError:
            raise self._ended(Outcome.TIMEOUT) from None
        except NotSent:
            raise self._ended(Outcome.REFUSED) from None
        except Malformed:
            raise self._ended(Outcome.MALFORMED) from None
        except OSError:  # dropped, reset, or a TLS failure
            raise self._ended(Outcome.RESET) from None

    def _ended(self, outcome: Outcome) -> Problem:
        problem = self.settle(judge(outcome))
        return problem or BadGateway(f"The {self.name} service failed.")
