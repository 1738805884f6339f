"""/admin/upstreams: the stubs' fault API, reached through the gateway with an admin token.

The stubs are internal (no auth, not published); the console, a browser page, can only talk
to the gateway. Each call here is forwarded as it is, with a short deadline, and the stub's
answer (its fault state, or its 422 with every bad field) comes back unchanged.
"""

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from gateway.console.access import require_admin
from gateway.context import SETTINGS
from service_kit.bodies import read_json_object
from service_kit.faults.spec import FAULTY, PARAMS, Mode
from service_kit.jsonutil import JSON, json_response
from service_kit.problems import BadGateway, FieldError, NotFound, ValidationFailed

DEADLINE = aiohttp.ClientTimeout(total=3.0)
MAX_SPEC_BYTES = 16 * 1024
HTTP = web.AppKey("console_http", aiohttp.ClientSession)


def stub_urls(app: web.Application) -> dict[str, str]:
    settings = app[SETTINGS]
    return {"weather": settings.weather_url, "recommendations": settings.recommendations_url}


def fault_modes() -> dict[str, object]:
    """Every mode and parameter, from the stubs' own spec: the page builds its form from it."""
    return {
        "modes": [mode.value for mode in Mode],
        "params": {
            name: {
                "modes": sorted(mode.value for mode in param.modes),
                "integer": param.integer,
                "minimum": param.low,
                "maximum": param.high,
                "nullable": param.nullable,
            }
            for name, param in PARAMS.items()
        },
        "faulty": sorted(mode.value for mode in FAULTY),
    }


async def list_upstreams(request: web.Request) -> web.Response:
    require_admin(request)
    items = []
    for name in stub_urls(request.app):
        try:
            state: object = await _call(request, name, "GET", None)
        except BadGateway:
            state = None
        items.append({"name": name, "state": state, "reachable": state is not None})
    return json_response({"items": items, "faultModes": fault_modes()})


async def retrieve_faults(request: web.Request) -> web.Response:
    require_admin(request)
    return json_response(await _call(request, _name(request), "GET", None))


async def replace_faults(request: web.Request) -> web.Response:
    require_admin(request)
    name = _name(request)
    body = await read_json_object(request, MAX_SPEC_BYTES)
    return json_response(await _call(request, name, "PUT", orjson.dumps(body)))


def _name(request: web.Request) -> str:
    name = request.match_info["name"]
    if name not in stub_urls(request.app):
        raise NotFound(f"There is no upstream stub named '{name[:50]}'.")
    return name


async def _call(request: web.Request, name: str, method: str, body: bytes | None) -> Any:
    """The stub's fault state as JSON; its 422 told again in the gateway's own words."""
    url = stub_urls(request.app)[name] + "/admin/faults"
    headers = {"Content-Type": JSON} if body is not None else {}
    try:
        async with request.app[HTTP].request(
            method, url, data=body, headers=headers, timeout=DEADLINE
        ) as resp:
            status, payload = resp.status, await resp.read()
        answer = orjson.loads(payload)
    except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError):
        raise BadGateway(f"The {name} stub cannot be reached.") from None
    if status == 422 and isinstance(answer, dict):
        errors = [
            FieldError(str(e.get("field", "")), str(e.get("message", "")))
            for e in answer.get("errors", [])
            if isinstance(e, dict)
        ]
        raise ValidationFailed(errors, "The fault spec is not valid; the fault is unchanged.")
    if status != 200:
        raise BadGateway(f"The {name} stub answered {status}.")
    return answer


async def http_ctx(app: web.Application) -> AsyncIterator[None]:
    app[HTTP] = aiohttp.ClientSession(timeout=DEADLINE)
    yield
    await app[HTTP].close()
