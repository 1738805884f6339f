"""Token verification: HS256 pinned, exp/iss/aud required, everything else refused."""

import base64
import json
import time

import jwt
import pytest

from service_kit.auth import InvalidToken, TokenVerifier, mint_token

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


def _unsigned(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _claims(**over: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": "bob",
        "scope": "read:pets",
        "iat": now,
        "exp": now + 3600,
        "iss": "petstore",
        "aud": "petstore-api",
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def test_valid_token_gives_principal() -> None:
    principal = TokenVerifier(SECRET).verify(
        mint_token(SECRET, sub="bob", scopes=["read:pets", "write:pets"])
    )
    assert principal.sub == "bob"
    assert principal.has("write:pets")
    assert not principal.has("admin")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (
            jwt.encode(_claims(), "another-secret-of-sufficient-length-xx", algorithm="HS256"),
            "signature",
        ),
        (jwt.encode(_claims(exp=int(time.time()) - 60), SECRET, algorithm="HS256"), "expired"),
        (jwt.encode(_claims(aud="someone-else"), SECRET, algorithm="HS256"), "audience"),
        (jwt.encode(_claims(iss="evil"), SECRET, algorithm="HS256"), "issuer"),
        (jwt.encode(_claims(exp=None), SECRET, algorithm="HS256"), "exp"),
        (jwt.encode(_claims(), SECRET, algorithm="HS512"), "algorithm"),
        (_unsigned(_claims()), "algorithm"),
        ("not-a-jwt", "malformed"),
    ],
)
def test_bad_tokens_are_refused(token: str, reason: str) -> None:
    with pytest.raises(InvalidToken, match=reason):
        TokenVerifier(SECRET).verify(token)


def test_cache_does_not_outlive_exp() -> None:
    now = [time.time()]
    verifier = TokenVerifier(SECRET, leeway=0, clock=lambda: now[0])
    token = mint_token(SECRET, sub="bob", scopes=["read:pets"], ttl=1)
    assert verifier.verify(token).sub == "bob"
    now[0] += 1.1  # the verifier's clock, not the test, passes the token's exp
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)
