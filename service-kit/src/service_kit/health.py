"""GET /healthz (alive) and GET /readyz (dependencies reachable, checked at most once a
second: a flood of /readyz does not become a flood on Redis and the upstreams)."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from service_kit.jsonutil import json_response
from service_kit.problems import ServiceUnavailable

log = logging.getLogger("service_kit.health")

ReadinessCheck = Callable[[], Awaitable[None]]
READINESS_CHECKS = web.AppKey("readiness_checks", dict[str, ReadinessCheck])
CHECK_TIMEOUT = 1.0
CACHE_SECONDS = 1.0


@dataclass
class _Cache:
    report: dict[str, str] = field(default_factory=dict)
    until: float = 0.0  # monotonic time the report is good until
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_READINESS = web.AppKey("readiness_cache", _Cache)


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    report = await _report(request.app)
    failing = sorted(name for name, ok in report.items() if ok != "ok")
    if failing:
        raise ServiceUnavailable(
            "Not ready: " + ", ".join(failing) + " unreachable.", retry_after=1, checks=report
        )
    return json_response({"status": "ready", "checks": report})


async def _report(app: web.Application) -> dict[str, str]:
    """The checks' outcome, run again only when the last one is older than CACHE_SECONDS;
    callers arriving while they run wait for that run instead of starting their own."""
    cache = app[_READINESS]
    async with cache.lock:
        if time.monotonic() >= cache.until:
            checks = app[READINESS_CHECKS]
            results = await asyncio.gather(*(_run(check) for check in checks.values()))
            cache.report = dict(zip(checks, results, strict=True))
            cache.until = time.monotonic() + CACHE_SECONDS
        return cache.report


async def _run(check: ReadinessCheck) -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await check()
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # any failure means not ready; the reason goes to the log
        log.warning("readiness check failed: %s", type(exc).__name__)
        return "unreachable"
    return "ok"


def setup_health(app: web.Application, checks: dict[str, ReadinessCheck] | None = None) -> None:
    app[READINESS_CHECKS] = dict(checks or {})
    app[_READINESS] = _Cache()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
