"""A client that goes away in the middle of its request (e.g. half-way through its body) is
not an error of the service's: no traceback, not a 500. It is counted as 499, the status
reverse proxies log for a client that closed the request (never sent: nobody is there)."""

import logging

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

log = logging.getLogger("service_kit.disconnects")

CLIENT_CLOSED_REQUEST = 499


def client_gone(request: web.Request, exc: BaseException) -> bool:
    """``exc`` came from reading a request whose connection is closed."""
    if not isinstance(exc, ConnectionError | RequestPayloadError):
        return False
    transport = request.transport
    return transport is None or transport.is_closing()


def ended_quietly(request: web.Request) -> web.Response:
    log.info("client closed the connection mid-request", extra={"path": request.path})
    return web.Response(status=CLIENT_CLOSED_REQUEST)
