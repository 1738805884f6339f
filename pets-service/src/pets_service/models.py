"""Pets and preferences: validation that reports every failing field, and representations."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from service_kit.problems import FieldError, ValidationFailed


class Species(StrEnum):
    DOG = "DOG"
    CAT = "CAT"
    BIRD = "BIRD"
    RABBIT = "RABBIT"
    FISH = "FISH"
    REPTILE = "REPTILE"
    OTHER = "OTHER"


class PetStatus(StrEnum):
    AVAILABLE = "AVAILABLE"
    PENDING = "PENDING"
    ADOPTED = "ADOPTED"


NAME_MAX = 100
BREED_MAX = 100
AGE_MAX = 200  # years; the oldest tortoises on record stay below it

READ_ONLY = ("createdAt", "updatedAt", "version")
REQUIRED = ("name", "species", "status")  # always in the representation; never null
OPTIONAL = ("breed", "age")

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def parse_uuid(value: str) -> str | None:
    """The canonical lower-case form of a hyphenated UUID, or None."""
    return value.lower() if _UUID.fullmatch(value) else None


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class PetFields:
    """The client-writable part of a pet, validated."""

    name: str
    species: Species
    status: PetStatus
    breed: str | None
    age: int | None

    def document(
        self, pet_id: str, *, created_at: str, updated_at: str, version: int
    ) -> dict[str, Any]:
        doc: dict[str, Any] = {"id": pet_id, "name": self.name, "species": self.species}
        if self.breed is not None:
            doc["breed"] = self.breed
        if self.age is not None:
            doc["age"] = self.age
        doc.update(status=self.status, createdAt=created_at, updatedAt=updated_at, version=version)
        return doc


def _text(maximum: int) -> Callable[[Any], tuple[Any, str | None]]:
    def check(value: Any) -> tuple[Any, str | None]:
        if not isinstance(value, str):
            return None, "Must be a string."
        if not value.strip():
            return None, "Must not be empty or blank."
        if len(value) > maximum:
            return None, f"Must be at most {maximum} characters long."
        return value, None

    return check


def _enum(kind: type[StrEnum]) -> Callable[[Any], tuple[Any, str | None]]:
    allowed = ", ".join(kind)

    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, str) and value in kind.__members__:
            return kind(value), None
        return None, f"Must be one of {allowed}."

    return check


def _age(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, int) or isinstance(value, bool):
        return None, "Must be an integer."
    if not 0 <= value <= AGE_MAX:
        return None, f"Must be between 0 and {AGE_MAX}."
    return value, None


_CHECKS: dict[str, Callable[[Any], tuple[Any, str | None]]] = {
    "name": _text(NAME_MAX),
    "species": _enum(Species),
    "status": _enum(PetStatus),
    "breed": _text(BREED_MAX),
    "age": _age,
}


def _check_members(body: Mapping[str, Any], errors: list[FieldError]) -> None:
    for field in body:
        if field in READ_ONLY:
            errors.append(FieldError(field, "Read-only: set by the server."))
        elif field not in _CHECKS and field != "id":
            errors.append(FieldError(field, "Unknown field."))


def _check_id(body: Mapping[str, Any], errors: list[FieldError], path_id: str | None) -> str | None:
    if "id" not in body:
        return None
    raw = body["id"]
    pet_id = parse_uuid(raw) if isinstance(raw, str) else None
    if pet_id is None:
        errors.append(FieldError("id", "Must be a UUID (8-4-4-4-12 hexadecimal digits)."))
    elif path_id is not None and pet_id != path_id:
        errors.append(FieldError("id", "Must match the id in the URL; a pet's id cannot change."))
    return pet_id


def _fields(values: Mapping[str, Any], errors: list[FieldError]) -> PetFields | None:
    """Validate a full set of writable fields (absent or null optional fields are unset)."""
    clean: dict[str, Any] = {}
    for field, check in _CHECKS.items():
        value = values.get(field)
        if value is None:
            if field == "status":
                clean[field] = PetStatus.AVAILABLE
            elif field in REQUIRED:
                errors.append(FieldError(field, "Required."))
            continue
        clean[field], message = check(value)
        if message is not None:
            errors.append(FieldError(field, message))
    if errors:
        return None
    return PetFields(
        clean["name"], clean["species"], clean["status"], clean.get("breed"), clean.get("age")
    )


def parse_new_pet(body: Mapping[str, Any]) -> tuple[str | None, PetFields]:
    """The client-chosen id (if any) and fields of a POST body; 422 with every failure."""
    errors: list[FieldError] = []
    _check_members(body, errors)
    pet_id = _check_id(body, errors, None)
    fields = _fields(body, errors)
    if fields is None or errors:
        raise ValidationFailed(errors)
    return pet_id, fields


def parse_replacement(body: Mapping[str, Any], path_id: str) -> PetFields:
    """The fields of a PUT body: a full replacement, so absent optional fields are removed."""
    errors: list[FieldError] = []
    _check_members(body, errors)
    _check_id(body, errors, path_id)
    fields = _fields(body, errors)
    if fields is None or errors:
        raise ValidationFailed(errors)
    return fields


def apply_merge_patch(
    current: Mapping[str, Any], patch: Mapping[str, Any], path_id: str
) -> PetFields:
    """RFC 7396 on the writable fields: null removes an optional field, others replace."""
    errors: list[FieldError] = []
    _check_members(patch, errors)
    if patch.get("id", path_id) is None:
        errors.append(FieldError("id", "Cannot be removed."))
    else:
        _check_id(patch, errors, path_id)
    merged = {field: current[field] for field in _CHECKS if field in current}
    for field, value in patch.items():
        if field not in _CHECKS:
            continue
        if value is None and field in REQUIRED:
            errors.append(FieldError(field, "Required: cannot be removed (null)."))
        elif value is None:
            merged.pop(field, None)
        else:
            merged[field] = value
    fields = _fields(merged, errors)
    if fields is None or errors:
        raise ValidationFailed(errors)
    return fields


UNITS = ("metric", "imperial")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")
PREFERENCE_DEFAULTS: dict[str, Any] = {
    "preferredSpecies": [],
    "newsletter": False,
    "language": "en",
    "units": "metric",
}


def parse_preferences(body: Mapping[str, Any]) -> dict[str, Any]:
    """A whole preferences document (absent fields take their defaults); 422 on any failure."""
    errors: list[FieldError] = []
    for field in body:
        if field not in PREFERENCE_DEFAULTS:
            errors.append(FieldError(field, "Unknown field."))
    doc = dict(PREFERENCE_DEFAULTS)
    if "preferredSpecies" in body:
        doc["preferredSpecies"] = _species_list(body["preferredSpecies"], errors)
    if "newsletter" in body:
        doc["newsletter"] = body["newsletter"]
        if not isinstance(body["newsletter"], bool):
            errors.append(FieldError("newsletter", "Must be true or false."))
    if "language" in body:
        doc["language"] = body["language"]
        if not isinstance(body["language"], str) or not _LANGUAGE.fullmatch(body["language"]):
            errors.append(FieldError("language", "Must be a language tag such as 'en' or 'pt-BR'."))
    if "units" in body:
        doc["units"] = body["units"]
        if body["units"] not in UNITS:
            errors.append(FieldError("units", "Must be one of metric, imperial."))
    if errors:
        raise ValidationFailed(errors)
    return doc


def _species_list(value: Any, errors: list[FieldError]) -> list[str]:
    if not isinstance(value, list):
        errors.append(FieldError("preferredSpecies", "Must be an array of species."))
        return []
    check = _CHECKS["species"]
    seen: list[str] = []
    for index, item in enumerate(value):
        species, message = check(item)
        if message is not None:
            errors.append(FieldError(f"preferredSpecies[{index}]", message))
        elif species in seen:
            errors.append(FieldError(f"preferredSpecies[{index}]", f"{species} is listed twice."))
        else:
            seen.append(species)
    return seen
