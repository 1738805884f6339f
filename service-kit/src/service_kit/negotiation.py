"""Content negotiation: 406 when Accept admits none of what a route sends, and the
Accept-Post / Accept-Patch headers that tell a 415 what would have been accepted."""

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

import mimeparse
from aiohttp import web
from aiohttp.typedefs import Handler

from service_kit.jsonutil import JSON, PROBLEM_JSON
from service_kit.problems import NotAcceptable

MERGE_PATCH = "application/merge-patch+json"
# What a route sends unless it says otherwise: its data, or a problem.
API_TYPES = (JSON, PROBLEM_JSON)
ACCEPT_POST = JSON
ACCEPT_PATCH = f"{JSON}, {MERGE_PATCH}"
# Values that need no parsing (by far the most common ones).
_ADMITS_ALL = frozenset({"", "*/*", JSON, PROBLEM_JSON, f"{JSON}, {PROBLEM_JSON}"})

_PRODUCES: dict[object, tuple[str, ...]] = {}
F = TypeVar("F", bound=Callable[..., Any])


def produces(*media_types: str) -> Callable[[F], F]:
    """Mark a handler that sends other media types than JSON (a page, metrics); with none,
    a handler whose type varies (files): Accept is then not checked."""

    def mark(handler: F) -> F:
        _PRODUCES[handler] = media_types
        return handler

    return mark


def _ranges(accept: str) -> list[tuple[str, str, dict[str, str]]]:
    """The media ranges of an Accept value; malformed members are ignored."""
    parsed = []
    for member in accept.lower().split(","):
        if not member.strip():
            continue
        try:
            parsed.append(mimeparse.parse_media_range(member))
        except ValueError:  # mimeparse.MimeTypeParseException
            continue
    return parsed


@lru_cache(maxsize=256)
def admits(accept: str, offered: tuple[str, ...] = API_TYPES) -> bool:
    """Whether an Accept value admits one of ``offered`` with a q above 0 (RFC 9110 12.5.1)."""
    ranges = _ranges(accept)
    return any(float(mimeparse.quality_parsed(media, ranges)) > 0 for media in offered)


def check_accept(request: web.Request) -> None:
    """Raise 406 if the request's Accept admits nothing its route sends."""
    accept = request.headers.get("Accept")
    if accept is None or accept.strip() in _ADMITS_ALL:
        return
    match = request.match_info
    if match.http_exception is not None:
        return  # 404 or 405 comes first
    offered = _PRODUCES.get(match.handler, API_TYPES)
    if offered and not admits(accept, offered):
        raise NotAcceptable(
            "This resource is sent as " + " or ".join(offered) + "; Accept admits neither."
        )


def unsupported_media_headers(method: str, headers: Iterable[str]) -> dict[str, str]:
    """What a 415 on ``method`` adds: the body types this API reads (RFC 9110 15.5.16)."""
    present = {name.lower() for name in headers}
    if method == "POST" and "accept-post" not in present:
        return {"Accept-Post": ACCEPT_POST}
    if method == "PATCH" and "accept-patch" not in present:
        return {"Accept-Patch": ACCEPT_PATCH}
    return {}


@web.middleware
async def negotiation_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    check_accept(request)
    return await handler(request)
