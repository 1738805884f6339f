"""Handlers: the /v1 proxy, the routes the gateway composes itself, and the admin API."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from aiohttp import web

from gateway.context import (
    CLIENT_ADDRESS,
    MAINTENANCE,
    PETS,
    RECOMMENDATIONS,
    SETTINGS,
    VERIFIER,
    WEATHER,
)
from gateway.maintenance import parse_update
from gateway.proxy import relay, upstream_headers
from gateway.storage import StorageUnavailable
from gateway.upstream import Upstream
from gateway.verdict import Outcome
from service_kit import auth, problems
from service_kit.bodies import read_body, read_json_object
from service_kit.jsonutil import JSON, json_response
from service_kit.middleware import render
from service_kit.problems import ServiceUnavailable

PathOf = Callable[[str, dict[str, Any]], str]


async def proxy_request(request: web.Request) -> web.Response:
    """Any /v1 route the pets service serves: the same request, answer relayed or mapped."""
    app = request.app
    body = None
    if request.body_exists:
        body = await read_body(request, app[SETTINGS].max_body_bytes)
    headers = upstream_headers(request, app[CLIENT_ADDRESS])
    # HEAD goes upstream as GET: the same status and headers, and aiohttp sends no body.
    method = "GET" if request.method == "HEAD" else request.method
    with app[PETS].call() as call:
        resp = await call.send(method, request.rel_url.raw_path_qs, headers=headers, body=body)
        return relay(call, resp)


async def retrieve_weather(request: web.Request) -> web.Response:
    return await _compose(request, request.app[WEATHER], lambda pet_id, _: f"/v1/weather/{pet_id}")


async def retrieve_recommendations(request: web.Request) -> web.Response:
    def path(pet_id: str, pet: dict[str, Any]) -> str:
        query: dict[str, str] = {}
        if isinstance(pet.get("species"), str):
            query["species"] = pet["species"]
        age = pet.get("age")
        if isinstance(age, int) and not isinstance(age, bool):
            query["age"] = str(age)
        return f"/v1/recommendations/{pet_id}?{urlencode(query)}"

    return await _compose(request, request.app[RECOMMENDATIONS], path)


async def _compose(request: web.Request, upstream: Upstream, path_of: PathOf) -> web.Response:
    """Look the pet up (404 passes through), then ask ``upstream`` within its deadline."""
    upstream.breaker.check()  # an open circuit answers at once, without the pet lookup either
    app = request.app
    pets = app[PETS]
    pet_id = quote(request.match_info["pet_id"], safe="")
    headers = upstream_headers(request, app[CLIENT_ADDRESS])
    # A plain read of the pet: the client's conditions are about this route, not the pet.
    lookup = {k: v for k, v in headers.items() if k not in _NOT_FOR_LOOKUP}
    deadline = time.monotonic() + upstream.timeout
    with pets.call() as call:
        pet_resp = await call.send(
            "GET",
            f"/v1/pets/{pet_id}",
            headers=lookup,
            deadline=min(pets.timeout, upstream.timeout),
        )
        if pet_resp.status not in (200, 404):
            return relay(call, pet_resp)
        call.judge(pet_resp, composed=True)  # a 200 must hold a JSON object
    if pet_resp.status == 404:
        # Told for the path the client asked for (instance), not the lookup's path.
        raise problems.NotFound("No pet exists with this id.")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise upstream.fail(Outcome.TIMEOUT)  # not the stub's fault: its breaker is not told
    pet = orjson.loads(pet_resp.body)
    # The stubs are internal and need no credentials: they get the trace only.
    trace = {k: v for k, v in headers.items() if k in _TRACE}
    with upstream.call() as call:
        resp = await call.send("GET", path_of(pet_id, pet), headers=trace, deadline=remaining)
        call.judge(resp, composed=True)  # raises the 502/503/504 the verdict gives
        if resp.status == 200:
            return web.Response(body=resp.body, content_type=JSON)
    # A 4xx keeps its status, told in the gateway's words (the stub's body names its paths).
    problem = problems.for_status(resp.status)
    problem.detail = f"The {upstream.name} service refused the request ({resp.status})."
    return render(request, problem)


_NOT_FOR_LOOKUP = frozenset({"If-Match", "If-None-Match", "Idempotency-Key", "Content-Type"})
_TRACE = frozenset({"X-Request-ID", "traceparent", "Accept"})


async def retrieve_maintenance(request: web.Request) -> web.Response:
    _require_admin(request)
    try:
        state = await request.app[MAINTENANCE].read()
    except StorageUnavailable:
        raise ServiceUnavailable("The maintenance flag cannot be read now.") from None
    return json_response(state.as_json())


async def update_maintenance(request: web.Request) -> web.Response:
    _require_admin(request)
    state = parse_update(await read_json_object(request, request.app[SETTINGS].max_body_bytes))
    try:
        await request.app[MAINTENANCE].write(state)
    except StorageUnavailable:
        raise ServiceUnavailable("The maintenance flag cannot be saved now.") from None
    return json_response(state.as_json())


def _require_admin(request: web.Request) -> None:
    principal = auth.authenticate(request, request.app[VERIFIER])
    auth.require_scope(principal, auth.ADMIN)
