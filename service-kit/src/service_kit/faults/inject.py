"""Applying a fault to one request: errors, delays, held requests and broken connections."""

import asyncio
import contextlib
import socket
import struct

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.typedefs import Handler
from multidict import CIMultiDict

from service_kit import problems
from service_kit.faults.spec import Mode
from service_kit.faults.state import FaultState, Injection
from service_kit.middleware import from_http_exception, render

HOLD_POLL_SECONDS = 0.5
GARBAGE = (
    b"<html><head><title>502 Bad Gateway</title></head>\r\n"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>\r\n"
    b"</html>\r\n"
)


class Dropped(web.StreamResponse):
    """A response never sent: the connection was closed on purpose.

    aiohttp treats a ConnectionError from prepare() as a client gone away: no log, no retry.
    Metrics label it 444, nginx's "connection closed without response".
    """

    def __init__(self) -> None:
        super().__init__(status=444, reason="No Response")

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        raise ConnectionResetError("connection dropped by the fault API")


def drop(request: web.Request, *, reset: bool = False) -> Dropped:
    """Close the connection (flushing what was written), or reset it (RST, nothing flushed)."""
    transport = request.transport
    if transport is not None and not transport.is_closing():
        if reset:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                # SO_LINGER 0 makes close() send RST instead of FIN: "connection reset by peer".
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        else:
            transport.close()
    return Dropped()


def connected(request: web.Request) -> bool:
    transport = request.transport
    return transport is not None and not transport.is_closing()


async def apply(
    request: web.Request, handler: Handler, state: FaultState, injection: Injection
) -> web.StreamResponse:
    spec = injection.spec
    if injection.delay and not await state.pause(injection.delay):
        return drop(request)
    if spec.mode is Mode.ERROR:
        detail = f"Fault injected by the stub's fault API: mode error, status {spec.status}."
        fault = problems.InjectedFault(detail, status=spec.status, retry_after=spec.retry_after)
        return render(request, fault)
    if spec.mode is Mode.TIMEOUT:
        if await hold(request, state):
            return await handler(request)
        return drop(request)
    if spec.mode is Mode.RESET:
        return drop(request, reset=True)
    if spec.mode is Mode.GARBAGE:
        return web.Response(body=GARBAGE, content_type="application/json")
    if spec.mode is Mode.TRUNCATE:
        return await truncate(request, handler)
    if spec.mode is Mode.SLOW_BODY:
        return await slow_body(request, handler, state, spec.bytes_per_second)
    return await handler(request)  # latency: the pre-delay was the fault


async def hold(request: web.Request, state: FaultState) -> bool:
    """Hold the request until the client gives up or the server stops (False), or until
    the fault is changed through the API (True: the request may go on)."""
    released = state.released
    state.holding += 1
    try:
        # Without handler cancellation (aiohttp's default) nothing tells a handler that its
        # client left, so look now and then.
        while connected(request) and not released.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HOLD_POLL_SECONDS):  # not wait_for (3.11 cancels)
                    await released.wait()
    finally:
        state.holding -= 1
    return connected(request) and not state.stopping.is_set()


async def real_answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    """What the route would answer, with errors rendered as problems (as the client sees them)."""
    try:
        return await handler(request)
    except problems.Problem as problem:
        return render(request, problem)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return render(request, from_http_exception(exc))


async def _start_body(
    request: web.Request, handler: Handler
) -> tuple[web.StreamResponse, bytes | None]:
    """Headers of the real answer, with its full Content-Length, sent; and its body."""
    answer = await real_answer(request, handler)
    body = answer.body if isinstance(answer, web.Response) else None
    if not isinstance(body, bytes) or not body or request.method == "HEAD":
        return answer, None
    headers = CIMultiDict(answer.headers)
    for name in ("Content-Length", "Transfer-Encoding"):
        headers.popall(name, None)
    response = web.StreamResponse(status=answer.status, reason=answer.reason, headers=headers)
    response.content_length = len(body)
    await response.prepare(request)
    return response, body


async def truncate(request: web.Request, handler: Handler) -> web.StreamResponse:
    response, body = await _start_body(request, handler)
    if body is None:
        return response
    with contextlib.suppress(ConnectionError):
        await response.write(body[: len(body) // 2])
    return drop(request)


async def slow_body(
    request: web.Request, handler: Handler, state: FaultState, bytes_per_second: int
) -> web.StreamResponse:
    response, body = await _start_body(request, handler)
    if body is None:
        return response
    loop = asyncio.get_running_loop()
    started, sent = loop.time(), 0
    step = max(1, bytes_per_second // 10)
    try:
        while sent < len(body):
            piece = body[sent : sent + step]
            due = started + (sent + len(piece)) / bytes_per_second
            if not await state.pause(due - loop.time()):
                return drop(request)
            await response.write(piece)
            sent += len(piece)
        await response.write_eof()
    except ConnectionError:
        return drop(request)
    return response
