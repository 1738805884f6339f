"""One middleware that renders every error as application/problem+json, and tags responses."""

import asyncio
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from service_kit import problems, tracing
from service_kit.disconnects import client_gone, ended_quietly
from service_kit.jsonutil import PROBLEM_JSON, json_response

log = logging.getLogger("service_kit.errors")

PROBLEM_TYPE_BASE = web.AppKey("problem_type_base", str)


def render(request: web.Request, problem: problems.Problem) -> web.Response:
    body = problems.problem_body(
        problem,
        type_base=request.config_dict[PROBLEM_TYPE_BASE],
        instance=request.rel_url.raw_path,  # as sent: a URI reference (RFC 9457 3.1.5)
        trace_id=tracing.trace_id_of(request),
    )
    return json_response(
        body, status=problem.status, headers=problem.headers, content_type=PROBLEM_JSON
    )


def from_http_exception(exc: web.HTTPException) -> problems.Problem:
    """The problem of aiohttp's error, with its status."""
    if isinstance(exc, web.HTTPMethodNotAllowed):
        return problems.MethodNotAllowed(sorted(exc.allowed_methods))
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


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    tracing.bind(request)
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


async def _tag_response(request: web.Request, response: web.StreamResponse) -> None:
    response.headers[tracing.REQUEST_ID_HEADER] = tracing.trace_id_of(request)


def setup_problems(app: web.Application, type_base: str, *, middleware: bool = True) -> None:
    """Install problem rendering and X-Request-ID on every response of ``app``.

    ``middleware=False`` only sets the problem type base: the app then renders errors
    (``render_error``) and sets X-Request-ID in a middleware of its own.
    """
    app[PROBLEM_TYPE_BASE] = type_base if type_base.endswith("/") else type_base + "/"
    if middleware:
        app.middlewares.insert(0, problem_middleware)
        app.on_response_prepare.append(_tag_response)
