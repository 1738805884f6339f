"""Handlers for a user's preferences (the user themself, or an admin: service_kit.scopes)."""

from typing import Any

import orjson
from aiohttp import web

from pets_service.state import PREFERENCES, SETTINGS
from service_kit.bodies import read_json_object
from service_kit.contract.errors import validate
from service_kit.contract.preferences import USER_ID_MAX, Preferences, duplicate_species
from service_kit.problems import FieldError, NotFound, ValidationFailed

JSON = "application/json"


def parse_preferences(body: dict[str, Any]) -> dict[str, Any]:
    """A whole preferences document (absent fields take their defaults); 422 on any failure."""
    repeats = [FieldError(field, message) for field, message in duplicate_species(body)]
    return validate(Preferences, body, extra=repeats).model_dump(mode="json")


def _user_id(request: web.Request) -> str:
    """The path's user id, within the bound the OpenAPI document states (else 422)."""
    user_id = request.match_info["user_id"]
    if len(user_id) > USER_ID_MAX:
        message = f"Must be at most {USER_ID_MAX} characters long."
        raise ValidationFailed([FieldError("userId", message)])
    return user_id


async def retrieve_preferences(request: web.Request) -> web.Response:
    doc = await request.app[PREFERENCES].get(_user_id(request))
    if doc is None:
        raise NotFound("This user has not set any preferences yet.")
    return web.Response(body=doc, content_type=JSON)


async def replace_preferences(request: web.Request) -> web.Response:
    user_id = _user_id(request)
    body = await read_json_object(request, request.app[SETTINGS].max_body_bytes)
    await request.app[PREFERENCES].put(user_id, orjson.dumps(parse_preferences(body)))
    return web.Response(status=204)
