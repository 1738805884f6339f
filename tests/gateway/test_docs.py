"""Problem type pages, the OpenAPI document and /docs."""

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from gateway.app import create_app
from gateway.routes import PETS_ROUTES
from gateway.settings import Settings
from service_kit.problems import REGISTRY
from tests.gateway.contract import check_reply, spec
from tests.gateway.leaks import Reply
from tests.gateway.support import BASE, Client


async def test_every_problem_type_has_a_page(gw: Client) -> None:
    assert len(REGISTRY) >= 15
    for slug, problem in REGISTRY.items():
        reply = await gw.get(f"/problems/{slug}")
        assert reply.status == 200, slug
        assert reply.headers["Content-Type"].startswith("text/html")
        page = reply.body.decode()
        assert problem.title in page.replace("&#x27;", "'")
        assert f"HTTP {problem.status}" in page
        assert "When it happens" in page
        assert "How a client should react" in page
        assert f"{BASE}{slug}" in page  # the example body carries the type URL


async def test_problem_index_html_and_json(gw: Client) -> None:
    page = await gw.get("/problems")
    assert page.status == 200
    for slug in REGISTRY:
        assert f'href="/problems/{slug}"' in page.body.decode()
    listing = await gw.get("/problems", headers={"Accept": "application/json"})
    assert listing.headers["Content-Type"].startswith("application/json")
    assert {p["type"] for p in listing.json()} == {BASE + slug for slug in REGISTRY}
    one = await gw.get("/problems/rate-limit-exceeded", headers={"Accept": "application/json"})
    assert one.json()["example"]["retryAfter"] > 0
    assert (await gw.get("/problems/")).status == 200


async def test_unknown_problem_slug_is_404_problem(gw: Client) -> None:
    reply = await gw.get("/problems/<script>alert(1)</script>")
    assert reply.status == 404
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert reply.json()["type"] == BASE + "not-found"


async def test_type_urls_seen_in_replies_resolve(gw: Client, rw: str) -> None:
    seen = {
        (await gw.get(path, token=token)).json()["type"]
        for path, token in [("/v1/pets", None), ("/v1/x", rw), ("/v1/pets/status-500", rw)]
    }
    for url in seen:
        assert url.startswith(BASE)
        assert (await gw.get("/problems/" + url.removeprefix(BASE))).status == 200


def test_document_is_openapi_31_with_valid_schemas() -> None:
    doc = spec()
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema), name
    op_ids = [
        op["operationId"]
        for item in doc["paths"].values()
        for key, op in item.items()
        if key != "parameters"
    ]
    assert len(op_ids) == len(set(op_ids))


def test_every_error_is_problem_json_and_every_v1_op_is_secured() -> None:
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            if path.startswith("/v1/"):
                assert op["security"] == [{"bearerAuth": []}], (method, path)
                assert {"401", "403", "429", "503"} <= set(op["responses"]), (method, path)
            for status, response in op["responses"].items():
                if status[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )
                if status in ("429", "503"):
                    assert _resolve(response["headers"]["Retry-After"])["required"] is True


def test_request_bodies_are_closed() -> None:
    schemas = spec()["components"]["schemas"]
    record_variants = [
        one["$ref"].rpartition("/")[2] for one in schemas["MedicalRecordCreate"]["oneOf"]
    ]
    assert len(record_variants) == 5
    for name in (
        "PetCreate",
        "PetMergePatch",
        "Preferences",
        "MaintenanceUpdate",
        *record_variants,
    ):
        assert schemas[name]["additionalProperties"] is False, name


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in node:
        return node
    name = node["$ref"].rpartition("/")[2]
    resolved: dict[str, Any] = spec()["components"]["headers"][name]
    return resolved


def test_no_reference_has_siblings() -> None:
    """OpenAPI 3.1 ignores a Reference Object's siblings (`required` beside a `$ref`)."""

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if "$ref" in node and "/components/schemas/" not in node["$ref"]:
                assert set(node) <= {"$ref", "summary", "description"}, where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(spec(), "#")


def test_every_operation_documents_405_406_501() -> None:
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert {"405", "406", "501"} <= set(op["responses"]), (method, path)
            allow = op["responses"]["405"]["headers"]["Allow"]
            assert _resolve(allow)["required"] is True, (method, path)


