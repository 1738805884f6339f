"""GET /metrics on a port of its own, for an app whose main port is public: traffic, limiter
decisions and circuit states are for the operator's scraper, not for clients."""

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from service_kit.metrics import REGISTRY, serve_metrics
from service_kit.middleware import PROBLEM_TYPE_BASE, setup_problems
from service_kit.protocol import ProblemAppRunner

# The address the metrics port is bound to (host, port), known once the app has started.
METRICS_ADDRESS = web.AppKey("metrics_address", tuple[str, int])

CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def metrics_ctx(host: str, port: int) -> CleanupContext:
    """A cleanup context serving the app's registry on ``host:port`` (0: any free port)."""

    async def serve_metrics_port(app: web.Application) -> AsyncIterator[None]:
        metrics_app = web.Application()
        metrics_app[REGISTRY] = app[REGISTRY]
        # Errors, HEAD/OPTIONS, Server and malformed requests as on every other port.
        setup_problems(metrics_app, app.get(PROBLEM_TYPE_BASE, "/problems/"))
        metrics_app.router.add_get("/metrics", serve_metrics)
        runner = ProblemAppRunner(metrics_app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
            bound = runner.addresses[0]
            app[METRICS_ADDRESS] = (str(bound[0]), int(bound[1]))
            yield
        finally:
            await runner.cleanup()

    return serve_metrics_port
