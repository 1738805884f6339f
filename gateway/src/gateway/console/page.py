"""GET /console and its assets: files shipped in the package, nothing from a CDN."""

import importlib.resources
from functools import cache

from aiohttp import web

from service_kit.negotiation import produces
from service_kit.problems import NotFound

ASSETS = {
    "console.css": "text/css",
    "api.js": "text/javascript",
    "console.js": "text/javascript",
    "feed.js": "text/javascript",
    "sessions.js": "text/javascript",
    "upstreams.js": "text/javascript",
}
# The page loads only its own files and talks only to the gateway that served it.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@cache
def _read(name: str) -> bytes:
    return importlib.resources.files("gateway.console").joinpath("static", name).read_bytes()


@produces("text/html")
async def retrieve_console(request: web.Request) -> web.Response:
    return web.Response(body=_read("index.html"), content_type="text/html", headers=HEADERS)


@produces()
async def retrieve_asset(request: web.Request) -> web.Response:
    name = request.match_info["asset"]
    content_type = ASSETS.get(name)
    if content_type is None:
        raise NotFound(f"The console has no file '{name[:50]}'.")
    return web.Response(body=_read(name), content_type=content_type, headers=HEADERS)
