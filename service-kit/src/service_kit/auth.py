"""Bearer tokens on requests: the principal, 401 and 403 problems (verification: tokens.py)."""

from aiohttp import web

from service_kit.problems import Forbidden, Unauthorized
from service_kit.tokens import (
    ADMIN,
    ALGORITHM,
    AUDIENCE,
    ISSUER,
    InvalidToken,
    Principal,
    TokenVerifier,
    mint_token,
)

__all__ = [
    "ADMIN",
    "ALGORITHM",
    "AUDIENCE",
    "ISSUER",
    "READ_PETS",
    "REALM",
    "WRITE_PETS",
    "InvalidToken",
    "Principal",
    "TokenVerifier",
    "authenticate",
    "bearer_token",
    "insufficient_scope",
    "invalid_token",
    "mint_token",
    "missing_token",
    "require_scope",
]

REALM = 'Bearer realm="PetStore API"'

READ_PETS = "read:pets"
WRITE_PETS = "write:pets"


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def missing_token() -> Unauthorized:
    return Unauthorized("A bearer token is required.", headers={"WWW-Authenticate": REALM})


def invalid_token(reason: str) -> Unauthorized:
    return Unauthorized(
        reason,
        headers={
            "WWW-Authenticate": f'{REALM}, error="invalid_token", error_description="{reason}"'
        },
    )


def authenticate(request: web.Request, verifier: TokenVerifier) -> Principal:
    """The request's principal, or a 401 problem with the right WWW-Authenticate."""
    token = bearer_token(request)
    if token is None:
        raise missing_token()
    try:
        return verifier.verify(token)
    except InvalidToken as exc:
        raise invalid_token(str(exc)) from None


def require_scope(principal: Principal, scope: str) -> None:
    if not principal.has(scope):
        raise insufficient_scope(scope)


def insufficient_scope(scope: str) -> Forbidden:
    return Forbidden(
        f"This action needs the '{scope}' scope.",
        headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'},
        requiredScope=scope,
    )
