"""create_app(settings): the gateway application; every connection opens in a *_ctx."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from functools import partial

from aiohttp import web

from gateway import routes
from gateway.circuit import CircuitBreaker, State
from gateway.clientip import ClientAddress
from gateway.console.feed import FEED
from gateway.console.setup import setup_console
from gateway.context import (
    CLIENT_ADDRESS,
    IN_FLIGHT,
    LIMITER,
    MAINTENANCE,
    METRICS,
    PETS,
    RECOMMENDATIONS,
    SETTINGS,
    STORAGE,
    VERIFIER,
    WEATHER,
)
from gateway.guard import gateway_middleware
from gateway.maintenance import MaintenanceFlag
from gateway.metrics import GatewayMetrics
from gateway.ratelimit import RateLimiter
from gateway.resp import RespClient
from gateway.sessions import report_views
from gateway.sessions import views as fault_sessions
from gateway.sessions.runtime import sessions_ctx
from gateway.settings import Settings
from gateway.shedding import InFlight
from gateway.storage import Storage, StorageUnavailable
from gateway.upstream import ConnectionLife, Upstream
from service_kit import redis_client
from service_kit.auth import TokenVerifier
from service_kit.connections import CONNECTION_LIMITS, ConnectionLimits
from service_kit.health import setup_health
from service_kit.metrics import setup_metrics
from service_kit.metrics_port import metrics_ctx
from service_kit.middleware import setup_problems
from service_kit.protocol import FRONT_DOOR, FrontDoor

log = logging.getLogger("gateway")

CONNECTION_LIMIT = 512  # keep-alive connections to each upstream at most
KEEPALIVE_SECONDS = 30.0  # idle upstream connections closed by the gateway after this
# redis-py connections (maintenance flag, readiness, admin); the rate limiter has its own.
# Past it a call waits for a free one, within the Redis timeout.
REDIS_CONNECTIONS = 64


def create_app(settings: Settings) -> web.Application:
    app = web.Application()
    # Problems, X-Request-ID and request metrics come from the gateway's one middleware.
    setup_problems(app, settings.problem_base_url, middleware=False)
    # Metrics on an internal port of their own (GATEWAY_METRICS_PORT), never the public one.
    registry = setup_metrics(app, "gateway", middleware=False, route=False)
    app.middlewares.append(gateway_middleware)
    app[SETTINGS] = settings
    app[CONNECTION_LIMITS] = ConnectionLimits(
        header_timeout=settings.header_timeout_seconds,
        body_timeout=settings.body_timeout_seconds,
        max_connections=settings.max_connections,
        max_connections_per_ip=settings.max_connections_per_ip,
    )
    app[METRICS] = metrics = GatewayMetrics.create(registry)
    app[IN_FLIGHT] = in_flight = InFlight(settings.max_in_flight, metrics.shed)
    metrics.in_flight.set_function(in_flight.gauge)
    app[VERIFIER] = TokenVerifier(settings.jwt_secret)
    app[CLIENT_ADDRESS] = ClientAddress(settings.trusted_networks)

    async def redis_ready() -> None:
        await app[STORAGE].ping()

    async def pets_ready() -> None:
        status = await app[PETS].probe("/readyz", deadline=1.0)
        if status != 200:
            raise RuntimeError(f"pets service not ready ({status})")

    setup_health(
        app,
        {"redis": redis_ready, "pets-service": pets_ready},
        targets={"redis": settings.redis_url, "pets-service": settings.pets_service_url},
    )
    routes.setup_routes(app)
    setup_console(app)
    # Shedding past MAX_IN_FLIGHT happens before routing and the middleware: see shedding.py.
    front: FrontDoor = in_flight.front_door(app, settings.problem_base_url, app[FEED])
    app[FRONT_DOOR] = front
    app.cleanup_ctx.extend(
        [
            metrics_ctx(settings.bind_host, settings.metrics_port),
            redis_ctx,
            http_ctx,
            maintenance_ctx,
        ]
    )
    if settings.fault_sessions_enabled:
        fault_sessions.setup_routes(app)
        report_views.setup_routes(app)
        app.cleanup_ctx.append(sessions_ctx)
    return app


async def redis_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    timeout = settings.redis_timeout_ms / 1000
    client = redis_client.connect(
        settings.redis_url, timeout=timeout, max_connections=REDIS_CONNECTIONS
    )
    fast = RespClient(settings.redis_url, timeout=timeout, on_write=app[METRICS].batch_size.observe)
    storage = Storage(client, fast, settings.redis_key_prefix)
    app[STORAGE] = storage
    app[LIMITER] = RateLimiter(
        storage,
        limit=settings.rate_limit,
        window_seconds=settings.rate_limit_window_seconds,
        fail_mode=settings.rate_limit_fail_mode,
        metrics=app[METRICS],
        enabled=settings.rate_limit_enabled,
        lease=settings.rate_limit_lease,
    )
    yield
    await app[LIMITER].close()
    await fast.close()
    await client.aclose()


async def http_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    metrics = app[METRICS]

    def upstream(name: str, url: str, timeout_ms: int) -> Upstream:
        return Upstream(
            name,
            url,
            connections=CONNECTION_LIMIT,
            keepalive=KEEPALIVE_SECONDS,
            timeout=timeout_ms / 1000,
            failures=metrics.upstream_failures,
            retries=metrics.upstream_retries,
            retry_wait=settings.retry_wait_seconds,
            breaker=circuit_breaker(name, settings, metrics),
            forwards_client_requests=name == "pets",
            life=ConnectionLife(
                refresh=settings.upstream_dns_refresh_seconds,
                max_age=settings.upstream_connection_max_age_seconds,
                max_requests=settings.upstream_connection_max_requests,
            ),
        )

    upstreams = [
        upstream("pets", settings.pets_service_url, settings.pets_timeout_ms),
        upstream("weather", settings.weather_url, settings.weather_timeout_ms),
        upstream(
            "recommendations", settings.recommendations_url, settings.recommendations_timeout_ms
        ),
    ]
    app[PETS], app[WEATHER], app[RECOMMENDATIONS] = upstreams
    for each in upstreams:
        metrics.upstream_connections.labels(each.name).set_function(partial(_connections, each))
    yield
    for each in upstreams:
        await each.close()


def circuit_breaker(name: str, settings: Settings, metrics: GatewayMetrics) -> CircuitBreaker:
    """A breaker whose state is a gauge (one series per state) and whose changes are counted."""

    def changed(breaker: CircuitBreaker, old: State, new: State) -> None:
        metrics.circuit_transitions.labels(name, new.value).inc()
        level = logging.WARNING if new is State.OPEN else logging.INFO
        log.log(level, "circuit %s: %s -> %s", name, old.value, new.value)

    breaker = CircuitBreaker(
        name,
        threshold=settings.circuit_failure_threshold,
        reset_seconds=settings.circuit_reset_seconds,
        on_change=changed,
    )
    for state in State:
        metrics.circuit_state.labels(name, state.value).set_function(
            partial(_is_in, breaker, state)
        )
    return breaker


def _connections(upstream: Upstream) -> float:
    return float(upstream.connections)


def _is_in(breaker: CircuitBreaker, state: State) -> float:
    return float(breaker.state is state)


async def maintenance_ctx(app: web.Application) -> AsyncIterator[None]:
    flag = MaintenanceFlag(app[STORAGE], interval=app[SETTINGS].maintenance_refresh_seconds)
    app[MAINTENANCE] = flag
    app[METRICS].maintenance.set_function(lambda: float(flag.current.enabled))
    with contextlib.suppress(StorageUnavailable):
        await flag.read()
    task = asyncio.create_task(flag.run(), name="maintenance-refresh")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
