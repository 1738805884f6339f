"""RFC 8725 rules through the gateway: integer time claims, a small leeway, "not yet valid",
a maximum lifetime and the typ header (service_kit/tokens.py)."""

import time
from collections.abc import Callable

import jwt
import pytest

from service_kit.tokens import LEEWAY_SECONDS, MAX_LIFETIME_SECONDS
from tests.gateway.support import Client
from tests.support import TEST_SECRET, claims


def _token(headers: dict[str, object] | None = None, **over: object) -> str:
    return jwt.encode(
        claims(sub="mallory", ttl=600, over=over), TEST_SECRET, algorithm="HS256", headers=headers
    )


NOW = int(time.time())  # for the tokens refused whenever they are made


def _now() -> int:
    return int(time.time())


@pytest.mark.parametrize(
    ("token", "detail"),
    [
        (_token(exp=str(NOW + 600)), "'exp' claim must be an integer"),
        (_token(exp=NOW + 600.5), "'exp' claim must be an integer"),
        (_token(nbf=str(NOW)), "'nbf' claim must be an integer"),
        (_token(iat="yesterday"), "'iat' claim must be an integer"),
        (_token(nbf=NOW + 3600), "not yet valid"),
        (_token(iat=NOW + 3600, exp=NOW + 7200), "not yet valid"),
        (_token(exp=NOW + MAX_LIFETIME_SECONDS + 3600), "maximum"),
        (_token(iat=None, exp=NOW + MAX_LIFETIME_SECONDS + 3600), "maximum"),
        (_token({"typ": "dpop+jwt"}), "typ"),
        (_token({"typ": 7}), "typ"),
    ],
    ids=[
        "string-exp",
        "fractional-exp",
        "string-nbf",
        "string-iat",
        "future-nbf",
        "future-iat",
        "too-long",
        "too-long-no-iat",
        "foreign-typ",
        "typ-not-a-string",
    ],
)
async def test_token_breaking_a_rule_is_401(gw: Client, token: str, detail: str) -> None:
    reply = await gw.get("/v1/pets", token=token)
    assert reply.status == 401
    assert 'error="invalid_token"' in reply.headers["WWW-Authenticate"]
    assert detail in reply.json()["detail"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: _token({"typ": "JWT"}),
        lambda: _token({"typ": "at+jwt"}),
        lambda: _token(nbf=_now() + LEEWAY_SECONDS // 2),  # a clock a little ahead of ours
        lambda: _token(iat=_now() + LEEWAY_SECONDS // 2),
        lambda: _token(exp=_now() - LEEWAY_SECONDS // 2),  # a clock a little behind
        lambda: _token(iat=_now(), exp=_now() + MAX_LIFETIME_SECONDS),
    ],
    ids=["typ-JWT", "typ-at+jwt", "nbf-in-leeway", "iat-in-leeway", "exp-in-leeway", "max-life"],
)
async def test_tokens_within_the_rules_pass(gw: Client, make: Callable[[], str]) -> None:
    reply = await gw.get("/v1/pets", token=make())
    assert reply.status == 200
