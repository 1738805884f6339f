"""Fake upstreams on port 0: an aiohttp app whose behaviour is chosen by the path, and a raw
TCP server for answers aiohttp would never send (malformed, truncated, reset)."""

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncIterator
from typing import Any

import orjson
from aiohttp import web

# Planted in every upstream error body: it must never reach a client.
CANARY = "UPSTREAM-CANARY-8f3a1c"
SECRET_PATH = "/srv/upstream/internal/handler.py"
# The largest answer body the pools under test accept (the make_pool fixture's default).
POOL_BODY_LIMIT = 64 * 1024


def _error_body(status: int) -> bytes:
    return orjson.dumps(
        {
            "error": f"{CANARY} internal failure {status}",
            "trace": f'Traceback (most recent call last):\n  File "{SECRET_PATH}", line 9',
        }
    )


async def _behave(request: web.Request) -> web.StreamResponse:
    """/v1/pets/{what}: echo, status-NNN, unavailable-NNN-RA, hang, garbage, big, problem-NNN."""
    what = request.match_info.get("what", "echo")
    if what.startswith("status-"):
        status = int(what.removeprefix("status-"))
        return web.Response(status=status, body=_error_body(status), content_type="text/plain")
    if what.startswith("unavailable-"):
        _, code, retry_after = what.split("-")
        return web.Response(
            status=int(code),
            body=_error_body(int(code)),
            headers={"Retry-After": retry_after},
            content_type="application/json",
        )
    if what.startswith("problem-"):
        status = int(what.removeprefix("problem-"))
        body = {"type": "http://x/problems/p", "title": "T", "status": status, "detail": "d"}
        headers = {"Retry-After": "7"} if status == 503 else {}
        return web.Response(
            status=status,
            body=orjson.dumps(body),
            headers=headers,
            content_type="application/problem+json",
        )
    if what == "hang":
        await asyncio.Event().wait()
    if what == "garbage":
        return web.Response(body=f"<html>{CANARY}".encode(), content_type="application/json")
    if what == "big":
        return web.Response(
            body=b"[" + b"1," * (3 * 1024 * 1024) + b"1]", content_type="application/json"
        )
    return await _echo(request)


async def _echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "path": request.raw_path,
            "headers": [[k, v] for k, v in request.headers.items()],
            "body": body.decode("utf-8", "replace"),
        },
        status=201 if request.method == "POST" else 200,
        headers={
            "Location": "/v1/pets/abc",
            "ETag": '"1"',
            "Link": '</v1/pets?cursor=x>; rel="next"',
            "Idempotent-Replayed": "true",
            "Connection": "X-Secret-Hop",
            "X-Secret-Hop": "dropped",
            "Keep-Alive": "timeout=5",
            "Proxy-Authenticate": "Basic",
            "Server": "upstream-server/9.9",
            "X-RateLimit-Limit": "999999",
            "Cache-Control": "no-store",
        },
    )


async def _ready(request: web.Request) -> web.Response:
    request.app[READY_CALLS].append(1)
    status = request.app[READY_STATUS][0]
    return web.json_response({"status": "ready" if status == 200 else "no"}, status=status)


READY_STATUS = web.AppKey("ready_status", list[int])
READY_CALLS = web.AppKey("ready_calls", list[int])  # one item per /readyz call


def fake_pets_app() -> web.Application:
    app = web.Application()
    app[READY_STATUS] = [200]
    app[READY_CALLS] = []
    app.router.add_get("/readyz", _ready)
    app.router.add_route("*", "/v1/pets/{what}", _behave)
    app.router.add_route("*", "/v1/{tail:.*}", _echo)
    return app


def answer(head: bytes, body: bytes = b"") -> bytes:
    """Raw answer bytes from a head written with bare newlines, and a body."""
    return head.replace(b"\n", b"\r\n") + b"\r\n" + body


class RawServer:
    """Answers every connection with ``reply`` bytes (then closes), or resets it.

    With ``keep_open`` it answers every request on a connection with ``reply`` until the
    client closes it. ``connections`` and ``requests`` count what arrived.
    """

    def __init__(self) -> None:
        self.reply = b""
        self.reset = False
        self.keep_open = False
        self.port = 0
        self.connections = 0
        self.requests = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self.connections += 1
        try:
            with contextlib.suppress(Exception):
                while True:
                    await reader.readuntil(b"\r\n\r\n")
                    self.requests += 1
                    if self.reset:
                        sock = writer.get_extra_info("socket")
                        linger = struct.pack("ii", 1, 0)
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                        break
                    writer.write(self.reply)
                    await writer.drain()
                    if not self.keep_open:
                        break
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            self._handlers.discard(task)

    async def __aenter__(self) -> "RawServer":
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self._server is not None
        self._server.close()
        # Python 3.11's wait_closed() does not wait for the handlers: end them here.
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def raw_server() -> AsyncIterator[RawServer]:
    async with RawServer() as server:
        yield server
