"""The gateway's recent exchanges, kept in memory, and the live streams that follow them.

Recording costs one tuple appended to a bounded deque per /v1 request; the dictionaries a
stream sends are built only while a stream is open.
"""

import asyncio
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

RECENT = 200  # exchanges a new stream starts with
QUEUE = 256  # exchanges one slow stream may lag behind before the oldest are dropped

# (at epoch seconds, method, path, status, duration ms, fault, session id)
Exchange = tuple[float, str, str, int, float, str | None, str | None]


def as_json(exchange: Exchange) -> dict[str, Any]:
    at, method, path, status, duration_ms, fault, session = exchange
    stamp = datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")
    return {
        "at": stamp.replace("+00:00", "Z"),
        "method": method,
        "path": path,
        "status": status,
        "durationMs": round(duration_ms, 1),
        "fault": fault,
        "session": session,
    }


class TooManyStreams(Exception):
    """The client, or the gateway as a whole, has as many open streams as it may."""


class Subscription:
    """One open stream: a bounded queue of exchanges, ended by ``close``."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Exchange | None] = asyncio.Queue(QUEUE)
        self.dropped = 0

    def push(self, exchange: Exchange | None) -> None:
        if self._queue.full():
            self._queue.get_nowait()  # a slow reader loses the oldest, never slows the gateway
            self.dropped += 1
        self._queue.put_nowait(exchange)

    async def next(self) -> Exchange | None:
        """The next exchange; None once the feed is closed."""
        return await self._queue.get()


class ExchangeFeed:
    def __init__(self, *, per_client: int = 4, total: int = 32) -> None:
        self._recent: deque[Exchange] = deque(maxlen=RECENT)
        self._subscribers: dict[Subscription, str] = {}
        self.per_client = per_client
        self.total = total
        self.closed = False

    def record(
        self,
        method: str,
        path: str,
        status: int,
        duration_ms: float,
        fault: str | None = None,
        session: str | None = None,
    ) -> None:
        exchange = (time.time(), method, path, status, duration_ms, fault, session)
        self._recent.append(exchange)
        for subscription in self._subscribers:
            subscription.push(exchange)

    def recent(self) -> list[Exchange]:
        return list(self._recent)

    @contextmanager
    def subscribe(self, client: str) -> Iterator[Subscription]:
        if self.closed:
            raise TooManyStreams("the gateway is shutting down")
        if len(self._subscribers) >= self.total:
            raise TooManyStreams("the gateway has as many open streams as it serves")
        if sum(1 for c in self._subscribers.values() if c == client) >= self.per_client:
            raise TooManyStreams(f"at most {self.per_client} open streams per client")
        subscription = Subscription()
        self._subscribers[subscription] = client
        try:
            yield subscription
        finally:
            del self._subscribers[subscription]

    @property
    def streams(self) -> int:
        return len(self._subscribers)

    def close(self) -> None:
        """End every open stream (shutdown: the server can then drain in time)."""
        self.closed = True
        for subscription in self._subscribers:
            subscription.push(None)


FEED = web.AppKey("exchange_feed", ExchangeFeed)
