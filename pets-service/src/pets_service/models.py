"""Pets as the pets service reads them: the shared contract's models, plus the rules that
need the request (the id in the path, the pet being patched)."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from service_kit.contract.errors import validate
from service_kit.contract.fields import UUID_PATTERN
from service_kit.contract.pets import NOT_REMOVABLE, PetCreate, PetMergePatch, PetReplace
from service_kit.problems import FieldError

_UUID = re.compile(UUID_PATTERN)


def parse_uuid(value: str) -> str | None:
    """The canonical lower-case form of a hyphenated UUID, or None."""
    return value.lower() if _UUID.fullmatch(value) else None


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_pet_id(body: Mapping[str, Any]) -> str | None:
    """The id a POST body asks for, if it is a UUID (an id conflict is decided first)."""
    raw = body.get("id")
    return parse_uuid(raw) if isinstance(raw, str) else None


def parse_new_pet(body: Mapping[str, Any]) -> tuple[str | None, PetReplace]:
    """The client-chosen id (if any) and fields of a POST body; 422 with every failure."""
    pet = validate(PetCreate, body)
    return (pet.id.lower() if pet.id else None), pet


def _same_id(body: Mapping[str, Any], path_id: str) -> list[FieldError]:
    raw = body.get("id")
    pet_id = parse_uuid(raw) if isinstance(raw, str) else None
    if pet_id is not None and pet_id != path_id:
        return [FieldError("id", "Must match the id in the URL; a pet's id cannot change.")]
    return []


def parse_replacement(body: Mapping[str, Any], path_id: str) -> PetReplace:
    """The fields of a PUT body: a full replacement, so absent optional fields are removed."""
    return validate(PetReplace, body, extra=_same_id(body, path_id))


def apply_merge_patch(
    current: Mapping[str, Any], patch: Mapping[str, Any], path_id: str
) -> PetReplace:
    """RFC 7396 on the writable fields: null removes an optional field, others replace."""
    errors = _same_id(patch, path_id)
    if "id" in patch and patch["id"] is None:
        errors.append(FieldError("id", "Cannot be removed."))
    removed = [f for f in NOT_REMOVABLE if f in patch and patch[f] is None]
    errors += [FieldError(f, "Required: cannot be removed (null).") for f in removed]
    checked = {k: v for k, v in patch.items() if k not in removed and not (k == "id" and v is None)}
    validate(PetMergePatch, checked, extra=errors)
    merged = {field: current[field] for field in PetReplace.model_fields if field in current}
    for field, value in patch.items():
        if value is None:
            merged.pop(field, None)
        elif field != "id":
            merged[field] = value
    return validate(PetReplace, merged)
