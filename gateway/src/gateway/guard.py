"""The gateway's one middleware: trace ids, the /v1 gate in the order of docs/architecture.md
(overload shedding → maintenance → token → rate limit → 401 → 403; routing and the handler
follow), problem
rendering, the response's own headers and the request metrics.

One layer instead of the usual three (problems, metrics, gate) plus two response signals:
each aiohttp middleware layer or signal costs microseconds on every request.
"""

import asyncio
import time

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.console.feed import FEED
from gateway.context import (
    CLIENT_ADDRESS,
    IN_FLIGHT,
    LIMITER,
    MAINTENANCE,
    RATE_DECISION,
    VERIFIER,
)
from gateway.sessions.exchange import fault_session
from service_kit import auth, otel, scopes, tracing
from service_kit.methods import check_implemented
from service_kit.metrics import observe
from service_kit.middleware import SERVER, render_error
from service_kit.negotiation import check_accept
from service_kit.problems import ServiceUnavailable, Unauthorized

REQUEST_ID = tracing.REQUEST_ID_HEADER


def is_public_api(path: str) -> bool:
    return path.startswith("/v1/") or path == "/v1"


def is_limited_by_ip(path: str) -> bool:
    """Paths outside /v1 that cost a Redis or upstream call: limited per client IP, as
    unauthenticated /v1 traffic is (docs/security.md)."""
    return path.startswith("/admin/") or path == "/readyz"


async def limit_by_ip(request: web.Request) -> None:
    if request.app[LIMITER].enabled:
        try:
            await rate_limit(request, "ip:" + request.app[CLIENT_ADDRESS].client_ip(request))
        except ServiceUnavailable:
            if request.path == "/readyz":
                return  # fail-closed limiting must not hide why the gateway is not ready
            raise


async def rate_limit(request: web.Request, identity: str) -> None:
    """Count this request in ``identity``'s window: its headers kept, or its 429 raised."""
    limiter = request.app[LIMITER]
    if otel.enabled:
        from service_kit.otel_spans import traced

        decision = await traced("rate limit", limiter.check(identity))
    else:
        decision = await limiter.check(identity)
    if decision is not None:
        request[RATE_DECISION] = decision
        if not decision.allowed:
            raise limiter.too_many(decision)


def _check_token(request: web.Request) -> tuple[auth.Principal | None, Unauthorized | None]:
    token = auth.bearer_token(request)
    if token is None:
        return None, auth.missing_token()
    try:
        return request.app[VERIFIER].verify(token), None
    except auth.InvalidToken as exc:
        return None, auth.invalid_token(str(exc))


async def guard(request: web.Request) -> None:
    """Raise the problem that answers this /v1 request instead of its handler, if any."""
    app = request.app
    maintenance = app[MAINTENANCE].current
    if maintenance.enabled:
        raise maintenance.problem()
    principal, unauthorized = _check_token(request)
    if app[LIMITER].enabled:
        await rate_limit(
            request,
            "sub:" + principal.sub
            if principal is not None
            else "ip:" + app[CLIENT_ADDRESS].client_ip(request),
        )
    if principal is None:
        assert unauthorized is not None
        raise unauthorized
    scopes.authorize(principal, request)


@web.middleware
async def gateway_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    trace_id = tracing.bind(request)
    public = is_public_api(request.path)
    exchange = None
    in_flight = None
    try:
        check_implemented(request)  # 501 before anything: no resource serves the method
        if public:
            request.app[IN_FLIGHT].enter()  # 503 overloaded at once past MAX_IN_FLIGHT
            in_flight = request.app[IN_FLIGHT]
            exchange = fault_session(request)
            if exchange is None:
                await guard(request)
            else:  # a fault session's request: the same gate, then its faults and journal
                handler = await exchange.admit(guard, handler)
        elif is_limited_by_ip(request.path):
            await limit_by_ip(request)
        check_accept(request)  # 406 once the request may see the resource
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400:
            response = render_error(request, exc)
        else:  # a redirect, raised: aiohttp sends it as it is
            exc.headers[REQUEST_ID] = trace_id
            exc.headers["Server"] = SERVER
            observe(request, exc.status, time.perf_counter() - started)
            raise
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a problem, or a bug: rendered as problem+json either way
        response = render_error(request, exc)
    finally:
        if in_flight is not None:
            in_flight.leave()
    headers = response.headers
    headers[REQUEST_ID] = trace_id
    headers["Server"] = SERVER
    decision = request.get(RATE_DECISION)
    if decision is not None:
        headers.extend(decision.headers)  # the relayed answer holds none of them
    elapsed = time.perf_counter() - started
    observe(request, response.status, elapsed)
    if public:
        if exchange is None or exchange.session is None:
            session, fault = None, None
        else:
            session, fault = exchange.session.id, exchange.fault
        request.app[FEED].record(
            request.method, request.path, response.status, elapsed * 1000, fault, session
        )
    return response
