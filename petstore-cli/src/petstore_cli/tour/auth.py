"""Tour steps before any handler: unknown paths, and the token checks (401)."""

from petstore_cli.tour.core import Tour, header
from service_kit.auth import mint_token


async def tokens(t: Tour) -> None:
    await t.step("unknown path needs no token", "GET", "/no-such-page", 404)
    await t.step(
        "no token",
        "GET",
        "/v1/pets",
        401,
        ("WWW-Authenticate",),
        header("WWW-Authenticate", 'Bearer realm="PetStore API"'),
    )
    await t.step(
        "bad token",
        "GET",
        "/v1/pets",
        401,
        ("WWW-Authenticate",),
        header("WWW-Authenticate", 'error="invalid_token"'),
        token="not.a.jwt",
    )
    expired = mint_token(t.secret, sub="tour-user", scopes=["read:pets"], ttl=-60)
    await t.step("expired token", "GET", "/v1/pets", 401, ("WWW-Authenticate",), token=expired)
