"""The /v1 gate, in DESIGN order: maintenance → token → rate limit → 401 → 403 → routing."""

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.context import (
    CLIENT_ADDRESS,
    LIMITER,
    MAINTENANCE,
    RATE_DECISION,
    VERIFIER,
)
from service_kit import auth
from service_kit.problems import Unauthorized

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_public_api(path: str) -> bool:
    return path.startswith("/v1/") or path == "/v1"


def _check_token(request: web.Request) -> tuple[auth.Principal | None, Unauthorized | None]:
    token = auth.bearer_token(request)
    if token is None:
        return None, auth.missing_token()
    try:
        return request.app[VERIFIER].verify(token), None
    except auth.InvalidToken as exc:
        return None, auth.invalid_token(str(exc))


@web.middleware
async def guard_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_public_api(request.path):
        return await handler(request)
    app = request.app
    maintenance = app[MAINTENANCE].current
    if maintenance.enabled:
        raise maintenance.problem()
    principal, unauthorized = _check_token(request)
    identity = (
        "sub:" + principal.sub
        if principal is not None
        else "ip:" + app[CLIENT_ADDRESS].client_ip(request)
    )
    limiter = app[LIMITER]
    decision = await limiter.check(identity) if limiter.enabled else None
    if decision is not None:
        request[RATE_DECISION] = decision
        if not decision.allowed:
            raise limiter.too_many(decision)
    if principal is None:
        assert unauthorized is not None
        raise unauthorized
    owner = request.match_info.get("user_id")
    if owner is None:
        auth.require_scope(
            principal, auth.READ_PETS if request.method in SAFE_METHODS else auth.WRITE_PETS
        )
    elif owner != principal.sub:
        # A user's own resources are checked by identity: theirs, or an admin's.
        auth.require_scope(principal, auth.ADMIN)
    return await handler(request)


async def add_rate_limit_headers(request: web.Request, response: web.StreamResponse) -> None:
    decision = request.get(RATE_DECISION)
    if decision is not None:
        response.headers.update(decision.headers(request.app[LIMITER].policy))
