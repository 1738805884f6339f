"""RFC 9110 method semantics on every route: HEAD wherever GET works, OPTIONS on every
resource, an ``Allow`` that lists exactly what works, and 501 for methods it does not know."""

from collections.abc import Iterable

from aiohttp import hdrs, web

from service_kit.problems import MethodNotImplemented

# The methods this server knows: HTTP's own (RFC 9110), PATCH (RFC 5789) and QUERY (the
# IETF's safe method with a body, in OpenAPI 3.2). One a resource does not serve is 405 there
# (TRACE, CONNECT and QUERY everywhere); any other method is 501.
KNOWN = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "QUERY"}
)
_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def advertised(methods: Iterable[str]) -> list[str]:
    """What ``Allow`` lists, in a stable order. OPTIONS works on every resource, but the
    list names the resource's own methods only (a pet: GET, HEAD, PUT, PATCH, DELETE)."""
    present = set(methods)
    return [m for m in _ORDER if m in present]


def allow_header(methods: Iterable[str]) -> str:
    return ", ".join(advertised(methods))


def check_implemented(request: web.Request) -> None:
    if request.method not in KNOWN:
        raise MethodNotImplemented(
            "This server implements the methods of RFC 9110, PATCH and QUERY only."
        )


async def describe_options(request: web.Request) -> web.Response:
    """OPTIONS: 204 and the resource's Allow (the route's methods, not one item's state)."""
    resource = request.match_info.route.resource
    methods = [route.method for route in resource] if resource is not None else []
    return web.Response(status=204, headers={hdrs.ALLOW: allow_header(methods)})


def complete_routes(router: web.UrlDispatcher) -> None:
    """Give every GET route its HEAD (the same handler: aiohttp sends no body for HEAD)
    and every resource an OPTIONS route, unless it has one of its own."""
    for resource in list(router.resources()):
        routes = {route.method: route for route in resource}
        if not isinstance(resource, web.Resource) or hdrs.METH_ANY in routes:
            continue
        get = routes.get(hdrs.METH_GET)
        if get is not None and hdrs.METH_HEAD not in routes:
            resource.add_route(hdrs.METH_HEAD, get.handler)
        if hdrs.METH_OPTIONS not in routes:
            resource.add_route(hdrs.METH_OPTIONS, describe_options)


async def _complete_on_startup(app: web.Application) -> None:
    complete_routes(app.router)


def setup_methods(app: web.Application) -> None:
    """HEAD and OPTIONS for every route the app has once it starts (routes added after
    this call are covered too)."""
    app.on_startup.append(_complete_on_startup)
