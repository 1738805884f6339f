"""A client that goes away in the middle of its request (e.g. half-way through its body) is
not an error of the service's: no traceback, not a 500. It is counted as 499, the status
reverse proxies log for a client that closed the request (never sent: nobody is there)."""

import asyncio
import logging

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

from service_kit.problems import Problem

log = logging.getLogger("service_kit.disconnects")

CLIENT_CLOSED_REQUEST = 499


def client_gone(request: web.Request, exc: BaseException) -> bool:
    """``exc`` came from reading a request whose connection is closed."""
    if not isinstance(exc, ConnectionError | RequestPayloadError):
        return False
    transport = request.transport
    return transport is None or transport.is_closing()


def failure_status(request: web.Request, exc: BaseException) -> int:
    """The status a request that ended in ``exc`` is logged and counted with, the same in the
    metrics and the access log: an HTTP exception's or a problem's own; 499 when the client
    went away (its connection closed under a read, or the handler cancelled); else 500."""
    if isinstance(exc, web.HTTPException | Problem):
        return exc.status
    if isinstance(exc, asyncio.CancelledError) or client_gone(request, exc):
        return CLIENT_CLOSED_REQUEST
    return 500


def ended_quietly(request: web.Request) -> web.Response:
    log.info("client closed the connection mid-request", extra={"path": request.path})
    return web.Response(status=CLIENT_CLOSED_REQUEST)
