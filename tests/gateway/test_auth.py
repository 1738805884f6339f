"""401 and 403 through the gateway, in the documented order, with the exact WWW-Authenticate."""

import time

import jwt
import pytest

from tests.gateway.support import BASE, Client
from tests.support import TEST_SECRET, TokenFactory, claims, unsigned_token

REALM = 'Bearer realm="PetStore API"'


def _claims(**over: object) -> dict[str, object]:
    return claims(sub="mallory", scope="read:pets write:pets admin", over=over)


async def test_missing_token_is_401_with_realm(gw: Client) -> None:
    reply = await gw.get("/v1/pets")
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == REALM
    body = reply.json()
    assert body["type"] == BASE + "unauthorized"
    assert body["instance"] == "/v1/pets"
    assert body["traceId"] == reply.headers["X-Request-ID"]
    # Passed the limiter (keyed by client IP): its headers are there.
    assert reply.headers["X-RateLimit-Limit"] == "1000"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (
            jwt.encode(_claims(), "another-secret-of-sufficient-length-xx", algorithm="HS256"),
            "signature",
        ),
        (jwt.encode(_claims(exp=int(time.time()) - 60), TEST_SECRET, algorithm="HS256"), "expired"),
        (unsigned_token(_claims()), "algorithm"),
        (jwt.encode(_claims(aud="someone-else"), TEST_SECRET, algorithm="HS256"), "audience"),
        (jwt.encode(_claims(iss="evil"), TEST_SECRET, algorithm="HS256"), "issuer"),
        ("not-a-jwt", "malformed"),
    ],
    ids=["bad-signature", "expired", "alg-none", "wrong-audience", "wrong-issuer", "garbage"],
)
async def test_bad_token_is_401_invalid_token(gw: Client, token: str, reason: str) -> None:
    reply = await gw.get("/v1/pets", token=token)
    assert reply.status == 401
    challenge = reply.headers["WWW-Authenticate"]
    assert challenge.startswith(REALM + ', error="invalid_token"')
    assert reason in reply.json()["detail"]


async def test_other_scheme_counts_as_missing(gw: Client) -> None:
    reply = await gw.get("/v1/pets", headers={"Authorization": "Basic YWxpY2U6c2VjcmV0"})
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == REALM


@pytest.mark.parametrize(
    ("method", "path", "scopes", "required"),
    [
        ("GET", "/v1/pets", ("write:pets",), "read:pets"),
        ("DELETE", "/v1/pets/0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11", ("read:pets",), "write:pets"),
        ("POST", "/v1/pets", ("read:pets",), "write:pets"),
        ("GET", "/v1/users/bob/preferences", ("read:pets", "write:pets"), "admin"),
        ("PUT", "/admin/maintenance", ("read:pets", "write:pets"), "admin"),
    ],
)
async def test_missing_scope_is_403_with_required_scope(
    gw: Client,
    token: TokenFactory,
    method: str,
    path: str,
    scopes: tuple[str, ...],
    required: str,
) -> None:
    reply = await gw.request(
        method, path, token=token(*scopes, sub="alice"), json={"enabled": True}
    )
    assert reply.status == 403
    body = reply.json()
    assert body["type"] == BASE + "forbidden"
    assert body["requiredScope"] == required
    assert reply.headers["WWW-Authenticate"] == (
        f'{REALM}, error="insufficient_scope", scope="{required}"'
    )


async def test_own_preferences_need_no_admin(gw: Client, token: TokenFactory) -> None:
    reply = await gw.get("/v1/users/alice/preferences", token=token("read:pets", sub="alice"))
    assert reply.status == 200
    admin = await gw.get("/v1/users/alice/preferences", token=token("admin", sub="root"))
    assert admin.status == 200


async def test_403_comes_before_404_and_405(gw: Client, token: TokenFactory) -> None:
    unknown = await gw.get("/v1/unknown", token=token("write:pets"))
    assert unknown.status == 403
    wrong_method = await gw.request("PATCH", "/v1/pets", token=token("read:pets"))
    assert wrong_method.status == 403
    allowed = await gw.request("PATCH", "/v1/pets", token=token("write:pets"))
    assert allowed.status == 405
    assert allowed.headers["Allow"] == "GET, HEAD, POST"


async def test_admin_scope_grants_everything(gw: Client, admin: str) -> None:
    reply = await gw.request("DELETE", "/v1/pets/echo", token=admin)
    assert reply.status == 200


async def test_paths_outside_v1_need_no_token(gw: Client) -> None:
    for path in ("/healthz", "/problems", "/openapi.json", "/docs"):
        assert (await gw.get(path)).status == 200, path
