"""The fault API routes (/admin/faults) and the middleware that applies the active fault."""

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CollectorRegistry

from service_kit.bodies import read_json_object
from service_kit.faults.inject import apply
from service_kit.faults.spec import FaultSpec, parse_spec
from service_kit.faults.state import FaultState
from service_kit.jsonutil import json_response

FAULTS = web.AppKey("faults", FaultState)
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/admin"})
EXEMPT_PREFIX = "/admin/"
MAX_SPEC_BYTES = 16 * 1024


def is_exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIX)


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if is_exempt(request.path):
        return await handler(request)
    state = request.config_dict[FAULTS]
    injection = state.draw()
    if injection is None:
        return await handler(request)
    return await apply(request, handler, state, injection)


async def retrieve_faults(request: web.Request) -> web.Response:
    return json_response(request.app[FAULTS].as_dict())


async def replace_faults(request: web.Request) -> web.Response:
    spec = parse_spec(await read_json_object(request, MAX_SPEC_BYTES))
    state = request.app[FAULTS]
    state.set(spec)
    state.release_held()
    return json_response(state.as_dict())


async def clear_faults(request: web.Request) -> web.Response:
    state = request.app[FAULTS]
    state.clear()
    state.release_held()
    return json_response(state.as_dict())


async def reset_fault_counters(request: web.Request) -> web.Response:
    state = request.app[FAULTS]
    state.reset_counters()
    return json_response(state.as_dict())


async def _stop_faults(app: web.Application) -> None:
    app[FAULTS].stop()


def setup_faults(
    app: web.Application,
    *,
    initial: FaultSpec | None = None,
    registry: CollectorRegistry | None = None,
) -> FaultState:
    """Mount /admin/faults and apply the active fault to every other non-health route.

    Call after setup_problems (and setup_metrics, whose ``registry`` gets fault counters).
    """
    state = FaultState(initial, registry)
    app[FAULTS] = state
    app.middlewares.append(fault_middleware)
    app.router.add_get("/admin/faults", retrieve_faults)
    app.router.add_put("/admin/faults", replace_faults)
    app.router.add_delete("/admin/faults", clear_faults)
    app.router.add_delete("/admin/faults/counters", reset_fault_counters)
    app.on_shutdown.append(_stop_faults)
    return state
