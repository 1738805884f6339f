"""A small pipelined Redis client for the one command on the hot path (the rate-limit script).

redis-py spends tens of microseconds of CPU per command (pool checkout, retry and
observability hooks). Here every command issued during one event-loop tick leaves in one
write on one persistent connection, replies are matched in order (RESP answers in order)
and parsed by hiredis. A watchdog per write bounds every call by ``timeout``: it counts
replies, so a command whose caller gave up (a cancelled future) does not hide an older
command still waiting behind it.
"""

import asyncio
import collections
import logging
import ssl
from collections.abc import Awaitable, Callable
from typing import Any, cast

import hiredis
from redis.asyncio.connection import SSLConnection, parse_url

log = logging.getLogger("gateway.resp")


class RespError(Exception):
    """Redis answered this command with an error reply (e.g. NOSCRIPT)."""


class ConnectionDown(ConnectionError):
    """The connection closed, or did not answer in time, before this command's reply."""


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.reader = hiredis.Reader(replyError=RespError)
        self.pending: collections.deque[asyncio.Future[Any]] = collections.deque()
        self.buffer: list[bytes] = []
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.sent = 0  # commands written, and replies read, on this connection
        self.replied = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not derive from asyncio.Transport; they behave as one.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        while (reply := self.reader.gets()) is not False:
            if not self.pending:
                self.abort("a reply nobody asked for")
                return
            waiter = self.pending.popleft()
            self.replied += 1
            if waiter.done():
                continue
            if isinstance(reply, RespError):
                waiter.set_exception(reply)
            else:
                waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        error = ConnectionDown("the Redis connection closed")
        self.buffer.clear()
        while self.pending:
            waiter = self.pending.popleft()
            if not waiter.done():
                waiter.set_exception(error)

    def abort(self, why: str) -> None:
        log.warning("dropping the Redis connection: %s", why)
        self.closed = True
        if self.transport is not None:
            self.transport.abort()


class RespClient:
    def __init__(
        self, url: str, *, timeout: float, on_write: Callable[[int], None] | None = None
    ) -> None:
        options = parse_url(url)
        if "path" in options:
            raise ValueError("unix-socket Redis URLs are not supported here")
        self._host = str(options.get("host", "127.0.0.1"))
        self._port = int(options.get("port", 6379))
        self._ssl = (
            ssl.create_default_context()
            if options.get("connection_class") is SSLConnection
            else None
        )
        handshake: list[tuple[Any, ...]] = []
        if options.get("password"):
            user = options.get("username")
            handshake.append(
                ("AUTH", user, options["password"]) if user else ("AUTH", options["password"])
            )
        if options.get("db"):
            handshake.append(("SELECT", options["db"]))
        self._handshake = handshake
        self._timeout = timeout
        self._on_write = on_write
        self._protocol: _Protocol | None = None
        self._connecting: asyncio.Task[_Protocol] | None = None

    def execute(self, *args: Any) -> Awaitable[Any]:
        """The reply of one command (a future while connected: no coroutine per call)."""
        protocol = self._protocol
        if protocol is None or protocol.closed:
            return self._connect_and_send(args)
        return self._send(protocol, args)

    async def _connect_and_send(self, args: tuple[Any, ...]) -> Any:
        return await self._send(await self._connect(), args)

    def _send(self, protocol: _Protocol, args: tuple[Any, ...]) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Any] = loop.create_future()
        protocol.pending.append(waiter)
        if not protocol.buffer:
            loop.call_soon(self._flush, protocol)
        protocol.buffer.append(hiredis.pack_command(args))
        return waiter

    def _flush(self, protocol: _Protocol) -> None:
        chunks, protocol.buffer = protocol.buffer, []
        if protocol.closed or protocol.transport is None:
            protocol.connection_lost(None)  # no waiter may stay without a reply or a watchdog
            return
        if not chunks:
            return
        protocol.transport.write(b"".join(chunks))
        if self._on_write is not None:
            self._on_write(len(chunks))
        protocol.sent += len(chunks)
        asyncio.get_running_loop().call_later(self._timeout, self._watch, protocol, protocol.sent)

    @staticmethod
    def _watch(protocol: _Protocol, until: int) -> None:
        # Every command of this write (and of the writes before) has its reply by now, or the
        # connection is hung: whether their callers still wait does not matter.
        if protocol.replied < until and not protocol.closed:
            protocol.abort("no reply within the timeout")

    async def _connect(self) -> _Protocol:
        # Every caller waits for the same attempt; a caller that gives up does not cancel it.
        task = self._connecting
        if task is None or task.done():
            task = self._connecting = asyncio.get_running_loop().create_task(self._open())
        return await asyncio.shield(task)

    async def _open(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        protocol: _Protocol | None = None
        try:
            async with asyncio.timeout(self._timeout):
                _, protocol = await loop.create_connection(
                    _Protocol, self._host, self._port, ssl=self._ssl
                )
                if protocol.transport is None:
                    raise ConnectionDown("the connection was not set up")
                for command in self._handshake:
                    await self._send(protocol, command)
        except BaseException:
            if protocol is not None and protocol.transport is not None:
                protocol.transport.abort()
            raise
        self._protocol = protocol
        return protocol

    async def close(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
            self._connecting = None
        protocol, self._protocol = self._protocol, None
        if protocol is not None and protocol.transport is not None:
            protocol.closed = True
            protocol.transport.close()
