"""Processing one record: validate it with the shared record schema, derive follow-up dates."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from records_worker.catalogue import CATALOGUE, find_vaccine
from service_kit.contract.records import record_fields
from service_kit.medical_records import F_PET_ID, RecordType, is_record_id
from service_kit.problems import FieldError, RecordProcessingFailed

CHECKUP_INTERVAL = timedelta(days=365)
SURGERY_FOLLOW_UP = timedelta(days=14)


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def process(payload: dict[str, Any]) -> dict[str, Any]:
    """The processed record, or RecordProcessingFailed naming every reason it cannot be
    (the record's fields are checked as the pets service checks them: one schema)."""
    clean, errors = record_fields(payload, published=True)
    if not is_record_id(payload.get(F_PET_ID)):
        errors.insert(0, FieldError(F_PET_ID, "Must be the UUID of a pet."))
    if errors:
        raise RecordProcessingFailed("The record is not a valid medical record.", errors=errors)
    kind = RecordType(clean["type"])
    when = date.fromisoformat(clean["date"])
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
