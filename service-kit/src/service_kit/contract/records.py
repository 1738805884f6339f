"""Medical records: one closed request model per record type, and what the API answers."""

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, Strict, StringConstraints, create_model
from pydantic_core import PydanticCustomError

from service_kit.contract.fields import ContractModel, Uuid, messages, text
from service_kit.medical_records import NOTES_MAX, TEXT_MAX, TYPE_FIELDS, RecordStatus, RecordType

SERVER_FIELDS = ("id", "petId", "status", "createdAt", "updatedAt")
# A record documents something that happened; one day of slack covers time zones ahead of UTC.
FUTURE_SLACK = timedelta(days=1)
_CALENDAR = "Must be a calendar date, YYYY-MM-DD."


def _past_date(value: str) -> str:
    try:
        when = date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("invalid", _CALENDAR) from None
    if when > (datetime.now(UTC) + FUTURE_SLACK).date():
        raise PydanticCustomError("invalid", "Must not be in the future.")
    return value


RecordDate = Annotated[
    Annotated[
        str,
        Strict(),
        StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        messages(any=_CALENDAR),
    ],
    AfterValidator(_past_date),
    Field(
        json_schema_extra={"format": "date"},
        description="When it happened: not later than tomorrow (UTC), else 422.",
    ),
]
Notes = text(NOTES_MAX)


class _RecordBase(ContractModel):
    read_only = SERVER_FIELDS

    date: RecordDate
    notes: Notes | None = None


class RecordCommon(_RecordBase, extra="ignore"):
    """What every record has: checked alone when ``type`` names no record type."""

    type: RecordType


def _variant(kind: RecordType) -> type[_RecordBase]:
    fields: dict[str, Any] = {name: (text(TEXT_MAX), ...) for name in TYPE_FIELDS[kind]}
    model: type[_RecordBase] = create_model(  # type: ignore[call-overload]
        f"{kind.title()}RecordCreate",
        __base__=_RecordBase,
        __doc__=f"A medical record of type {kind}.",
        type=(Literal[kind], ...),
        **fields,
    )
    return model


RECORD_VARIANTS: dict[RecordType, type[_RecordBase]] = {kind: _variant(kind) for kind in RecordType}
MedicalRecordCreate = Annotated[
    RECORD_VARIANTS[RecordType.VACCINATION]
    | RECORD_VARIANTS[RecordType.CHECKUP]
    | RECORD_VARIANTS[RecordType.SURGERY]
    | RECORD_VARIANTS[RecordType.MEDICATION]
    | RECORD_VARIANTS[RecordType.ALLERGY],
    Field(discriminator="type"),
]


class MedicalRecordAccepted(ContractModel):
    id: Uuid
    status: Literal[RecordStatus.PROCESSING]
    statusUrl: Annotated[str, Field(json_schema_extra={"format": "uri-reference"})]
