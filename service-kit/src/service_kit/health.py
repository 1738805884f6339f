"""GET /healthz (alive) and GET /readyz (dependencies reachable)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from service_kit.jsonutil import json_response
from service_kit.problems import ServiceUnavailable

log = logging.getLogger("service_kit.health")

ReadinessCheck = Callable[[], Awaitable[None]]
READINESS_CHECKS = web.AppKey("readiness_checks", dict[str, ReadinessCheck])
CHECK_TIMEOUT = 1.0


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    checks = request.app[READINESS_CHECKS]
    results = await asyncio.gather(*(_run(check) for check in checks.values()))
    report = dict(zip(checks, results, strict=True))
    failing = sorted(name for name, ok in report.items() if ok != "ok")
    if failing:
        raise ServiceUnavailable(
            "Not ready: " + ", ".join(failing) + " unreachable.", retry_after=1, checks=report
        )
    return json_response({"status": "ready", "checks": report})


async def _run(check: ReadinessCheck) -> str:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # any failure means not ready; the reason goes to the log
        log.warning("readiness check failed: %s", type(exc).__name__)
        return "unreachable"
    return "ok"


def setup_health(app: web.Application, checks: dict[str, ReadinessCheck] | None = None) -> None:
    app[READINESS_CHECKS] = dict(checks or {})
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
