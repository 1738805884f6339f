"""A small HTTP/1.1 client for the upstream calls: a keep-alive pool per origin, responses
parsed by llhttp (httptools), bodies buffered up to a limit.

aiohttp's ClientSession spends ~45 µs of CPU per request on this machine (request and
response objects, payload streams, hooks); this spends ~9. It does only what the gateway
needs: one request at a time per connection, no redirects, cookies, decompression or HEAD.
A request's ``deadline`` bounds the wait for a connection and for the whole answer; a
request given up mid-way (deadline or cancellation) closes its connection. Errors say what
the caller needs for retries and status mapping: ``NotSent`` (the connection could not be
opened), ``Dropped`` (closed or reset before the answer's head), ``Malformed`` (not HTTP,
truncated, or too large).
"""

import asyncio
import collections
import ssl
import time
from collections.abc import Mapping
from typing import NamedTuple, cast
from urllib.parse import urlsplit

import httptools
from multidict import CIMultiDict, CIMultiDictProxy

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class NotSent(OSError):
    """The connection could not be opened (refused, unreachable, no DNS): nothing was sent."""


class Dropped(ConnectionError):
    """The connection closed or was reset before the answer's head arrived."""


class Malformed(Exception):
    """The answer is not valid HTTP/1.1, ends early, or is larger than the limit."""


class _Late(TimeoutError):
    """The deadline passed before the whole answer came."""


def _expire(waiter: "asyncio.Future[UpstreamResponse]") -> None:
    if not waiter.done():
        waiter.set_exception(_Late("no whole answer before the deadline"))


class UpstreamResponse(NamedTuple):
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes


class _Connection(asyncio.Protocol):
    def __init__(self, pool: "Pool") -> None:
        self.pool = pool
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.made = False
        self.closed = False
        self.idle_since = 0.0
        self._reset()

    def _reset(self) -> None:
        self.waiter: asyncio.Future[UpstreamResponse] | None = None
        self.raw_headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []
        self.size = 0
        self.head_done = False
        self.done = False
        self.keep_alive = False
        self.extra = False  # bytes after the answer
        self.error: Exception | None = None

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not derive from asyncio.Transport; they behave as one.
        self.transport = cast(asyncio.Transport, transport)
        self.made = True

    def data_received(self, data: bytes) -> None:
        if self.waiter is None or self.done:
            self.abort()  # bytes nobody asked for: this connection can no longer be trusted
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(Malformed("protocol upgrade"))
        except httptools.HttpParserError as exc:
            self._fail(self.error or Malformed(str(exc)))
        if self._answered() and not self.closed:
            if self.keep_alive and not self.extra:
                self.pool.release(self)
            else:
                self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.done:
            if self.head_done and self._until_close():
                self.on_message_complete()  # the body was delimited by the close
            elif self.head_done:
                self._fail(Malformed("the connection closed in the middle of the body"))
            else:
                self._fail(Dropped("the connection closed before the answer"))
        self.pool.forget(self)

    # httptools callbacks
    def on_message_begin(self) -> None:
        if self.done:
            self.extra = True

    def on_header(self, name: bytes, value: bytes) -> None:
        self.raw_headers.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        if self.parser.get_status_code() < 200:
            return  # an interim answer (100 Continue, 103 Early Hints): the real one follows
        self.head_done = True
        for name, value in self.raw_headers:
            too_long = value.isdigit() and int(value) > self.pool.max_body
            if too_long and name.lower() == "content-length":
                self.error = Malformed("the body is larger than the limit")
                raise self.error

    def on_body(self, body: bytes) -> None:
        self.size += len(body)
        if self.size > self.pool.max_body:
            self.error = Malformed("the body is larger than the limit")
            raise self.error
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        status = self.parser.get_status_code()
        if status < 200:
            self.raw_headers = []
            return
        waiter = self.waiter
        self.done = True
        self.keep_alive = self.parser.should_keep_alive()  # reset once this callback returns
        if waiter is not None and not waiter.done():
            headers = CIMultiDictProxy(CIMultiDict(self.raw_headers))
            waiter.set_result(UpstreamResponse(status, headers, b"".join(self.chunks)))

    # own
    def _answered(self) -> bool:
        return self.done  # set by the callbacks, inside feed_data

    def _until_close(self) -> bool:
        names = {name.lower() for name, _ in self.raw_headers}
        return "content-length" not in names and "transfer-encoding" not in names

    def _fail(self, error: Exception) -> None:
        waiter = self.waiter
        self.done = True
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
        self.abort()

    def send(self, data: bytes) -> asyncio.Future[UpstreamResponse]:
        assert self.transport is not None
        self._reset()
        waiter = self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()
        self.pool.forget(self)

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()
        self.pool.forget(self)


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
        self._idle: collections.deque[_Connection] = collections.deque()
        self._all: set[_Connection] = set()
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
            timer = asyncio.get_running_loop().call_at(deadline, _expire, waiter)
        try:
            return await waiter
        except BaseException:
            if waiter.cancelled() or not waiter.done() or isinstance(waiter.exception(), _Late):
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

    async def _acquire(self, deadline: float | None) -> _Connection:
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

    async def _connect(self) -> _Connection:
        conn = _Connection(self)
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

    def release(self, conn: _Connection) -> None:
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

    def forget(self, conn: _Connection) -> None:
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
