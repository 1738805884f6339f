"""Keep-alive connections to one origin: at most ``limit`` open, the warmest reused first,
idle ones closed after ``keepalive`` seconds. New connections spread over the addresses the
name resolves to (``resolve``); a connection is replaced after ``max_age`` seconds or
``max_requests`` answers, or once its address is no longer the name's, so replicas added
behind the name get their share."""

import asyncio
import collections
import contextlib
import ssl
import time
from collections.abc import Mapping

from gateway.http1.connection import Connection, expire
from gateway.http1.encode import Origin, encode_request
from gateway.http1.errors import Dropped, Late, NotSent, UpstreamResponse
from gateway.http1.resolve import Addresses, Resolver, system_resolver


class Pool:
    """Keep-alive connections to one origin (``http://host:port`` or ``https://...``)."""

    def __init__(
        self,
        base_url: str,
        *,
        limit: int,
        keepalive: float,
        max_body: int,
        refresh: float = 5.0,
        max_age: float = 30.0,
        max_requests: int = 100,
        resolver: Resolver = system_resolver,
    ) -> None:
        origin = Origin.of(base_url)
        self.host, self.port, self.ssl = origin.host, origin.port, origin.ssl
        self.prefix, self.host_header = origin.prefix, origin.host_header
        self.max_body = max_body
        self._limit = limit
        self._keepalive = keepalive
        self._idle: collections.deque[Connection] = collections.deque()
        self._all: set[Connection] = set()
        self._open = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._closed = False
        self.addresses = Addresses(self.host, self.port, refresh=refresh, resolver=resolver)
        self.open_by_address = self.addresses.open  # connections open (or opening) to each
        self._max_age = max_age
        self._max_requests = max_requests

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
        """Send one request; ``target`` is the already-encoded path and query. ``deadline``
        is in event-loop time: past it, TimeoutError (a timer on the answer's future, cheaper
        than ``asyncio.timeout``). HEAD is refused: the parser cannot know its body is empty.
        """
        if method == "HEAD":
            raise ValueError("HEAD is not supported")
        data = encode_request(method, self.prefix + target, self.host_header, headers, body)
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

    def _worn(self, conn: Connection, now: float) -> bool:
        """Past its life (age or answers), or to an address the name no longer has."""
        return (
            conn.answered >= self._max_requests
            or now - conn.opened_at >= self._max_age
            or not self.addresses.known(conn.address)
        )

    def _idle_connection(self) -> Connection | None:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            fresh = not conn.closed and now - conn.idle_since < self._keepalive
            if fresh and not self._worn(conn, now):
                return conn
            conn.close()
        return None

    async def _acquire(self, deadline: float | None) -> Connection:
        if self.addresses.stale():  # once per refresh interval: idle ones may be to old ones
            with contextlib.suppress(OSError):  # no address at all: _connect says so
                await self.addresses.resolve()
        conn = self._idle_connection()
        if conn is not None:
            return conn
        async with asyncio.timeout_at(deadline):  # only when no connection is ready
            while True:
                if self._closed:
                    raise Dropped("the pool is closed")
                conn = self._idle_connection()
                if conn is not None:
                    return conn
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
            conn.address = await self.addresses.pick()
            conn.opened_at = time.monotonic()
            await asyncio.get_running_loop().create_connection(
                lambda: conn,
                conn.address,
                self.port,
                ssl=self.ssl,
                server_hostname=self.host if self.ssl else None,
            )
        except BaseException as exc:
            if not conn.made:
                self._all.discard(conn)
                self.addresses.closed(conn.address)
                self._slot_freed()
            if isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError | TimeoutError):
                raise NotSent(exc.errno, str(exc)) from exc
            raise  # cancelled (the deadline), or a TLS failure that a retry would not mend
        if self._closed:  # closed while this one was opening
            conn.abort()
            raise Dropped("the pool is closed")
        return conn

    def release(self, conn: Connection) -> None:
        """An answered connection goes back to the pool (LIFO: the warmest first)."""
        conn.waiter = None
        now = conn.idle_since = time.monotonic()
        if self._closed or self._worn(conn, now):
            conn.close()  # its slot is free: a waiting request opens a fresh one
            return
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
            self.addresses.closed(conn.address)
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
