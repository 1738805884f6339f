"""401 → 403 → 404/405: tokens, scopes, unknown paths and methods."""

import uuid

import pytest

from tests.pets_service.helpers import Client, bearer, create_pet, problem
from tests.support import TokenFactory

REALM = 'Bearer realm="PetStore API"'


async def test_no_token_is_401_with_the_realm(client: Client) -> None:
    for method, path in (
        ("GET", "/v1/pets"),
        ("POST", "/v1/pets"),
        ("GET", f"/v1/pets/{uuid.uuid4()}"),
        ("DELETE", "/v1/pets/not-a-uuid"),
        ("GET", "/v1/users/alice/preferences"),
        ("GET", "/v1/nothing-here"),
    ):
        resp = await client.request(method, path)
        await problem(resp, 401, "unauthorized")
        assert resp.headers["WWW-Authenticate"] == REALM


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not.a.jwt", "Bearer ", "Basic YWxpY2U6c2VjcmV0", "Bearer a b"],
)
async def test_malformed_or_foreign_credentials_are_401(client: Client, authorization: str) -> None:
    resp = await client.get("/v1/pets", headers={"Authorization": authorization})
    await problem(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith(REALM)


async def test_bad_tokens_are_401_invalid_token(client: Client, token: TokenFactory) -> None:
    for bad in (
        token("read:pets", ttl=-60),
        token("read:pets", secret="another-secret-entirely-0123456789abcdef"),
        token("read:pets", audience="someone-else"),
        token("read:pets", issuer="elsewhere"),
    ):
        resp = await client.get("/v1/pets", headers=bearer(bad))
        body = await problem(resp, 401, "unauthorized")
        header = resp.headers["WWW-Authenticate"]
        assert header.startswith(f'{REALM}, error="invalid_token"')
        assert body["detail"]


async def test_writes_need_write_scope_403_before_anything_else(
    client: Client, reader: dict[str, str], rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"
    for method, path in (
        ("POST", "/v1/pets"),
        ("PUT", url),
        ("PATCH", url),
        ("DELETE", url),
        ("DELETE", "/v1/pets/not-a-uuid"),  # 403 comes before 404
        ("POST", url),  # ... and before 405
    ):
        resp = await client.request(method, path, data=b"{", headers=reader)
        body = await problem(resp, 403, "forbidden")
        assert body["requiredScope"] == "write:pets"
        assert resp.headers["WWW-Authenticate"] == (
            f'{REALM}, error="insufficient_scope", scope="write:pets"'
        )
    assert (await client.get(url, headers=reader)).status == 200


async def test_reads_need_read_scope(client: Client, token: TokenFactory) -> None:
    writer_only = bearer(token("write:pets"))
    resp = await client.get("/v1/pets", headers=writer_only)
    assert (await problem(resp, 403, "forbidden"))["requiredScope"] == "read:pets"


async def test_admin_scope_allows_everything(client: Client, token: TokenFactory) -> None:
    admin = bearer(token("admin", sub="root"))
    pet = await create_pet(client, admin)
    assert (await client.get(f"/v1/pets/{pet['id']}", headers=admin)).status == 200
    assert (await client.delete(f"/v1/pets/{pet['id']}", headers=admin)).status == 204


async def test_other_methods_are_405_with_exact_allow(client: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(client, rw)
    resp = await client.request("POST", f"/v1/pets/{pet['id']}", headers=rw)
    body = await problem(resp, 405, "method-not-allowed")
    assert resp.headers["Allow"] == "GET, HEAD, PUT, PATCH, DELETE"
    assert body["allowedMethods"] == ["GET", "HEAD", "PUT", "PATCH", "DELETE"]
    head = await client.request("HEAD", f"/v1/pets/{pet['id']}", headers=rw)
    assert head.status == 200
    assert await head.read() == b""
    options = await client.request("OPTIONS", f"/v1/pets/{pet['id']}", headers=rw)
    assert options.status == 204
    assert options.headers["Allow"] == "GET, HEAD, PUT, PATCH, DELETE"
    trace = await client.request("TRACE", f"/v1/pets/{pet['id']}", headers=rw)
    await problem(trace, 405, "method-not-allowed")
    propfind = await client.request("PROPFIND", f"/v1/pets/{pet['id']}", headers=rw)
    await problem(propfind, 501, "not-implemented")
    for method in ("PUT", "PATCH", "DELETE"):
        resp = await client.request(method, "/v1/pets", headers=rw)
        body = await problem(resp, 405, "method-not-allowed")
        assert resp.headers["Allow"] == "GET, HEAD, POST"
        assert body["allowedMethods"] == ["GET", "HEAD", "POST"]
    resp = await client.delete("/v1/users/alice/preferences", headers=rw)
    assert resp.headers["Allow"] == "GET, HEAD, PUT"


async def test_unknown_paths_are_404(client: Client, reader: dict[str, str]) -> None:
    for path in ("/v1/cats", "/v1/pets/", f"/v1/pets/{uuid.uuid4()}/toys", "/v1"):
        await problem(await client.get(path, headers=reader), 404, "not-found")
    # Outside /v1 no token is asked for.
    await problem(await client.get("/nowhere"), 404, "not-found")


async def test_health_and_metrics_need_no_token(client: Client, rw: dict[str, str]) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok"}
    resp = await client.get("/readyz")
    assert resp.status == 200
    assert (await resp.json())["checks"] == {"redis": "ok"}
    await create_pet(client, rw)
    resp = await client.get("/metrics")
    assert resp.status == 200
    assert 'route="/v1/pets"' in await resp.text()


async def test_every_response_carries_the_request_id(client: Client, rw: dict[str, str]) -> None:
    resp = await client.get("/v1/pets", headers={**rw, "X-Request-ID": "req-42"})
    assert resp.headers["X-Request-ID"] == "req-42"
    resp = await client.get("/v1/pets/nope", headers={**rw, "X-Request-ID": "req-43"})
    assert resp.headers["X-Request-ID"] == "req-43"
    assert (await resp.json(content_type=None))["traceId"] == "req-43"
