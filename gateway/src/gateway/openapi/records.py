"""Medical records: the 202 intake, the status to poll, the processed record."""

from gateway.openapi.base import Section, ref
from gateway.openapi.pets import UPSTREAM_ERRORS, WRITE_ERRORS
from gateway.openapi.responses import json_body, ok, operation


def section() -> Section:
    return Section(
        paths={
            "/v1/pets/{petId}/medical-records": {
                "parameters": [ref("parameters", "PetId")],
                "post": operation(
                    "createMedicalRecord",
                    "Submit a medical record for asynchronous processing",
                    {
                        202: ok(
                            "Accepted: poll `statusUrl`.",
                            ref("schemas", "MedicalRecordAccepted"),
                            "Location",
                            "Idempotent-Replayed",
                        )
                    },
                    errors=WRITE_ERRORS,
                    body=json_body("MedicalRecordCreate"),
                    params=("IdempotencyKey",),
                ),
            },
            "/v1/medical-records/{recordId}/status": {
                "parameters": [ref("parameters", "RecordId")],
                "get": operation(
                    "retrieveMedicalRecordStatus",
                    "Where a record is: PROCESSING, COMPLETED or FAILED",
                    {
                        200: ok(
                            "The status (`Retry-After: 1` while PROCESSING).",
                            ref("schemas", "MedicalRecordStatus"),
                            "Retry-After",
                            "Link",
                            sometimes=("Retry-After",),
                        )
                    },
                    errors=UPSTREAM_ERRORS,
                ),
            },
            "/v1/medical-records/{recordId}": {
                "parameters": [ref("parameters", "RecordId")],
                "get": operation(
                    "retrieveMedicalRecord",
                    "The processed record",
                    {200: ok("The record.", ref("schemas", "MedicalRecord"))},
                    errors=UPSTREAM_ERRORS,
                ),
            },
        }
    )
