"""A careful client of the Pet Store API: what a client team can copy.

- a timeout on every attempt, so a hung connection is given up;
- retries only for what a retry can fix: 429, 5xx, a dropped or spoiled answer, a timeout,
  and the 409 of an Idempotency-Key still in flight; never other 4xx;
- waits: exponential backoff with jitter, and never less than a Retry-After;
- at most 5 attempts;
- one Idempotency-Key per write, the same on every retry, so a retried POST whose first
  answer was lost does not create a second pet.

    python examples/careful_client.py --token "$(petstore token)" --session SESSION_ID
"""

import asyncio
import random
import sys
import uuid
from collections.abc import Mapping
from typing import Any

import aiohttp
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

import scenario

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 5
backoff = wait_exponential_jitter(multiplier=0.25, max=10, jitter=0.15)


class Retryable(Exception):
    def __init__(self, why: str, retry_after: float | None = None) -> None:
        super().__init__(why)
        self.retry_after = retry_after


def retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return float(headers["Retry-After"])
    except (KeyError, ValueError):
        return None  # absent, or an HTTP date: the backoff decides


def wait(state: RetryCallState) -> float:
    """The backoff, or the server's Retry-After (plus a little jitter) when that is longer."""
    pause = backoff(state)
    error = state.outcome.exception() if state.outcome else None
    told = error.retry_after if isinstance(error, Retryable) else None
    return pause if told is None else max(pause, told + random.uniform(0, 0.1))


class Client:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base.rstrip("/")

    async def call(self, method: str, path: str, body: Any) -> tuple[int, Mapping[str, str], Any]:
        headers = {"Idempotency-Key": str(uuid.uuid4())} if method == "POST" else {}
        retrying = AsyncRetrying(
            stop=stop_after_attempt(MAX_ATTEMPTS),
            wait=wait,
            retry=retry_if_exception_type(Retryable),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._once(method, path, body, headers)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _once(
        self, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> tuple[int, Mapping[str, str], Any]:
        try:
            async with self.http.request(
                method, self.base + path, json=body, headers=headers
            ) as response:
                in_flight = response.status == 409 and "Retry-After" in response.headers
                if response.status in RETRY_STATUSES or in_flight:
                    raise Retryable(str(response.status), retry_after(response.headers))
                parsed = None if response.status == 204 else await response.json(content_type=None)
                return response.status, response.headers, parsed
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            # A reset, a timeout, a cut-off or unreadable body: the answer was lost.
            raise Retryable(type(error).__name__) from error


async def main() -> int:
    parser = scenario.arguments(__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per attempt")
    args = parser.parse_args()
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    async with aiohttp.ClientSession(headers=scenario.headers_of(args), timeout=timeout) as http:
        client = Client(http, args.gateway)
        try:
            await scenario.run(client.call, lambda headers: retry_after(headers) or 1.0)
        except Retryable as error:
            print(f"gave up after {MAX_ATTEMPTS} attempts: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
