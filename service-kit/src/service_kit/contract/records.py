"""Medical records: one closed request model per record type, and their validation for the
pets service (422) and the worker (FAILED) alike."""

import functools
import operator
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, Strict, StringConstraints, ValidationError, create_model
from pydantic_core import PydanticCustomError

from service_kit.contract.errors import field_errors
from service_kit.contract.fields import (
    ContractModel,
    Text,
    messages,
)
from service_kit.medical_records import (
    NOTES_MAX,
    TEXT_MAX,
    TYPE_FIELDS,
    RecordType,
)
from service_kit.problems import FieldError, ValidationFailed

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
Notes = Annotated[str, Text(NOTES_MAX)]


class _RecordBase(ContractModel):
    read_only: ClassVar[tuple[str, ...]] = SERVER_FIELDS

    date: RecordDate
    notes: Notes | None = None


class RecordCommon(_RecordBase, extra="ignore"):
    """What every record has: checked alone when ``type`` names no record type."""

    type: RecordType


def _variant(kind: RecordType) -> type[_RecordBase]:
    fields: dict[str, Any] = {
        name: (Annotated[str, Text(TEXT_MAX)], ...) for name in TYPE_FIELDS[kind]
    }
    model: type[_RecordBase] = create_model(
        f"{kind.title()}RecordCreate",
        __base__=_RecordBase,
        __doc__=f"A medical record of type {kind}.",
        type=(Literal[kind], ...),  # type: ignore[arg-type]
        **fields,
    )
    return model


RECORD_VARIANTS: dict[RecordType, type[_RecordBase]] = {kind: _variant(kind) for kind in RecordType}
# The request body: the variant that ``type`` names (one closed object per record type).
MedicalRecordCreate: Any = Annotated[
    functools.reduce(operator.or_, RECORD_VARIANTS.values()), Field(discriminator="type")
]


_COMMON = ("type", "date", "notes")
ALL_TYPE_FIELDS = frozenset(field for fields in TYPE_FIELDS.values() for field in fields)


def parse_record(body: dict[str, Any]) -> dict[str, Any]:
    """A POST body's record fields, validated, or the 422 naming every failing field."""
    clean, errors = record_fields(body)
    if errors:
        raise ValidationFailed(errors)
    return clean


def record_fields(
    body: dict[str, Any], *, published: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    """The record's client fields and every error, for both sides: the pets service on POST
    (422) and the worker before processing (FAILED), with the same messages. Its own type's
    model when ``type`` names one, else everything that can be checked without one.

    ``published``: a record as the pets service published it, whose server fields (id,
    petId, createdAt, ...) are its own; in a client's body they are refused.
    """
    if published:
        body = {k: v for k, v in body.items() if k not in SERVER_FIELDS}
    kind = body.get("type")
    if isinstance(kind, str) and kind in RecordType.__members__:
        try:
            record = RECORD_VARIANTS[RecordType(kind)].model_validate(body)
        except ValidationError as exc:
            return {}, [
                FieldError(e.field, f"Not a field of a {kind} record.")
                if e.field in ALL_TYPE_FIELDS and e.message == "Unknown field."
                else e
                for e in field_errors(exc, SERVER_FIELDS)
            ]
        return record.model_dump(mode="json", exclude_none=True), []
    unknown = [
        FieldError(f, "Read-only: set by the server." if f in SERVER_FIELDS else "Unknown field.")
        for f in body
        if f not in _COMMON and f not in ALL_TYPE_FIELDS
    ]
    try:
        RecordCommon.model_validate(body)
    except ValidationError as exc:
        return {}, [*unknown, *field_errors(exc)]
    raise AssertionError("unreachable: a record without a valid type never validates")
