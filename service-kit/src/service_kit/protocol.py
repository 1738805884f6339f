"""Requests aiohttp's HTTP parser refuses, answered as problem details on HTTP/1.1.

Such a request never reaches the app or its middleware: aiohttp's ``RequestHandler`` answers
it from ``handle_error`` with a plain-text page that quotes the offending bytes (a header
line, sometimes a bearer token). ``ProblemRequestHandler`` overrides that one method, and
``ProblemAppRunner`` serves an app with it. Nothing from the request is echoed or logged.
"""

import ast
import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.http import HttpVersion11, RawRequestMessage
from aiohttp.http_exceptions import BadHttpMethod, HttpProcessingError, LineTooLong
from aiohttp.streams import StreamReader
from aiohttp.web_protocol import ERROR, RequestHandler, _RequestFactory

from service_kit import problems, tracing
from service_kit.jsonutil import PROBLEM_JSON
from service_kit.middleware import PROBLEM_TYPE_BASE, SERVER
from service_kit.problems import MethodNotImplemented, RequestHeaderFieldsTooLarge, UriTooLong

log = logging.getLogger("service_kit.protocol")

# The limits the parser enforces. The request line's differs from a header field's by two
# bytes so that a LineTooLong tells which one it was (its args carry the limit it broke).
MAX_REQUEST_LINE = 8192
MAX_FIELD_SIZE = 8190
MAX_HEADERS = 128

_TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_REQUEST_LINE = re.compile(_TOKEN + rb" \S+ HTTP/\d\.\d")
# The request of an error answer: aiohttp's placeholder says HTTP/1.0; ours is HTTP/1.1.
_ERROR_11 = ERROR._replace(version=HttpVersion11)


def _unknown_method(exc: BadHttpMethod) -> bool:
    """A well-formed request line whose method is a token the parser does not know.

    The C parser knows a fixed list of methods; its error quotes the line it stopped in
    (``Invalid method encountered:\\n\\n  b'FOO / HTTP/1.1'\\n ...``). Bytes that are not a
    request line (TLS, garbage) stay a 400.
    """
    lines = exc.message.split("\n")
    try:
        line = ast.literal_eval(lines[2].strip())
    except (IndexError, SyntaxError, ValueError):
        return False
    return isinstance(line, bytes) and _REQUEST_LINE.fullmatch(line) is not None


def problem_for(exc: BaseException | None, status: int) -> problems.Problem:
    """The problem that answers a request the server could not hand to the app."""
    if isinstance(exc, LineTooLong):
        if exc.args[1:2] == (MAX_REQUEST_LINE,):
            return UriTooLong(f"The request line is longer than {MAX_REQUEST_LINE} bytes.")
        return RequestHeaderFieldsTooLarge(f"A header field is longer than {MAX_FIELD_SIZE} bytes.")
    if isinstance(exc, BadHttpMethod):
        if _unknown_method(exc):
            return MethodNotImplemented()
        return problems.BadRequest("The request is not an HTTP/1.1 request.")
    if isinstance(exc, HttpProcessingError):
        if "Too many headers" in exc.message:
            return RequestHeaderFieldsTooLarge(f"The request has more than {MAX_HEADERS} headers.")
        # A malformed header line, Content-Length with Transfer-Encoding, a bad chunk size...
        return problems.BadRequest("The request is not valid HTTP/1.1 (RFC 9112).")
    if status == 504:
        return problems.GatewayTimeout()
    return problems.Problem()


class ProblemRequestHandler(RequestHandler):
    """aiohttp's connection handler, answering its own errors as problem+json."""

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        problem = problem_for(exc, status)
        parse_error = isinstance(exc, HttpProcessingError)
        trace_id = tracing.new_trace_hex()
        tracing.current_trace_id.set(trace_id)  # for the log line
        if parse_error:  # the client's doing: no trace, and not the exception's text (it quotes)
            log.info("refused a malformed request: %s", type(exc).__name__)
        else:
            log.error("error handling a request", exc_info=exc)
        if request.writer.output_size > 0:
            raise ConnectionError("The response is already partly sent.")
        manager = self._manager
        type_base = manager.type_base if isinstance(manager, ProblemServer) else "/problems/"
        body = problems.problem_body(
            problem,
            type_base=type_base,
            instance="" if parse_error else request.rel_url.raw_path,
            trace_id=trace_id,
        )
        if parse_error:
            del body["instance"]  # the path was not read, or cannot be trusted
        headers = dict(problem.headers)
        headers.update({tracing.REQUEST_ID_HEADER: trace_id, "Server": SERVER})
        resp = web.Response(
            body=orjson.dumps(body),
            status=problem.status,
            headers=headers,
            content_type=PROBLEM_JSON,
        )
        resp.force_close()
        return resp


class ProblemServer(web.Server):
    """aiohttp's low-level server with ProblemRequestHandler connections."""

    def __init__(
        self,
        handler: Any,
        *,
        request_factory: _RequestFactory,
        type_base: str,
        loop: asyncio.AbstractEventLoop,
        handler_cancellation: bool = False,
        **kwargs: Any,
    ) -> None:
        def make_request(
            message: RawRequestMessage,
            payload: StreamReader,
            protocol: RequestHandler,
            writer: AbstractStreamWriter,
            task: "asyncio.Task[None]",
        ) -> web.BaseRequest:
            if message is ERROR:
                message = _ERROR_11
            return request_factory(message, payload, protocol, writer, task)

        super().__init__(
            handler,
            request_factory=make_request,
            handler_cancellation=handler_cancellation,
            loop=loop,
            **kwargs,
        )
        self.type_base = type_base
        self._handler_loop = loop
        self._handler_kwargs = kwargs

    def __call__(self) -> RequestHandler:
        return ProblemRequestHandler(self, loop=self._handler_loop, **self._handler_kwargs)


# A function that may answer a request before the app routes it and runs its middlewares
# (None: the app handles it), for answers that must cost next to nothing, such as a
# gateway's overload shedding. Synchronous: it decides at once.
FrontDoor = Callable[[web.BaseRequest], web.StreamResponse | None]
FRONT_DOOR: web.AppKey[FrontDoor] = web.AppKey("front_door")


def through_front_door(front: FrontDoor, handler: Any) -> Any:
    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        answer = front(request)
        if answer is not None:
            return answer
        response: web.StreamResponse = await handler(request)
        return response

    return handle


class ProblemAppRunner(web.AppRunner):
    """``web.AppRunner`` whose server answers parser errors as problems, with our limits."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        kwargs.setdefault("max_line_size", MAX_REQUEST_LINE)
        kwargs.setdefault("max_field_size", MAX_FIELD_SIZE)
        kwargs.setdefault("max_headers", MAX_HEADERS)
        super().__init__(app, **kwargs)

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()  # starts the app; aiohttp's own server
        handler = server.request_handler
        front = self.app.get(FRONT_DOOR)
        if front is not None:
            handler = through_front_door(front, handler)
        return ProblemServer(
            handler,
            request_factory=server.request_factory,
            handler_cancellation=server.handler_cancellation,
            type_base=self.app.get(PROBLEM_TYPE_BASE, "/problems/"),
            loop=asyncio.get_running_loop(),
            **server._kwargs,  # what the app and runner configured for each connection
        )
