"""Who may use the console's API: an admin token, or one with the faults scope."""

from aiohttp import web

from gateway.context import VERIFIER
from service_kit import auth

FAULTS_SCOPE = "faults"


def require_admin(request: web.Request) -> auth.Principal:
    principal = auth.authenticate(request, request.app[VERIFIER])
    auth.require_scope(principal, auth.ADMIN)
    return principal


def require_console(request: web.Request) -> auth.Principal:
    """The feed is for whoever may run fault sessions (``faults``; ``admin`` implies it)."""
    principal = auth.authenticate(request, request.app[VERIFIER])
    auth.require_scope(principal, FAULTS_SCOPE)
    return principal
