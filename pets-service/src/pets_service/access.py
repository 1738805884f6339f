"""Who may do what: every /v1 request carries a verified bearer token, and the shared scope
policy (``service_kit.scopes``) decides, before routing's 404/405."""

from aiohttp import web
from aiohttp.typedefs import Handler

from service_kit.auth import Principal, TokenVerifier, authenticate
from service_kit.scopes import authorize

VERIFIER = web.AppKey("token_verifier", TokenVerifier)
PRINCIPAL = web.RequestKey("principal", Principal)


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    if path == "/v1" or path.startswith("/v1/"):
        principal = authenticate(request, request.app[VERIFIER])
        authorize(principal, request)
        request[PRINCIPAL] = principal
    return await handler(request)
