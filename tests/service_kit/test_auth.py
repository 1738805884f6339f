"""Token verification: HS256 pinned, exp/iss/aud required, everything else refused."""

import time

import jwt
import pytest

from service_kit.auth import InvalidToken, TokenVerifier, mint_token
from tests.support import claims, unsigned_token

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


def _claims(**over: object) -> dict[str, object]:
    return claims(sub="bob", over=over)


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
        (unsigned_token(_claims()), "algorithm"),
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
