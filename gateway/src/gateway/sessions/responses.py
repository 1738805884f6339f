"""Answers of a session's exchanges: sent whole, dropped, cut short or dribbled, each telling
the journal what the client got (status 0 when nothing, ``clientClosed`` when it had left)."""

import asyncio
import contextlib
import socket
import struct
from collections.abc import Callable

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter

# done(status the client saw, 0 for none; whether the client had hung up; the answer's headers)
Done = Callable[[int, bool, "web.StreamResponse | None"], None]
POLL_SECONDS = 0.02


def client_gone(request: web.BaseRequest) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def wait_unless_gone(request: web.BaseRequest, seconds: float) -> bool:
    """Wait ``seconds``; True as soon as the client hangs up instead."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not client_gone(request):
        left = end - loop.time()
        if left <= 0:
            return False
        await asyncio.sleep(min(left, POLL_SECONDS))
    return True


class Recorded(web.Response):
    """The answer as the handler made it; the journal learns whether it reached the client."""

    def __init__(self, source: web.Response, done: Done) -> None:
        super().__init__(status=source.status, body=source.body, headers=source.headers)
        self._done: Done | None = done

    def _finish(self, status: int, closed: bool) -> None:
        done, self._done = self._done, None
        if done is not None:
            done(status, closed, self if status else None)

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        if client_gone(request):
            self._finish(0, True)
            raise ConnectionResetError("the client hung up")
        try:
            return await super().prepare(request)
        except ConnectionError:
            self._finish(0, True)
            raise

    async def write_eof(self, data: bytes = b"") -> None:
        try:
            await super().write_eof(data)
        except ConnectionError:
            self._finish(0, True)
            raise
        self._finish(self.status, False)


def _linger_zero(transport: asyncio.BaseTransport) -> None:
    """Make the close a TCP reset (RST) rather than an orderly end (FIN)."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class Dropped(web.StreamResponse):
    """No answer at all: the connection is reset (``rst``) or closed."""

    def __init__(self, done: Done, *, rst: bool) -> None:
        super().__init__()
        self._done = done
        self._rst = rst

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        transport = request.transport
        if transport is None or transport.is_closing():
            self._done(0, True, None)
        else:
            if self._rst:
                _linger_zero(transport)
                transport.abort()
            else:
                transport.close()
            self._done(0, False, None)
        raise ConnectionResetError("dropped by a fault session")


class Truncated(web.StreamResponse):
    """The head and half of the body (the head alone cut short when there is no body)."""

    def __init__(self, source: web.Response, done: Done) -> None:
        super().__init__(status=source.status, headers=source.headers)
        self._body_bytes = bytes(source.body or b"")  # type: ignore[arg-type]
        self.content_length = len(self._body_bytes)
        self._done = done

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        transport = request.transport
        if transport is None or transport.is_closing():
            self._done(0, True, None)
            raise ConnectionResetError("the client hung up")
        body = self._body_bytes
        try:
            if len(body) >= 2:
                await super().prepare(request)
                await self.write(body[: len(body) // 2])
            else:
                transport.write(f"HTTP/1.1 {self.status} {self.reason}\r\n".encode())
        except ConnectionError:
            self._done(0, True, None)
            raise
        transport.close()  # after what was written has left
        self._done(self.status, False, self)
        raise ConnectionResetError("cut short by a fault session")


class Dribbled(web.StreamResponse):
    """The whole answer, its body at ``bytes_per_second``."""

    def __init__(self, source: web.Response, done: Done, bytes_per_second: int) -> None:
        super().__init__(status=source.status, headers=source.headers)
        self._body_bytes = bytes(source.body or b"")  # type: ignore[arg-type]
        self.content_length = len(self._body_bytes)
        self._done = done
        self._rate = bytes_per_second

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        if client_gone(request):
            self._done(0, True, None)
            raise ConnectionResetError("the client hung up")
        return await super().prepare(request)

    async def write_eof(self, data: bytes = b"") -> None:
        body = self._body_bytes
        chunk = max(1, self._rate // 10)
        try:
            for start in range(0, len(body), chunk):
                piece = body[start : start + chunk]
                await self.write(piece)
                await asyncio.sleep(len(piece) / self._rate)
            await super().write_eof()
        except ConnectionError:
            self._done(0, True, None)
            raise
        self._done(self.status, False, self)
