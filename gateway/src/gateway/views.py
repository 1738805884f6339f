"""Handlers: the /v1 proxy, the routes the gateway composes itself, and the admin API."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

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
from gateway.upstream import FailureKind, Upstream
from service_kit import auth
from service_kit.bodies import read_body, read_json_object
from service_kit.jsonutil import JSON, json_response
from service_kit.problems import ServiceUnavailable

PathOf = Callable[[str, dict[str, Any]], str]


async def proxy_request(request: web.Request) -> web.Response:
    """Any /v1 route the pets service serves: the same request, answer relayed or mapped."""
    app = request.app
    body = None
    if request.body_exists:
        body = await read_body(request, app[SETTINGS].max_body_bytes)
    pets = app[PETS]
    headers = upstream_headers(request, app[CLIENT_ADDRESS])
    resp = await pets.send(request.method, request.rel_url.raw_path_qs, headers=headers, body=body)
    return relay(pets, resp)


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
    app = request.app
    pets = app[PETS]
    pet_id = quote(request.match_info["pet_id"], safe="")
    headers = upstream_headers(request, app[CLIENT_ADDRESS])
    deadline = time.monotonic() + upstream.timeout
    pet_resp = await pets.send(
        "GET",
        f"/v1/pets/{pet_id}",
        headers=headers,
        deadline=min(pets.timeout, upstream.timeout),
    )
    if pet_resp.status != 200:
        return relay(pets, pet_resp)
    pet = pets.json_object(pet_resp)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise upstream.fail(FailureKind.TIMEOUT)
    resp = await upstream.send(
        "GET", path_of(pet_id, pet), headers=_trace_only(headers), deadline=remaining
    )
    if resp.status != 200:
        return relay(upstream, resp)
    upstream.json_object(resp)
    return web.Response(body=resp.body, content_type=JSON)


def _trace_only(headers: dict[str, str]) -> dict[str, str]:
    # The stubs are internal and need no credentials: send only the trace.
    return {k: v for k, v in headers.items() if k in ("X-Request-ID", "traceparent", "Accept")}


async def retrieve_maintenance(request: web.Request) -> web.Response:
    _require_admin(request)
    try:
        state = await request.app[MAINTENANCE].read()
    except StorageUnavailable:
        raise ServiceUnavailable(
            "The maintenance flag cannot be read now.", retry_after=5
        ) from None
    return json_response(state.as_json())


async def update_maintenance(request: web.Request) -> web.Response:
    _require_admin(request)
    state = parse_update(await read_json_object(request, request.app[SETTINGS].max_body_bytes))
    try:
        await request.app[MAINTENANCE].write(state)
    except StorageUnavailable:
        raise ServiceUnavailable(
            "The maintenance flag cannot be saved now.", retry_after=5
        ) from None
    return json_response(state.as_json())


def _require_admin(request: web.Request) -> None:
    principal = auth.authenticate(request, request.app[VERIFIER])
    auth.require_scope(principal, auth.ADMIN)
