"""Running an app: uvloop, JSON logs, and a graceful drain of in-flight requests on SIGTERM."""

import asyncio
import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import TypeVar

from aiohttp import web

from service_kit.logs import setup_logging
from service_kit.settings import SettingsError

log = logging.getLogger("service_kit.runner")

S = TypeVar("S")


def load_settings(from_env: Callable[[Mapping[str, str]], S], service: str) -> S:
    """Settings from the environment; a bad value ends the process with a clear message."""
    try:
        return from_env(os.environ)
    except SettingsError as exc:
        print(f"{service}: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def install_uvloop() -> None:
    if sys.platform != "win32":
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def serve(
    app: web.Application,
    *,
    service: str,
    host: str,
    port: int,
    log_level: str = "INFO",
    shutdown_timeout: float = 10.0,
) -> None:
    """Serve until SIGINT/SIGTERM; in-flight requests get ``shutdown_timeout`` to finish."""
    setup_logging(service, log_level)
    install_uvloop()
    log.info("listening", extra={"host": host, "port": port})
    web.run_app(
        app,
        host=host,
        port=port,
        access_log=None,
        print=None,
        shutdown_timeout=shutdown_timeout,
        handle_signals=True,
    )
