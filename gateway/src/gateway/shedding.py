"""Overload shedding: a cap on the /v1 requests the gateway works on at once.

Past ``MAX_IN_FLIGHT`` a /v1 request is answered at once with 503 ``overloaded`` and
``Retry-After: 1`` by the front door (``service_kit.protocol.FRONT_DOOR``): before routing,
the middleware, the token check, the rate limiter and the upstream call. A shed answer then
costs about what a bare aiohttp answer costs, so the gateway keeps CPU for the requests it
admitted when far more arrive than it can serve, instead of spending it on refusals
(docs/architecture.md).
"""

import time

import orjson
from aiohttp import web
from prometheus_client import Counter

from gateway.console.feed import ExchangeFeed
from service_kit import tracing
from service_kit.jsonutil import PROBLEM_JSON
from service_kit.metrics import observe_route
from service_kit.middleware import SERVER
from service_kit.problems import Overloaded, problem_body

SHED_ROUTE = "(shed)"  # the route label of shed answers in the request metrics: not routed


class InFlight:
    """How many /v1 requests are between the gate and their answer; ``enter`` refuses past
    the cap. One event loop: a plain counter is exact."""

    __slots__ = ("_shed", "cap", "count")

    def __init__(self, cap: int, shed: Counter) -> None:
        self.cap = cap
        self.count = 0
        self._shed = shed

    def problem(self) -> Overloaded:
        return Overloaded(f"The gateway is working on {self.cap} requests already; retry shortly.")

    def enter(self) -> None:
        """Count one more request in flight, or raise its 503 (counted as shed). The front
        door sheds first; this holds the cap for a request that passed it all the same."""
        if self.count >= self.cap:
            self.shed()
            raise self.problem()
        self.count += 1

    def shed(self) -> None:
        self._shed.inc()

    def leave(self) -> None:
        self.count -= 1

    def gauge(self) -> float:
        return float(self.count)

    def front_door(self, app: web.Application, type_base: str, feed: ExchangeFeed) -> "FrontDoor":
        return FrontDoor(self, app, type_base, feed)


class FrontDoor:
    """Sheds /v1 requests past the cap before aiohttp routes them (``FRONT_DOOR``)."""

    __slots__ = ("_app", "_feed", "_in_flight", "_type_base")

    def __init__(
        self, in_flight: InFlight, app: web.Application, type_base: str, feed: ExchangeFeed
    ) -> None:
        self._in_flight = in_flight
        self._app = app
        self._type_base = type_base
        self._feed = feed

    def __call__(self, request: web.BaseRequest) -> web.Response | None:
        in_flight = self._in_flight
        if in_flight.count < in_flight.cap:
            return None
        path = request.path
        if not (path.startswith("/v1/") or path == "/v1"):
            return None
        started = time.perf_counter()
        in_flight.shed()
        trace_id, _ = tracing.resolve_ids(request)  # type: ignore[arg-type]
        problem = in_flight.problem()
        body = problem_body(
            problem, type_base=self._type_base, instance=request.rel_url.raw_path, trace_id=trace_id
        )
        headers = problem.headers | {tracing.REQUEST_ID_HEADER: trace_id, "Server": SERVER}
        response = web.Response(
            status=503, body=orjson.dumps(body), headers=headers, content_type=PROBLEM_JSON
        )
        elapsed = time.perf_counter() - started
        observe_route(self._app, request.method, SHED_ROUTE, 503, elapsed)
        self._feed.record(request.method, path, 503, elapsed * 1000)
        return response
