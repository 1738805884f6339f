"""Who may do what: every /v1 request carries a verified bearer token with the right scope."""

from aiohttp import web
from aiohttp.typedefs import Handler

from service_kit.auth import (
    ADMIN,
    READ_PETS,
    REALM,
    WRITE_PETS,
    Principal,
    TokenVerifier,
    authenticate,
    require_scope,
)
from service_kit.problems import Forbidden

VERIFIER = web.AppKey("token_verifier", TokenVerifier)
PRINCIPAL = web.RequestKey("principal", Principal)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def required_scope(request: web.Request) -> str | None:
    """Reads need read:pets and every other method write:pets, decided before routing so
    that 403 comes before 404/405. User resources are checked by identity instead."""
    if request.path.startswith("/v1/users/"):
        return None
    return READ_PETS if request.method in SAFE_METHODS else WRITE_PETS


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    if path == "/v1" or path.startswith("/v1/"):
        principal = authenticate(request, request.app[VERIFIER])
        scope = required_scope(request)
        if scope is not None:
            require_scope(principal, scope)
        request[PRINCIPAL] = principal
    return await handler(request)


def require_self_or_admin(request: web.Request, user_id: str) -> None:
    """A user's own resources are theirs (token ``sub``) and an admin's only."""
    principal = request[PRINCIPAL]
    if principal.sub != user_id and ADMIN not in principal.scopes:
        raise Forbidden(
            "Only this user, or a token with the 'admin' scope, may do this.",
            headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{ADMIN}"'},
            requiredScope=ADMIN,
        )
