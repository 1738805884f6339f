"""The scope policy, one definition for the gateway and the pets service alike.

Decided before routing's 404/405 (a route that does not exist still needs a scope):
the shared catalogue (pets, medical records) needs ``read:pets`` for reads and
``write:pets`` for every other method; a user's own resources (routes with a ``{user_id}``)
are that user's (token ``sub``) and an ``admin``'s, whatever the method. Medical records,
read with ``read:pets``, also belong to the subject that posted them (``owns_or_admin``).
"""

from aiohttp import web

from service_kit.auth import ADMIN, READ_PETS, REALM, WRITE_PETS, Principal, require_scope
from service_kit.problems import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OWNER = "user_id"  # the route parameter that names whose resource it is


def catalogue_scope(method: str) -> str:
    """The scope a method needs on the shared catalogue."""
    return READ_PETS if method in SAFE_METHODS else WRITE_PETS


def authorize(principal: Principal, request: web.Request) -> None:
    """Raise the 403 problem when ``principal`` may not make this (routed) request."""
    owner = request.match_info.get(OWNER)
    if owner is None:
        require_scope(principal, catalogue_scope(request.method))
    elif owner != principal.sub and not principal.has(ADMIN):
        raise not_the_owner()


def not_the_owner() -> Forbidden:
    return Forbidden(
        "Only this user, or a token with the 'admin' scope, may do this.",
        headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{ADMIN}"'},
        requiredScope=ADMIN,
    )


def owns_or_admin(principal: Principal, owner: str) -> bool:
    """Object-level authorization: what belongs to a subject (a medical record) is that
    subject's and an admin's. Callers answer anyone else 404, not 403, so that the answer
    does not reveal that it exists."""
    return owner == principal.sub or principal.has(ADMIN)
