"""GET /v1/pets query: limit, opaque cursor and filters; 400 when unparseable, 422 when invalid."""

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from multidict import MultiMapping

from service_kit.contract.pets import PetStatus, Species
from service_kit.problems import BadRequest, FieldError, ValidationFailed

LIMIT_DEFAULT = 20
LIMIT_MAX = 100
PARAMETERS = ("limit", "cursor", "species", "status")

E = TypeVar("E", Species, PetStatus)

_INTEGER = re.compile(r"[+-]?[0-9]+")
_CURSOR = re.compile(r"[A-Za-z0-9_-]{22}")


@dataclass(frozen=True, slots=True)
class ListQuery:
    limit: int
    after: str | None
    species: Species | None
    status: PetStatus | None

    def next_link(self, path: str, cursor: str) -> str:
        params: dict[str, str] = {"limit": str(self.limit)}
        if self.species is not None:
            params["species"] = self.species
        if self.status is not None:
            params["status"] = self.status
        params["cursor"] = cursor
        return f'<{path}?{urlencode(params)}>; rel="next"'


def encode_cursor(pet_id: str) -> str:
    return base64.urlsafe_b64encode(uuid.UUID(pet_id).bytes).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> str | None:
    """The pet id a cursor points after, or None when it is not a cursor this API made."""
    if not _CURSOR.fullmatch(cursor):
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "==")
    except (binascii.Error, ValueError):
        return None
    return str(uuid.UUID(bytes=raw)) if len(raw) == 16 else None


def parse_list_query(query: MultiMapping[str]) -> ListQuery:
    unparseable: list[FieldError] = []
    invalid: list[FieldError] = []
    for name in set(query):
        if name not in PARAMETERS:
            unparseable.append(FieldError(name, "Unknown query parameter."))
        elif len(query.getall(name)) > 1:
            unparseable.append(FieldError(name, "Given more than once."))
    limit = _limit(query.get("limit"), unparseable, invalid)
    after = None
    if (cursor := query.get("cursor")) is not None:
        after = decode_cursor(cursor)
        if after is None:
            unparseable.append(FieldError("cursor", "Not a cursor this API returned."))
    species = _enum(Species, "species", query.get("species"), invalid)
    status = _enum(PetStatus, "status", query.get("status"), invalid)
    if unparseable:
        raise BadRequest(
            "The query string cannot be parsed.",
            errors=sorted(unparseable, key=lambda e: e.field),
        )
    if invalid:
        raise ValidationFailed(invalid, "The query has values out of range.")
    return ListQuery(limit, after, species, status)


def _limit(raw: str | None, unparseable: list[FieldError], invalid: list[FieldError]) -> int:
    if raw is None:
        return LIMIT_DEFAULT
    if not _INTEGER.fullmatch(raw):
        unparseable.append(FieldError("limit", "Must be an integer."))
        return LIMIT_DEFAULT
    # Past 6 digits it is out of range anyway (and int() of huge strings is refused).
    value = int(raw) if len(raw) <= 6 else LIMIT_MAX + 1
    if not 1 <= value <= LIMIT_MAX:
        invalid.append(FieldError("limit", f"Must be between 1 and {LIMIT_MAX}."))
        return LIMIT_DEFAULT
    return value


def _enum(kind: type[E], name: str, raw: str | None, invalid: list[FieldError]) -> E | None:
    if raw is None:
        return None
    if raw in kind.__members__:
        return kind(raw)
    invalid.append(FieldError(name, "Must be one of " + ", ".join(kind) + "."))
    return None