def test_every_resource_documents_head_and_options() -> None:
    for path, item in spec()["paths"].items():
        assert "options" in item, path
        assert "204" in item["options"]["responses"], path
        assert _resolve(item["options"]["responses"]["204"]["headers"]["Allow"])["required"]
        if "get" in item:
            assert set(item["head"]["responses"]) == set(item["get"]["responses"]), path
            for status, response in item["head"]["responses"].items():
                assert status[0] in "45" or "content" not in response, (path, status)


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_every_route_the_gateway_serves_is_documented() -> None:
    app = create_app(Settings())
    documented = {
        (method.upper(), _normalise(path))
        for path, item in spec()["paths"].items()
        for method in item
        if method not in ("parameters", "head", "options")
    }
    served = {
        (route.method, _normalise(route.resource.canonical))
        for route in app.router.routes()
        if route.resource is not None and route.method not in ("HEAD", "OPTIONS")
    }
    served.discard(("GET", "/problems/"))  # the same page as /problems
    assert served - documented == set()
    assert documented - served == set()


@pytest.mark.parametrize(
    "path",
    [
        "/v1/pets",
        "/v1/pets/{petId}",
        "/v1/pets/{petId}/medical-records",
        "/v1/medical-records/{recordId}/status",
        "/v1/medical-records/{recordId}",
        "/v1/pets/{petId}/weather",
        "/v1/pets/{petId}/recommendations",
        "/v1/users/{userId}/preferences",
        "/admin/maintenance",
    ],
)
def test_design_section_4_paths_are_documented(path: str) -> None:
    assert path in spec()["paths"]


def test_route_table_matches_design() -> None:
    assert dict(PETS_ROUTES)["/v1/pets/{pet_id}"] == ("GET", "PUT", "PATCH", "DELETE")


async def test_openapi_and_docs_are_served(gw: Client) -> None:
    doc = await gw.get("/openapi.json")
    assert doc.status == 200
    assert doc.json() == spec()
    page = await gw.get("/docs")
    assert page.status == 200
    html = page.body.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(s.startswith("/docs/") for s in sources), sources  # nothing from a CDN
    assert "http://" not in html
    assert "https://" not in html
    for source in sources:
        asset = await gw.get(source)
        assert asset.status == 200, source
        assert asset.body
    init = await gw.get("/docs/docs-init.js")
    assert b'"/openapi.json"' in init.body
    missing = await gw.get("/docs/nothing.js")
    assert missing.status == 404


async def test_gateway_made_replies_conform(gw: Client, rw: str, admin: str) -> None:
    replies: list[Reply] = [
        await gw.get("/v1/pets"),
        await gw.get("/v1/pets", token="bad"),
        await gw.request(
            "DELETE",
            "/v1/pets/0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11",
            token=admin.replace(admin, rw[:-2] + "xx"),
        ),
        await gw.get("/admin/maintenance", token=admin),
        await gw.request("PUT", "/admin/maintenance", token=admin, json={"enabled": 3}),
        await gw.get("/healthz"),
        await gw.get("/problems/not-found", headers={"Accept": "application/json"}),
        await gw.get("/problems", headers={"Accept": "application/json"}),
        await gw.get("/openapi.json"),
    ]
    for reply in replies:
        assert check_reply(reply) == [], (reply.method, reply.path, reply.status)


def _has_example(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    if "example" in schema or "examples" in schema:
        return True
    ref = schema.get("$ref")
    if ref is not None:
        return _has_example(doc, doc["components"]["schemas"][ref.rsplit("/", 1)[1]])
    return any(_has_example(doc, part) for part in schema.get("allOf", []))


def test_every_json_answer_of_the_public_api_has_an_example() -> None:
    """Each status a /v1 operation can return shows an example body (success and problem)."""
    doc = spec()
    missing = []
    for path, item in doc["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, op in item.items():
            if method in ("parameters", "head", "options"):
                continue
            for code, response in op["responses"].items():
                for media, content in response.get("content", {}).items():
                    if "json" not in media:
                        continue
                    if "example" in content or "examples" in content:
                        continue
                    if not _has_example(doc, content.get("schema", {})):
                        missing.append(f"{method.upper()} {path} {code} {media}")
    assert missing == []
