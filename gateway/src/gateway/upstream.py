"""Calling an upstream with a deadline, and mapping every way it can fail to 502/503/504.

One ``Upstream`` per service (pets, weather, recommendations). Failures are counted by kind
in one place (``record_failure``) so a circuit breaker or retry policy can hook in there.
"""

import asyncio
import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import aiohttp
import orjson
from multidict import CIMultiDictProxy
from prometheus_client import Counter
from yarl import URL

from service_kit.problems import BadGateway, GatewayTimeout, Problem, ServiceUnavailable

MAX_RESPONSE_BYTES = 4 * 1024 * 1024


class FailureKind(StrEnum):
    REFUSED = "refused"
    RESET = "reset"
    SERVER_ERROR = "5xx"
    TIMEOUT = "timeout"
    MALFORMED = "malformed"
    UNAVAILABLE = "unavailable"  # 503 or 429 with Retry-After: the upstream asked to back off


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes


class Upstream:
    """One upstream service reached through the gateway's pooled session."""

    def __init__(
        self,
        name: str,
        base_url: str,
        session: aiohttp.ClientSession,
        *,
        timeout: float,
        failures: Counter,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = session
        self._failures = {kind: failures.labels(name, kind.value) for kind in FailureKind}
        self._max = max_response_bytes

    def record_failure(self, kind: FailureKind) -> None:
        self._failures[kind].inc()

    def fail(self, kind: FailureKind) -> Problem:
        """Count a failure and return the problem the client gets for it (never its body)."""
        self.record_failure(kind)
        if kind is FailureKind.TIMEOUT:
            return GatewayTimeout(f"The {self.name} service did not answer in time.")
        return BadGateway(f"The {self.name} service failed.")

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
        deadline = self.timeout if deadline is None else deadline
        try:
            async with (
                asyncio.timeout(deadline),
                self._session.request(
                    method,
                    URL(self.base_url + path_qs, encoded=True),
                    headers=headers,
                    data=body,
                    allow_redirects=False,
                ) as resp,
            ):
                return UpstreamResponse(resp.status, resp.headers, await self._read(resp))
        except TimeoutError:
            raise self.fail(FailureKind.TIMEOUT) from None
        except aiohttp.ClientConnectorError:
            raise self.fail(FailureKind.REFUSED) from None
        except (aiohttp.ClientResponseError, aiohttp.ClientPayloadError, _TooLarge):
            raise self.fail(FailureKind.MALFORMED) from None
        except (aiohttp.ClientConnectionError, OSError):
            raise self.fail(FailureKind.RESET) from None
        except aiohttp.ClientError:
            raise self.fail(FailureKind.MALFORMED) from None

    async def probe(self, path: str, *, deadline: float) -> int:
        """The status of a GET ``path`` (for readiness); failures raise and are not counted."""
        async with (
            asyncio.timeout(deadline),
            self._session.get(self.base_url + path, allow_redirects=False) as resp,
        ):
            await resp.read()
            return resp.status

    async def _read(self, resp: aiohttp.ClientResponse) -> bytes:
        length = resp.content_length
        if length is not None:
            if length > self._max:
                raise _TooLarge
            return await resp.read()
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_any():
            size += len(chunk)
            if size > self._max:
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def check_status(self, resp: UpstreamResponse) -> None:
        """Raise the client's problem for a 5xx (502) or a 503/429 with Retry-After (503)."""
        status = resp.status
        if status < 429 or 429 < status < 500:
            if status < 100:
                raise self.fail(FailureKind.MALFORMED)
            return
        retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
        if status in (429, 503) and retry_after is not None:
            self.record_failure(FailureKind.UNAVAILABLE)
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


class _TooLarge(Exception):
    """The upstream's body is larger than the gateway will buffer."""


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
