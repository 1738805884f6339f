"""Running an app: uvloop, logs, tracing, and a graceful drain of in-flight requests on SIGTERM."""

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import TypeVar

from aiohttp import web

from service_kit import otel
from service_kit.logs import LogFormat, setup_logging
from service_kit.settings import SettingsError
from service_kit.slow_clients import LimitedAppRunner

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
    log_format: LogFormat = "auto",
    otlp_endpoint: str = "",
) -> None:
    """Serve until SIGINT/SIGTERM; in-flight requests get ``shutdown_timeout`` to finish.

    What ``web.run_app`` does, with ``LimitedAppRunner``: aiohttp's parser errors are
    answered as problem details too, and the app's connection limits apply.
    """
    setup_logging(service, log_level, log_format)
    otel.setup(service, otlp_endpoint, os.environ)
    install_uvloop()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    main = loop.create_task(_serve(app, host, port, shutdown_timeout))
    try:
        loop.run_until_complete(main)
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        # Cancelling the main task runs the runner's cleanup: stop listening, let in-flight
        # requests finish (up to shutdown_timeout), run the app's cleanup contexts.
        main.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(main)
        _cancel_remaining(loop)
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        otel.shutdown()  # the spans still queued, within the exporter's timeout


async def _serve(app: web.Application, host: str, port: int, shutdown_timeout: float) -> None:
    runner = LimitedAppRunner(
        app, handle_signals=True, access_log=None, shutdown_timeout=shutdown_timeout
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("listening", extra={"host": host, "port": port})
        await asyncio.Event().wait()  # until a signal raises GracefulExit
    finally:
        await runner.cleanup()


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
