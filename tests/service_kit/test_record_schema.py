"""One medical-record schema: the pets service and the worker refuse the same fields alike."""

from typing import Any

import pytest

from records_worker.processing import process
from service_kit import problems
from service_kit.contract.records import parse_record

PET_ID = "0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11"
PUBLISHED = {"id": "0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a12", "petId": PET_ID, "createdAt": "x"}


def refused_by_the_service(body: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(problems.ValidationFailed) as caught:
        parse_record(body)
    errors: list[dict[str, str]] = caught.value.extensions["errors"]
    return errors


def failed_by_the_worker(body: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(problems.RecordProcessingFailed) as caught:
        process({**PUBLISHED, **body})
    errors: list[dict[str, str]] = caught.value.extensions["errors"]
    return errors


@pytest.mark.parametrize(
    "body",
    [
        {"type": "GROOMING", "date": "2025-02-30", "notes": 7},
        {"type": "VACCINATION", "date": "2025-03-01", "vaccine": "  "},
        {"type": "MEDICATION", "date": "2025-03-01", "medication": "x" * 101},
        {"date": "2025-03-01"},
        {"type": "SURGERY", "date": "01/03/2025", "procedure": "spay", "vaccine": "Rabies"},
        {"type": "CHECKUP", "date": "2999-01-01", "colour": "red"},
    ],
)
def test_the_same_body_gets_the_same_messages(body: dict[str, Any]) -> None:
    expected = refused_by_the_service(body)
    assert expected  # every case is invalid
    assert failed_by_the_worker(body) == expected


def test_server_fields_are_refused_in_a_body_and_kept_in_a_published_record() -> None:
    body = {"type": "CHECKUP", "date": "2025-03-01"}
    assert [e["field"] for e in refused_by_the_service({**body, **PUBLISHED})] == [
        "id",
        "petId",
        "createdAt",
    ]
    assert process({**PUBLISHED, **body})["nextCheckupDate"] == "2026-03-01"


def test_the_worker_also_needs_a_pet_id() -> None:
    errors = failed_by_the_worker({"petId": "nope", "type": "CHECKUP", "date": "2025-03-01"})
    assert errors == [{"field": "petId", "message": "Must be the UUID of a pet."}]
