"""Processing one record: validate what the worker relies on, derive the follow-up dates."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from records_worker.catalogue import CATALOGUE, find_vaccine
from service_kit.medical_records import (
    F_PET_ID,
    NOTES_MAX,
    TEXT_MAX,
    TYPE_FIELDS,
    RecordType,
    is_record_id,
)
from service_kit.problems import FieldError, RecordProcessingFailed

CHECKUP_INTERVAL = timedelta(days=365)
SURGERY_FOLLOW_UP = timedelta(days=14)


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def process(payload: dict[str, Any]) -> dict[str, Any]:
    """The processed record, or RecordProcessingFailed naming every reason it cannot be."""
    errors: list[FieldError] = []
    if not is_record_id(payload.get(F_PET_ID)):
        errors.append(FieldError(F_PET_ID, "Must be the UUID of a pet."))
    kind = _record_type(payload.get("type"), errors)
    when = _date(payload.get("date"), errors)
    if kind is not None:
        for field in TYPE_FIELDS[kind]:
            _text(payload, field, TEXT_MAX, errors)
    if payload.get("notes") is not None:
        _text(payload, "notes", NOTES_MAX, errors)
    if errors or kind is None or when is None:
        raise RecordProcessingFailed("The record is not a valid medical record.", errors=errors)
    result = dict(payload)
    if kind is RecordType.VACCINATION:
        vaccine = find_vaccine(payload["vaccine"])
        if vaccine is None:
            known = ", ".join(v.name for v in CATALOGUE.values())
            raise RecordProcessingFailed(
                f"The vaccine '{payload['vaccine']}' is not in the catalogue.",
                errors=[FieldError("vaccine", f"Must be one of {known}.")],
            )
        result["vaccine"] = vaccine.name
        result["nextDueDate"] = (when + timedelta(days=vaccine.interval_days)).isoformat()
    elif kind is RecordType.CHECKUP:
        result["nextCheckupDate"] = (when + CHECKUP_INTERVAL).isoformat()
    elif kind is RecordType.SURGERY:
        result["followUpDate"] = (when + SURGERY_FOLLOW_UP).isoformat()
    result["processedAt"] = now_rfc3339()
    return result


def _record_type(value: Any, errors: list[FieldError]) -> RecordType | None:
    if isinstance(value, str) and value in RecordType.__members__:
        return RecordType(value)
    errors.append(FieldError("type", "Must be one of " + ", ".join(RecordType) + "."))
    return None


def _date(value: Any, errors: list[FieldError]) -> date | None:
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    errors.append(FieldError("date", "Must be a calendar date, YYYY-MM-DD."))
    return None


def _text(payload: dict[str, Any], field: str, maximum: int, errors: list[FieldError]) -> None:
    value = payload.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > maximum:
        errors.append(FieldError(field, f"Must be a non-blank text of at most {maximum} chars."))
