"""GET /healthz (alive) and GET /readyz (dependencies reachable, checked at most once a
second: a flood of /readyz does not become a flood on Redis and the upstreams)."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

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


class ReadinessWatch:
    """Logs each dependency's readiness when it changes, not on every check: one
    "waiting for" line while it comes up, one when it is there, one each time it is lost."""

    def __init__(self, targets: dict[str, str]) -> None:
        self.targets = {name: _without_credentials(where) for name, where in targets.items()}
        self.last: dict[str, bool] = {}

    def observe(self, name: str, ok: bool, reason: str) -> None:
        before = self.last.get(name)
        if before == ok:
            return
        self.last[name] = ok
        where = f" at {self.targets[name]}" if name in self.targets else ""
        if ok:
            log.info("%s%s is reachable", name, where)
        elif before is None:
            log.info("waiting for %s%s (%s)", name, where, reason)
        else:
            log.warning("lost %s%s (%s)", name, where, reason)


READINESS_WATCH = web.AppKey("readiness_watch", ReadinessWatch)


def _without_credentials(where: str) -> str:
    parts = urlsplit(where)
    if parts.password is None and parts.username is None:
        return where
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


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
            checks, watch = app[READINESS_CHECKS], app[READINESS_WATCH]
            results = await asyncio.gather(*(_run(check) for check in checks.values()))
            cache.report = {}
            for name, reason in zip(checks, results, strict=True):
                watch.observe(name, reason is None, reason or "")
                cache.report[name] = "ok" if reason is None else "unreachable"
            cache.until = time.monotonic() + CACHE_SECONDS
        return cache.report


async def _run(check: ReadinessCheck) -> str | None:
    """None when ready, else why not (the exception's type, for the log)."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await check()
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # any failure means not ready
        return type(exc).__name__
    return None


def setup_health(
    app: web.Application,
    checks: dict[str, ReadinessCheck] | None = None,
    targets: dict[str, str] | None = None,
) -> None:
    """``targets``: where each checked dependency is (``{"redis": url}``), for the log."""
    app[READINESS_CHECKS] = dict(checks or {})
    app[READINESS_WATCH] = ReadinessWatch(dict(targets or {}))
    app[_READINESS] = _Cache()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
