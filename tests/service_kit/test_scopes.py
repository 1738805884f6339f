"""The scope policy both the gateway and the pets service enforce, on a routed request."""

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.typedefs import Handler

from service_kit.auth import Principal
from service_kit.middleware import setup_problems
from service_kit.scopes import authorize, catalogue_scope

BASE = "http://problems.test/problems/"


@web.middleware
async def as_header_says(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The principal is the test's: ``X-Sub`` and ``X-Scope`` (no token in this test)."""
    scopes = frozenset(request.headers.get("X-Scope", "").split())
    authorize(Principal(request.headers["X-Sub"], scopes, 0.0), request)
    return await handler(request)


async def ok(request: web.Request) -> web.Response:
    return web.Response(status=204)


@pytest.fixture
async def client() -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application(middlewares=[as_header_says])
    setup_problems(app, BASE)
    app.router.add_route("*", "/v1/pets", ok)
    app.router.add_route("*", "/v1/users/{user_id}/preferences", ok)
    async with TestClient(TestServer(app)) as client:
        yield client


def test_reads_need_read_and_the_rest_write() -> None:
    assert [catalogue_scope(m) for m in ("GET", "HEAD", "OPTIONS")] == ["read:pets"] * 3
    assert {catalogue_scope(m) for m in ("POST", "PUT", "PATCH", "DELETE", "FOO")} == {"write:pets"}


@pytest.mark.parametrize(
    ("method", "path", "sub", "scope", "status", "required"),
    [
        ("GET", "/v1/pets", "ann", "read:pets", 204, None),
        ("POST", "/v1/pets", "ann", "read:pets", 403, "write:pets"),
        ("GET", "/v1/pets", "ann", "write:pets", 403, "read:pets"),
        ("DELETE", "/v1/pets", "ann", "admin", 204, None),
        ("GET", "/v1/kittens", "ann", "", 403, "read:pets"),  # before routing's 404
        ("PUT", "/v1/users/ann/preferences", "ann", "", 204, None),
        ("GET", "/v1/users/bob/preferences", "ann", "read:pets write:pets", 403, "admin"),
        ("PUT", "/v1/users/bob/preferences", "root", "admin", 204, None),
    ],
)
async def test_the_policy(
    client: TestClient[web.Request, web.Application],
    method: str,
    path: str,
    sub: str,
    scope: str,
    status: int,
    required: str | None,
) -> None:
    resp = await client.request(method, path, headers={"X-Sub": sub, "X-Scope": scope})
    assert resp.status == status
    if required is not None:
        body = await resp.json(content_type=None)
        assert body["type"] == BASE + "forbidden"
        assert body["requiredScope"] == required
        assert f'error="insufficient_scope", scope="{required}"' in resp.headers["WWW-Authenticate"]
