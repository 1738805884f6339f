"""A medical record's client fields, validated once for both sides: the pets service on POST
(422 ``validation-error``) and the worker before processing (FAILED with
``record-processing-failed``), with the same messages. Every failing field is listed.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from service_kit.medical_records import NOTES_MAX, TEXT_MAX, TYPE_FIELDS, RecordType
from service_kit.problems import FieldError, ValidationFailed

ALL_TYPE_FIELDS = frozenset(field for fields in TYPE_FIELDS.values() for field in fields)
SERVER_FIELDS = ("id", "petId", "status", "createdAt", "updatedAt")
# A record documents something that happened; one day of slack covers time zones ahead of UTC.
FUTURE_SLACK = timedelta(days=1)


def parse_record(body: dict[str, Any]) -> dict[str, Any]:
    """A POST body's record fields, validated, or the 422 naming every failing field."""
    clean, errors = record_fields(body)
    if errors:
        raise ValidationFailed(errors)
    return clean


def record_fields(
    body: dict[str, Any], *, published: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    """The record's client fields (type, date, the type's own fields, notes) and every error.

    ``published``: a record as the pets service published it, whose server fields (id,
    petId, createdAt) are its own; in a client's body they are refused.
    """
    errors: list[FieldError] = []
    kind = _record_type(body.get("type"), errors)
    clean: dict[str, Any] = {"type": kind} if kind is not None else {}
    when = _date(body.get("date"), errors)
    if when is not None:
        clean["date"] = when.isoformat()
    wanted = TYPE_FIELDS[kind] if kind is not None else ()
    for field in wanted:
        value = _text(body.get(field), field, TEXT_MAX, errors, required=True)
        if value is not None:
            clean[field] = value
    notes = _text(body.get("notes"), "notes", NOTES_MAX, errors, required=False)
    if notes is not None:
        clean["notes"] = notes
    for field in body:
        if field in SERVER_FIELDS and published:
            continue
        if field in SERVER_FIELDS:
            errors.append(FieldError(field, "Read-only: set by the server."))
        elif field in ALL_TYPE_FIELDS and kind is not None and field not in wanted:
            errors.append(FieldError(field, f"Not a field of a {kind} record."))
        elif field not in ALL_TYPE_FIELDS and field not in ("type", "date", "notes"):
            errors.append(FieldError(field, "Unknown field."))
    return clean, errors


def _record_type(value: Any, errors: list[FieldError]) -> RecordType | None:
    if value is None:
        errors.append(FieldError("type", "Required."))
    elif isinstance(value, str) and value in RecordType.__members__:
        return RecordType(value)
    else:
        errors.append(FieldError("type", "Must be one of " + ", ".join(RecordType) + "."))
    return None


def _date(value: Any, errors: list[FieldError]) -> date | None:
    if value is None:
        errors.append(FieldError("date", "Required."))
        return None
    parsed: date | None = None
    if isinstance(value, str) and len(value) == 10:
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        errors.append(FieldError("date", "Must be a calendar date, YYYY-MM-DD."))
    elif parsed > (datetime.now(UTC) + FUTURE_SLACK).date():
        errors.append(FieldError("date", "Must not be in the future."))
        return None
    return parsed


def _text(
    value: Any, field: str, maximum: int, errors: list[FieldError], *, required: bool
) -> str | None:
    if value is None:
        if required:
            errors.append(FieldError(field, "Required."))
        return None
    if not isinstance(value, str):
        errors.append(FieldError(field, "Must be a string."))
    elif not value.strip():
        errors.append(FieldError(field, "Must not be empty or blank."))
    elif len(value) > maximum:
        errors.append(FieldError(field, f"Must be at most {maximum} characters long."))
    else:
        return value
    return None
