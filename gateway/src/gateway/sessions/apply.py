"""Applying a session's step to a request that passed the gate and the routing."""

import asyncio
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.context import LIMITER, PETS, RATE_DECISION, RECOMMENDATIONS, WEATHER
from gateway.sessions.live import LiveSession
from gateway.sessions.model import Step
from gateway.sessions.respond import problem_for, rate_limited
from gateway.sessions.responses import Dribbled, Dropped, Recorded, Truncated, wait_unless_gone
from service_kit.middleware import answer_of, render
from service_kit.problems import GatewayTimeout, Problem

if TYPE_CHECKING:
    from gateway.sessions.exchange import Exchange

# A body that is not the JSON its Content-Type promises (nor UTF-8).
GARBAGE = b'{"items": [{"id": \x00\xff\xfe<html>' + b"\xc3\x28" * 8


async def serve(
    exchange: "Exchange", session: LiveSession, handler: Handler, request: web.Request
) -> web.StreamResponse:
    template = exchange.route
    rule = None if template is None else session.rule_for(request.method, template)
    count = await exchange.begin(session, rule)
    try:
        await exchange.body_digest()
    except Problem as exc:  # 413: answered (and journaled) as the handler would have
        return Recorded(render(request, exc), exchange.done)
    step = None
    if rule is not None:
        index = session.step_for(rule, count)
        if index is not None:
            candidate = session.rules[rule].steps[index]
            if session.fires(candidate, rule, count):
                step = candidate
                exchange.faults.journal.count_fired(session.id, session.expires_ms, rule, index)
    if step is None or step.action == "pass":
        return Recorded(await forward(request, handler), exchange.done)
    assert rule is not None
    assert template is not None
    return await _apply(exchange, step, session.latency_ms(step, rule, count), handler, template)


async def _apply(
    exchange: "Exchange", step: Step, latency_ms: int, handler: Handler, template: str
) -> web.StreamResponse:
    request = exchange.request
    action = step.action
    done = exchange.done
    if action == "respond":
        assert step.respond is not None
        exchange.fault = f"respond {step.respond}"
        return Recorded(_respond(request, step, template, exchange), done)
    if action == "latencyMs":
        exchange.fault = f"latencyMs {latency_ms}"
        return Recorded(await _late(request, handler, latency_ms / 1000, template), done)
    if action == "hang":
        assert step.hang is not None
        exchange.fault = f"hang {step.hang.ms}"
        await wait_unless_gone(request, step.hang.ms / 1000)
        return Dropped(done, rst=False)
    if action == "reset":
        exchange.fault = f"reset {step.reset}"
        if step.reset == "after-commit":
            await forward(request, handler)
        return Dropped(done, rst=True)
    if action == "garbage":
        exchange.fault = "garbage"
        return Recorded(web.Response(body=GARBAGE, content_type="application/json"), done)
    response = await forward(request, handler)
    if action == "truncate":
        exchange.fault = "truncate"
        return Truncated(response, done)
    assert step.slowBody is not None
    exchange.fault = f"slowBody {step.slowBody.bytesPerSecond}"
    return Dribbled(response, done, step.slowBody.bytesPerSecond)


async def forward(request: web.Request, handler: Handler) -> web.Response:
    """The real answer, errors rendered as the middleware renders them."""
    response = await answer_of(request, handler)
    if not isinstance(response, web.Response):
        raise TypeError("a /v1 handler answered with a stream")  # pragma: no cover
    return response


def _respond(request: web.Request, step: Step, template: str, exchange: "Exchange") -> web.Response:
    assert step.respond is not None
    status = step.respond
    if status == 429:
        problem, decision = rate_limited(request.app[LIMITER], step.retryAfter)
        request[RATE_DECISION] = decision  # the middleware adds its X-RateLimit-* headers
    else:
        allowed = exchange.faults.routes(request.app).allowed(template)
        problem = problem_for(
            status, step.retryAfter, method=request.method, template=template, allowed=allowed
        )
    return render(request, problem)


def _deadline(request: web.Request, template: str) -> tuple[str, float]:
    """The upstream a route calls and its deadline in seconds."""
    app = request.app
    if template.endswith("/weather"):
        upstream = app[WEATHER]
    elif template.endswith("/recommendations"):
        upstream = app[RECOMMENDATIONS]
    else:
        upstream = app[PETS]
    return upstream.name, upstream.timeout


async def _late(
    request: web.Request, handler: Handler, seconds: float, template: str
) -> web.Response:
    """Serve after ``seconds``, all within the route's deadline (else its 504, at the deadline)."""
    name, deadline = _deadline(request, template)
    timeout = GatewayTimeout(f"The {name} service did not answer in time.")
    if seconds >= deadline:
        await wait_unless_gone(request, deadline)
        return render(request, timeout)
    if await wait_unless_gone(request, seconds):
        return render(request, timeout)  # never sent: the client has left
    try:
        async with asyncio.timeout(deadline - seconds):
            return await forward(request, handler)
    except TimeoutError:
        return render(request, timeout)
