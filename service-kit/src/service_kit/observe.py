"""What is seen of every request: the access-log line and, with tracing on, the server span.

Both are middlewares added at start-up only when they are on (LOG_LEVEL at INFO or below;
OTEL_EXPORTER_OTLP_ENDPOINT set), so that when off they cost nothing per request, not even
a check.
"""

import logging
import time

from aiohttp import web
from aiohttp.typedefs import Handler

from service_kit import otel
from service_kit.disconnects import failure_status

access = logging.getLogger("access")

# Probes and scrapes every few seconds would drown the lines people read: DEBUG for them.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except BaseException as exc:  # a redirect raised, an unrendered error, the client gone
        status = failure_status(request, exc)
        raise
    finally:
        path = request.rel_url.raw_path  # as sent (percent-encoded): no control characters
        elapsed = round((time.perf_counter() - started) * 1000, 2)
        access.log(
            logging.DEBUG if path in QUIET_PATHS else logging.INFO,
            "%s %s %d %.1f ms",
            request.method,
            path,
            status,
            elapsed,
            extra={"method": request.method, "path": path, "status": status, "durationMs": elapsed},
        )


async def _install(app: web.Application) -> None:
    # On start-up: middlewares may still be added then, and logging and tracing are set up.
    if access.isEnabledFor(logging.INFO):
        app.middlewares.insert(0, access_middleware)
    if otel.enabled:
        from service_kit.otel_spans import server_middleware

        app.middlewares.insert(0, server_middleware)  # outermost: the span covers it all


def setup_observe(app: web.Application) -> None:
    """Add the access log and the server span to ``app`` when it starts, if they are on."""
    app.on_startup.append(_install)
