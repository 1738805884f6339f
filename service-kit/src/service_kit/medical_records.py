"""What the pets service and the records worker agree on: statuses, Redis layout, the message.

A medical record lives in one Redis hash, ``{prefix}medical-record:{id}``, written first by
the pets service (status PROCESSING, with the validated payload) and finished by the worker
(status COMPLETED with ``result``, or FAILED with ``problem``). Its ``effects`` field counts
how many times the worker applied a result: exactly once however often the record is
delivered. Records still PROCESSING sit in the sorted set ``{prefix}medical-records:processing``,
scored by when they were last published, so stale ones can be published again.

The Kafka message is the payload itself (a JSON object, key = pet id); the header
``x-request-id`` carries the trace id of the POST that accepted it.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson


class RecordStatus(StrEnum):
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class RecordType(StrEnum):
    VACCINATION = "VACCINATION"
    CHECKUP = "CHECKUP"
    SURGERY = "SURGERY"
    MEDICATION = "MEDICATION"
    ALLERGY = "ALLERGY"


# The fields each record type requires besides ``type`` and ``date``; ``notes`` is optional.
TYPE_FIELDS: dict[RecordType, tuple[str, ...]] = {
    RecordType.VACCINATION: ("vaccine",),
    RecordType.CHECKUP: (),
    RecordType.SURGERY: ("procedure",),
    RecordType.MEDICATION: ("medication", "dosage"),
    RecordType.ALLERGY: ("allergen",),
}
TEXT_MAX = 100
NOTES_MAX = 2000

# Fields of a record's hash.
F_ID = "id"
F_PET_ID = "petId"
F_STATUS = "status"
F_CREATED_AT = "createdAt"
F_UPDATED_AT = "updatedAt"
F_PAYLOAD = "payload"
F_RESULT = "result"
F_PROBLEM = "problem"
F_EFFECTS = "effects"
F_OWNER = "owner"  # the token subject that posted it: only it and an admin may read it
F_TRACE_ID = "traceId"  # of the accepting POST, sent again when the record is republished

TRACE_HEADER = "x-request-id"

_UUID = re.compile(r"[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}")


def record_key(prefix: str, record_id: str) -> str:
    return f"{prefix}medical-record:{record_id}"


def processing_key(prefix: str) -> str:
    return f"{prefix}medical-records:processing"


def status_url(record_id: str) -> str:
    return f"/v1/medical-records/{record_id}/status"


def record_url(record_id: str) -> str:
    return f"/v1/medical-records/{record_id}"


def is_record_id(value: object) -> bool:
    """Record ids are lower-case hyphenated UUIDs (the service makes UUIDv7s)."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


class UnreadableMessage(ValueError):
    """A message that is not a record at all; ``reason`` is a short machine-readable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RecordMessage:
    """One record as published: its id and the whole payload (id, petId, type, date, ...)."""

    id: str
    payload: dict[str, Any]

    def encode(self) -> bytes:
        return orjson.dumps(self.payload)

    @classmethod
    def decode(cls, raw: bytes | None) -> "RecordMessage":
        if raw is None:
            raise UnreadableMessage("empty", "The message has no value.")
        try:
            payload = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise UnreadableMessage("not-json", "The message value is not JSON.") from None
        if not isinstance(payload, dict):
            raise UnreadableMessage("not-an-object", "The message value is not a JSON object.")
        record_id = payload.get(F_ID)
        if not is_record_id(record_id):
            raise UnreadableMessage("missing-id", "The message has no valid record id.")
        return cls(str(record_id), payload)
