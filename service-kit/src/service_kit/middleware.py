"""One middleware that renders every error as application/problem+json, and tags responses."""

import asyncio
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from service_kit import methods, negotiation, problems, tracing
from service_kit.disconnects import client_gone, ended_quietly
from service_kit.jsonutil import PROBLEM_JSON, json_response
from service_kit.observe import setup_observe

log = logging.getLogger("service_kit.errors")

PROBLEM_TYPE_BASE = web.AppKey("problem_type_base", str)
# Instead of aiohttp's "Python/3.x aiohttp/x.y": a product token without a version.
SERVER = "petstore"


def render(request: web.Request, problem: problems.Problem) -> web.Response:
    body = problems.problem_body(
        problem,
        type_base=request.config_dict[PROBLEM_TYPE_BASE],
        instance=request.rel_url.raw_path,  # as sent: a URI reference (RFC 9457 3.1.5)
        trace_id=tracing.trace_id_of(request),
    )
    headers = problem.headers
    if problem.status == 415:
        headers = headers | negotiation.unsupported_media_headers(request.method, headers)
    return json_response(body, status=problem.status, headers=headers, content_type=PROBLEM_JSON)


def from_http_exception(exc: web.HTTPException) -> problems.Problem:
    """The problem of aiohttp's error, with its status."""
    if isinstance(exc, web.HTTPMethodNotAllowed):
        return problems.MethodNotAllowed(methods.advertised(exc.allowed_methods))
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return problems.PayloadTooLarge(
            f"The request body exceeds the limit of {exc.max_size} bytes."
            if hasattr(exc, "max_size")
            else None
        )
    return problems.for_status(exc.status)


def render_error(request: web.Request, exc: Exception) -> web.Response:
    """The problem+json answer for an exception a handler raised (HTTPException >= 400,
    a Problem, a client gone mid-request: 499, quietly; or anything else: logged with its
    trace, answered as a bare 500)."""
    if isinstance(exc, problems.Problem):
        return render(request, exc)
    if isinstance(exc, web.HTTPException) and exc.status >= 400:
        return render(request, from_http_exception(exc))
    if client_gone(request, exc):
        return ended_quietly(request)
    log.error(
        "unhandled error",
        exc_info=exc,
        extra={"path": request.path, "method": request.method},
    )
    return render(request, problems.Problem())


async def answer_of(request: web.Request, handler: Handler) -> web.StreamResponse:
    """What ``handler`` answers, every error rendered as problem+json (redirects raised)."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return render_error(request, exc)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        return render_error(request, exc)


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    tracing.bind(request)
    try:
        methods.check_implemented(request)
    except problems.Problem as problem:
        return render(request, problem)
    return await answer_of(request, handler)


async def _tag_response(request: web.Request, response: web.StreamResponse) -> None:
    response.headers[tracing.REQUEST_ID_HEADER] = tracing.trace_id_of(request)
    response.headers["Server"] = SERVER


def setup_problems(app: web.Application, type_base: str, *, middleware: bool = True) -> None:
    """Install problem rendering, X-Request-ID and the HTTP semantics every service shares:
    HEAD and OPTIONS on every route, 501 for unknown methods, 406 (``methods``,
    ``negotiation``).

    ``middleware=False`` only sets the problem type base and the routes: the app then
    renders errors (``render_error``), sets X-Request-ID and Server, and calls
    ``methods.check_implemented`` and ``negotiation.check_accept`` in a middleware of its own.
    """
    app[PROBLEM_TYPE_BASE] = type_base if type_base.endswith("/") else type_base + "/"
    methods.setup_methods(app)
    setup_observe(app)  # the access log and the server span, when they are on
    if middleware:
        app.middlewares.insert(0, problem_middleware)
        app.on_response_prepare.append(_tag_response)
        app.on_startup.append(_negotiate_last)


async def _negotiate_last(app: web.Application) -> None:
    # Appended once every middleware is in place, so that 406 comes after the app's own
    # checks (a /v1 token: 401/403 first), just before the handler.
    app.middlewares.append(negotiation.negotiation_middleware)
