"""The problem middleware renders every error, including aiohttp's own, as RFC 9457."""

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from service_kit import problems
from service_kit.bodies import read_json_object
from service_kit.jsonutil import json_response
from service_kit.middleware import setup_problems

BASE = "http://problems.test/problems/"


async def boom(request: web.Request) -> web.Response:
    raise RuntimeError("secret internal detail /srv/app/secret.py")


async def echo(request: web.Request) -> web.Response:
    return json_response(await read_json_object(request, max_bytes=100))


async def invalid(request: web.Request) -> web.Response:
    raise problems.ValidationFailed(
        [problems.FieldError("name", "too short"), problems.FieldError("age", "negative")]
    )


@pytest.fixture
async def client() -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application(client_max_size=1000)
    setup_problems(app, BASE)
    app.router.add_get("/boom", boom)
    app.router.add_post("/echo", echo)
    app.router.add_get("/invalid", invalid)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_unknown_route_is_a_404_problem(
    client: TestClient[web.Request, web.Application],
) -> None:
    resp = await client.get("/nope", headers={"X-Request-ID": "abc-123"})
    assert resp.status == 404
    assert resp.content_type == "application/problem+json"
    body = await resp.json(content_type=None)
    assert body["type"] == BASE + "not-found"
    assert body["status"] == 404
    assert body["instance"] == "/nope"
    assert body["traceId"] == "abc-123"
    assert resp.headers["X-Request-ID"] == "abc-123"


async def test_wrong_method_is_405_with_allow(
    client: TestClient[web.Request, web.Application],
) -> None:
    resp = await client.delete("/echo")
    assert resp.status == 405
    assert resp.headers["Allow"] == "POST"
    body = await resp.json(content_type=None)
    assert body["allowedMethods"] == ["POST"]
    assert body["type"] == BASE + "method-not-allowed"


async def test_unexpected_error_is_a_bare_500(
    client: TestClient[web.Request, web.Application],
) -> None:
    resp = await client.get("/boom")
    assert resp.status == 500
    text = await resp.text()
    for leak in ("secret", "Traceback", ".py"):
        assert leak not in text
    body = await resp.json(content_type=None)
    assert body["traceId"] == resp.headers["X-Request-ID"]
    assert len(body["traceId"]) == 32


async def test_validation_lists_every_error(
    client: TestClient[web.Request, web.Application],
) -> None:
    resp = await client.get("/invalid")
    assert resp.status == 422
    body = await resp.json(content_type=None)
    assert body["errors"] == [
        {"field": "name", "message": "too short"},
        {"field": "age", "message": "negative"},
    ]


@pytest.mark.parametrize(
    ("data", "content_type", "status", "slug"),
    [
        (b"{", "application/json", 400, "bad-request"),
        (b"[1, 2]", "application/json", 400, "bad-request"),
        (b"name=x", "application/x-www-form-urlencoded", 415, "unsupported-media-type"),
        (b'{"a": "' + b"x" * 200 + b'"}', "application/json", 413, "payload-too-large"),
        (b"x" * 5000, "application/json", 413, "payload-too-large"),
    ],
)
async def test_bad_bodies(
    client: TestClient[web.Request, web.Application],
    data: bytes,
    content_type: str,
    status: int,
    slug: str,
) -> None:
    resp = await client.post("/echo", data=data, headers={"Content-Type": content_type})
    assert resp.status == status
    body = await resp.json(content_type=None)
    assert body["type"] == BASE + slug
    assert body["status"] == status


async def test_good_body_echoes(client: TestClient[web.Request, web.Application]) -> None:
    resp = await client.post("/echo", json={"a": 1})
    assert resp.status == 200
    assert await resp.json() == {"a": 1}
    assert "X-Request-ID" in resp.headers


async def test_traceparent_sets_trace_id(client: TestClient[web.Request, web.Application]) -> None:
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    resp = await client.get("/nope", headers={"traceparent": f"00-{trace}-00f067aa0ba902b7-01"})
    assert resp.headers["X-Request-ID"] == trace


def test_registry_lists_every_problem_type() -> None:
    slugs = set(problems.REGISTRY)
    assert {
        "bad-request",
        "unauthorized",
        "forbidden",
        "not-found",
        "method-not-allowed",
        "conflict",
        "payload-too-large",
        "unsupported-media-type",
        "validation-error",
        "rate-limit-exceeded",
        "internal-error",
        "bad-gateway",
        "service-unavailable",
        "circuit-open",
        "gateway-timeout",
    } <= slugs
    for slug, ptype in problems.REGISTRY.items():
        assert ptype.slug == slug
        assert 400 <= ptype.status < 600
