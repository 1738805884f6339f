"""Keep-alive connections to one origin: at most ``limit`` open, the warmest reused first,
idle ones closed after ``keepalive`` seconds; requests encoded here."""

import asyncio
import collections
import ssl
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from gateway.http1.connection import Connection, expire
from gateway.http1.errors import Dropped, Late, NotSent, UpstreamResponse

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Pool:
    """Keep-alive connections to one origin (``http://host:port`` or ``https://...``)."""

    def __init__(self, base_url: str, *, limit: int, keepalive: float, max_body: int) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self.prefix = parts.path.rstrip("/")
        default_port = self.port == (443 if self.ssl else 80)
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.host_header = host if default_port else f"{host}:{self.port}"
        self.max_body = max_body
        self._limit = limit
        self._keepalive = keepalive
        self._idle: collections.deque[Connection] = collections.deque()
        self._all: set[Connection] = set()
        self._open = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._closed = False

    @property
    def connections(self) -> int:
        """Connections open now (idle or answering)."""
        return self._open

    async def request(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | None = None,
        *,
        deadline: float | None = None,
    ) -> UpstreamResponse:
        """Send one request; ``target`` is the already-encoded path and query.

        ``deadline`` is in event-loop time: past it, TimeoutError (a timer on the answer's
        future, cheaper than ``asyncio.timeout`` on this path). HEAD is refused: the parser
        cannot know that its answer has no body.
        """
        if method == "HEAD":
            raise ValueError("HEAD is not supported")
        data = self._encode(method, self.prefix + target, headers, body)
        conn = await self._acquire(deadline)
        waiter = conn.send(data)
        timer = None
        if deadline is not None:
            timer = asyncio.get_running_loop().call_at(deadline, expire, conn, waiter)
        try:
            return await waiter
        except BaseException:
            if waiter.cancelled() or not waiter.done() or isinstance(waiter.exception(), Late):
                conn.abort()  # given up mid-way: its answer may still come
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def _encode(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes | None
    ) -> bytes:
        lines = [method, " ", target, " HTTP/1.1\r\nHost: ", self.host_header, "\r\n"]
        for name, value in headers.items():
            # aiohttp's parser refuses these in what the gateway forwards; checked all the
            # same, since one would split the request in two.
            if "\n" in value or "\r" in value or "\0" in value:
                raise ValueError("a header holds CR, LF or NUL")
            lines += (name, ": ", value, "\r\n")
        if "\n" in target or "\r" in target or " " in target or "\0" in target:
            raise ValueError("the request target holds CR, LF, NUL or a space")
        if body is not None or method in BODY_METHODS:
            lines += ("Content-Length: ", str(len(body) if body else 0), "\r\n")
        lines.append("\r\n")
        data = "".join(lines).encode("utf-8", "surrogateescape")
        return data + body if body else data

    async def _acquire(self, deadline: float | None) -> Connection:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed and now - conn.idle_since < self._keepalive:
                return conn
            conn.close()
        async with asyncio.timeout_at(deadline):  # only when no connection is ready
            while True:
                if self._closed:
                    raise Dropped("the pool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._open < self._limit:
                    return await self._connect()
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                try:
                    await waiter
                except BaseException:
                    if waiter.done() and not waiter.cancelled():
                        self._wake()  # woken, but gone: the turn passes to the next in line
                    else:
                        waiter.cancel()
                    raise

    async def _connect(self) -> Connection:
        conn = Connection(self)
        self._all.add(conn)
        self._open += 1
        try:
            await asyncio.get_running_loop().create_connection(
                lambda: conn, self.host, self.port, ssl=self.ssl
            )
        except BaseException as exc:
            if not conn.made:
                self._all.discard(conn)
                self._slot_freed()
            if isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError | TimeoutError):
                raise NotSent(exc.errno, str(exc)) from exc
            raise  # cancelled (the deadline), or a TLS failure that a retry would not mend
        return conn

    def release(self, conn: Connection) -> None:
        """An answered connection goes back to the pool (LIFO: the warmest first)."""
        conn.waiter = None
        if self._closed:
            conn.close()
            return
        now = conn.idle_since = time.monotonic()
        while self._idle and now - self._idle[0].idle_since >= self._keepalive:
            self._idle.popleft().close()
        self._idle.append(conn)
        self._wake()

    def forget(self, conn: Connection) -> None:
        """A connection closed (by either side)."""
        if conn in self._idle:
            self._idle.remove(conn)
        if conn in self._all:
            self._all.discard(conn)
            self._slot_freed()

    def _slot_freed(self) -> None:
        self._open -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def close(self) -> None:
        """Close every connection, idle or not (at shutdown no request is left to answer)."""
        self._closed = True
        for conn in list(self._all):
            conn.abort()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
        await asyncio.sleep(0)  # let the transports report connection_lost
