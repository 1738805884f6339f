"""Recommendations stub handlers."""

import re

from aiohttp import web

from recommendations_stub.recommender import recommend
from service_kit.contract.vocabulary import Species
from service_kit.jsonutil import json_response
from service_kit.problems import BadRequest, FieldError, ValidationFailed

PET_ID = re.compile(r"^[A-Za-z0-9._~-]{1,128}$")
MAX_AGE = 1000
SPECIES = [s.value for s in Species]


def _single(request: web.Request, name: str) -> str | None:
    values = request.query.getall(name, [])
    if len(values) > 1:
        raise BadRequest(
            f"The query parameter '{name}' is given more than once.",
            errors=[FieldError(name, "must be given at most once")],
        )
    return values[0] if values else None


def _age(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not re.fullmatch(r"[+-]?[0-9]{1,18}", raw.strip()):
        raise BadRequest(
            "The query parameter 'age' is not an integer.",
            errors=[FieldError("age", f"must be an integer, got {raw[:40]!r}")],
        )
    return int(raw)


async def retrieve_recommendations(request: web.Request) -> web.Response:
    pet_id = request.match_info["pet_id"]
    raw_species = _single(request, "species")
    age = _age(_single(request, "age"))
    errors = []
    if not PET_ID.fullmatch(pet_id):
        errors.append(FieldError("petId", "must be 1 to 128 letters, digits or '-', '.', '_', '~'"))
    if raw_species is not None and raw_species not in SPECIES:
        errors.append(FieldError("species", "must be one of " + ", ".join(SPECIES)))
    if age is not None and not 0 <= age <= MAX_AGE:
        errors.append(FieldError("age", f"must be between 0 and {MAX_AGE}"))
    if errors:
        raise ValidationFailed(errors)
    species = None if raw_species is None else Species(raw_species)
    return json_response(recommend(pet_id, species, age))
