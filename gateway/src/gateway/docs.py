"""Documentation handlers: problem type pages, the OpenAPI document and the /docs viewer."""

import importlib.resources
from functools import cache

import orjson
from aiohttp import web

from gateway import openapi, problem_pages
from service_kit.jsonutil import JSON, json_response
from service_kit.middleware import PROBLEM_TYPE_BASE
from service_kit.negotiation import produces
from service_kit.problems import REGISTRY, NotFound

HTML = "text/html"


def _wants_json(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


@produces(HTML, JSON)
async def list_problems(request: web.Request) -> web.Response:
    base = request.app[PROBLEM_TYPE_BASE]
    problems = problem_pages.all_problems()
    if _wants_json(request):
        return json_response([problem_pages.problem_json(p, base) for p in problems])
    return web.Response(text=problem_pages.render_index(problems), content_type=HTML)


@produces(HTML, JSON)
async def retrieve_problem(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    problem = REGISTRY.get(slug)
    if problem is None:
        raise NotFound(f"There is no problem type '{slug[:100]}'.")
    base = request.app[PROBLEM_TYPE_BASE]
    if _wants_json(request):
        return json_response(problem_pages.problem_json(problem, base))
    example = orjson.dumps(
        problem_pages.example_body(problem, base), option=orjson.OPT_INDENT_2
    ).decode()
    return web.Response(
        text=problem_pages.render_problem(problem, base, example), content_type=HTML
    )


@cache
def _openapi_bytes(type_base: str) -> bytes:
    return orjson.dumps(openapi.document(type_base))


async def retrieve_openapi(request: web.Request) -> web.Response:
    return web.Response(body=_openapi_bytes(request.app[PROBLEM_TYPE_BASE]), content_type=JSON)


# /docs is Swagger UI, shipped in the repository (gateway/vendor/swagger-ui, see its VERSION):
# the page works offline and loads nothing from a CDN.
_DOCS_ASSETS = {
    "swagger-ui-bundle.js": ("vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": ("vendor/swagger-ui/swagger-ui.css", "text/css"),
    "docs-init.js": ("docs-init.js", "text/javascript"),
}


@cache
def _package_file(name: str) -> bytes:
    return importlib.resources.files("gateway").joinpath(name).read_bytes()


@produces(HTML)
async def retrieve_docs(request: web.Request) -> web.Response:
    return web.Response(body=_package_file("docs.html"), content_type=HTML)


@produces()
async def retrieve_docs_asset(request: web.Request) -> web.Response:
    name = request.match_info["asset"]
    asset = _DOCS_ASSETS.get(name)
    if asset is None:
        raise NotFound(f"The API reference has no file '{name[:50]}'.")
    path, content_type = asset
    return web.Response(
        body=_package_file(path),
        content_type=content_type,
        headers={"Cache-Control": "public, max-age=3600"},
    )
