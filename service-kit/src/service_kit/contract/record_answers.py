"""What the API answers about a medical record: the 202, its status, the processed record."""

from typing import Annotated, Literal

from service_kit.contract.fields import ContractModel, DateTime, OmitNull, UriReference, Uuid
from service_kit.contract.problem import Problem
from service_kit.medical_records import RecordStatus, record_url, status_url

_RECORD_ID = "0190f7a5-1b2c-7d3e-8f40-5a6b7c8d9e0f"
_PET_ID = "0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11"


class MedicalRecordAccepted(
    ContractModel,
    json_schema_extra={
        "examples": [
            {"id": _RECORD_ID, "status": "PROCESSING", "statusUrl": status_url(_RECORD_ID)}
        ]
    },
):
    id: Uuid
    status: Literal[RecordStatus.PROCESSING]
    statusUrl: UriReference


class MedicalRecordStatus(
    ContractModel,
    json_schema_extra={
        "examples": [
            {
                "id": _RECORD_ID,
                "petId": _PET_ID,
                "status": "COMPLETED",
                "createdAt": "2025-01-02T10:00:00.000Z",
                "updatedAt": "2025-01-02T10:00:01.000Z",
                "resultUrl": record_url(_RECORD_ID),
            }
        ]
    },
):
    """Where a record is; ``resultUrl`` once COMPLETED, ``problem`` once FAILED."""

    id: Uuid
    petId: Annotated[Uuid | None, OmitNull] = None
    status: RecordStatus
    createdAt: Annotated[DateTime | None, OmitNull] = None
    updatedAt: Annotated[DateTime | None, OmitNull] = None
    resultUrl: Annotated[UriReference | None, OmitNull] = None
    problem: Annotated[Problem | None, OmitNull] = None


class MedicalRecord(
    ContractModel,
    extra="allow",
    json_schema_extra={
        "examples": [
            {
                "id": _RECORD_ID,
                "petId": _PET_ID,
                "type": "VACCINATION",
                "date": "2025-01-02",
                "vaccine": "Rabies",
                "nextDueDate": "2026-01-02",
                "processedAt": "2025-01-02T10:00:01.000Z",
            }
        ]
    },
):
    """The processed record: the fields sent, plus what processing derived."""

    id: Uuid
    petId: Annotated[str | None, OmitNull] = None
