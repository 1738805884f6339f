"""Mount the console: its page, the live feed of exchanges and the stub fault proxy."""

from aiohttp import web

from gateway.console import page, stream, stubs
from gateway.console.feed import FEED, ExchangeFeed


async def _end_streams(app: web.Application) -> None:
    app[FEED].close()


def setup_console(app: web.Application) -> None:
    app[FEED] = ExchangeFeed()
    router = app.router
    router.add_get("/console", page.retrieve_console)
    router.add_get("/console/{asset}", page.retrieve_asset)
    router.add_get("/admin/events", stream.stream_events, allow_head=False)
    router.add_get("/admin/upstreams", stubs.list_upstreams, allow_head=False)
    router.add_get("/admin/upstreams/{name}/faults", stubs.retrieve_faults, allow_head=False)
    router.add_put("/admin/upstreams/{name}/faults", stubs.replace_faults)
    app.cleanup_ctx.append(stubs.http_ctx)
    app.on_shutdown.append(_end_streams)
