"""GET /admin/events: the live feed of exchanges as server-sent events."""

import asyncio
import contextlib

import orjson
from aiohttp import web

from gateway.console.access import require_console
from gateway.console.feed import FEED, Exchange, Subscription, TooManyStreams, as_json
from service_kit import tracing
from service_kit.negotiation import produces
from service_kit.problems import Problem

KEEPALIVE_SECONDS = 15.0  # a comment line this often keeps proxies from closing an idle stream


class StreamLimitReached(Problem):
    status = 429
    slug = "too-many-streams"
    title = "Too Many Streams"
    description = "The client already has as many open event streams as the gateway allows."
    advice = "Close another console tab or stream, then connect again after Retry-After."


def _event(exchange: Exchange) -> bytes:
    return b"event: exchange\ndata: " + orjson.dumps(as_json(exchange)) + b"\n\n"


@produces("text/event-stream")
async def stream_events(request: web.Request) -> web.StreamResponse:
    principal = require_console(request)
    feed = request.app[FEED]
    try:
        with feed.subscribe(principal.sub) as subscription:
            return await _follow(request, subscription, feed.recent())
    except TooManyStreams as exc:
        raise StreamLimitReached(f"The stream was refused: {exc}.", retry_after=5) from None


async def _follow(
    request: web.Request, subscription: Subscription, recent: list[Exchange]
) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            tracing.REQUEST_ID_HEADER: tracing.trace_id_of(request),
        }
    )
    await response.prepare(request)
    if request.method == "HEAD":  # the stream's headers, without following it
        return response
    await response.write(b"retry: 2000\n\n" + b"".join(map(_event, recent)))
    while True:
        try:
            async with asyncio.timeout(KEEPALIVE_SECONDS):
                exchange = await subscription.next()
        except TimeoutError:
            await response.write(b": keep-alive\n\n")
            continue
        if exchange is None:  # shutting down: end the stream so the server can drain
            break
        await response.write(_event(exchange))
    with contextlib.suppress(ConnectionError):
        await response.write_eof()
    return response
