"""Prometheus metrics: one registry per app, request counts and latency, GET /metrics."""

import time

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

from service_kit.disconnects import failure_status
from service_kit.negotiation import produces

REGISTRY = web.AppKey("metrics_registry", CollectorRegistry)
_REQUESTS = web.AppKey("metrics_requests", Counter)
_LATENCY = web.AppKey("metrics_latency", Histogram)
# The labelled children by (method, route, status): labels() costs more than counting.
_CHILDREN = web.AppKey("metrics_children", dict[tuple[str, str, int], tuple[Counter, Histogram]])

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


def route_of(request: web.Request) -> str:
    route = request.match_info.route
    resource = route.resource
    return resource.canonical if resource is not None else "unmatched"


def observe(request: web.Request, status: int, seconds: float) -> None:
    """Count one answered request and its latency (for apps that measure in their own
    middleware, see ``setup_metrics(middleware=False)``)."""
    observe_route(request.app, request.method, route_of(request), status, seconds)


def observe_route(
    app: web.Application, method: str, route: str, status: int, seconds: float
) -> None:
    """``observe`` for a request answered before routing (the route named by the caller)."""
    children = app[_CHILDREN]
    key = (method, route, status)
    pair = children.get(key)
    if pair is None:
        pair = children[key] = (
            app[_REQUESTS].labels(method, route, str(status)),
            app[_LATENCY].labels(route),
        )
    pair[0].inc()
    pair[1].observe(seconds)


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except BaseException as exc:
        # A problem raised below is rendered by the outer problem middleware with its status.
        status = failure_status(request, exc)
        raise
    finally:
        observe(request, status, time.perf_counter() - started)


@produces("text/plain", "application/openmetrics-text")
async def serve_metrics(request: web.Request) -> web.Response:
    return web.Response(
        body=generate_latest(request.app[REGISTRY]),
        headers={"Content-Type": CONTENT_TYPE_LATEST},
    )


def setup_metrics(
    app: web.Application, service: str, *, middleware: bool = True, route: bool = True
) -> CollectorRegistry:
    """Add GET /metrics and request metrics; returns the registry for the app's own metrics.

    ``middleware=False``: the app calls ``observe`` from a middleware of its own.
    ``route=False``: no /metrics on the app's port (see ``service_kit.metrics_port``).
    """
    registry = CollectorRegistry(auto_describe=True)
    app[REGISTRY] = registry
    app[_REQUESTS] = Counter(
        "http_requests",
        "HTTP requests answered",
        ["method", "route", "status"],
        registry=registry,
    )
    app[_LATENCY] = Histogram(
        "http_request_duration_seconds",
        "Time to answer",
        ["route"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )
    app[_CHILDREN] = {}
    if middleware:
        app.middlewares.append(metrics_middleware)
    if route:
        app.router.add_get("/metrics", serve_metrics)
    return registry
