"""Weather stub handlers."""

import re
from datetime import UTC, datetime

from aiohttp import web

from service_kit.jsonutil import json_response
from service_kit.problems import FieldError, ValidationFailed
from weather_stub.climate import weather_report

PET_ID = re.compile(r"^[A-Za-z0-9._~-]{1,128}$")


def pet_id_of(request: web.Request) -> str:
    pet_id = request.match_info["pet_id"]
    if not PET_ID.fullmatch(pet_id):
        raise ValidationFailed(
            [FieldError("petId", "must be 1 to 128 letters, digits or '-', '.', '_', '~'")]
        )
    return pet_id


async def retrieve_weather(request: web.Request) -> web.Response:
    return json_response(weather_report(pet_id_of(request), datetime.now(UTC).date()))
