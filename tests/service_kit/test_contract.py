"""The models and the OpenAPI document are one source: the served schemas are the models',
and the document accepts exactly the bodies the services accept."""

from collections.abc import Callable
from typing import Any

import pytest

from service_kit.contract.errors import validate
from service_kit.contract.gateway import MaintenanceUpdate
from service_kit.contract.pets import PetCreate, PetFields, PetMergePatch, PetReplace
from service_kit.contract.preferences import Preferences, duplicate_species
from service_kit.contract.records import parse_record
from service_kit.contract.schemas import component_schemas
from service_kit.problems import FieldError, ValidationFailed
from tests.gateway.contract import spec, validator

PET = {"name": "Rex", "species": "DOG"}
UUID = "0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11"


def _preferences(body: dict[str, Any]) -> object:
    repeats = [FieldError(f, m) for f, m in duplicate_species(body)]
    return validate(Preferences, body, extra=repeats)


CHECKS: dict[str, Callable[[dict[str, Any]], object]] = {
    "PetCreate": lambda body: validate(PetCreate, body),
    "PetReplace": lambda body: validate(PetReplace, body),
    "PetMergePatch": lambda body: validate(PetMergePatch, body),
    "Preferences": _preferences,
    "MedicalRecordCreate": parse_record,
    "MaintenanceUpdate": lambda body: validate(MaintenanceUpdate, body),
}
BODIES: dict[str, list[dict[str, Any]]] = {
    "PetCreate": [
        PET,
        {**PET, "id": UUID, "breed": "Collie", "age": 3, "status": "PENDING"},
        {**PET, "age": 16.0},
        {**PET, "age": None, "breed": None, "status": None},
        {"species": "DOG"},
        {**PET, "name": ""},
        {**PET, "name": "   "},
        {**PET, "name": "\u3000"},
        {**PET, "name": "x" * 101},
        {**PET, "name": 7},
        {**PET, "species": "dog"},
        {**PET, "age": -1},
        {**PET, "age": 1.5},
        {**PET, "age": True},
        {**PET, "age": "3"},
        {**PET, "age": 201},
        {**PET, "breed": ""},
        {**PET, "status": "SOLD"},
        {**PET, "id": "not-a-uuid"},
        {**PET, "id": None},
        {**PET, "colour": "brown"},
        {**PET, "version": 1},
        {},
    ],
    "PetReplace": [PET, {**PET, "age": 200.0}, {**PET, "createdAt": "x"}, {"name": "Rex"}],
    "PetMergePatch": [
        {},
        {"age": None, "breed": None},
        {"name": "Max", "age": 4.0},
        {"name": ""},
        {"species": "LION"},
        {"updatedAt": "x"},
    ],
    "Preferences": [
        {},
        {"emailNotifications": True, "theme": "dark"},
        {"preferredSpecies": ["CAT", "DOG"], "newsletter": False, "language": "pt-BR"},
        {"preferredSpecies": ["DOG", "DOG"]},
        {"preferredSpecies": "DOG"},
        {"theme": "neon"},
        {"newsletter": 1},
        {"language": "english language"},
        {"units": None},
        {"extra": True},
    ],
    "MedicalRecordCreate": [
        {"type": "CHECKUP", "date": "2025-01-01"},
        {"type": "VACCINATION", "date": "2025-01-01", "vaccine": "Rabies", "notes": "ok"},
        {"type": "MEDICATION", "date": "2025-01-01", "medication": "X", "dosage": "1"},
        {"type": "VACCINATION", "date": "2025-01-01"},
        {"type": "CHECKUP", "date": "2025-01-01", "vaccine": "Rabies"},
        {"type": "CHECKUP", "date": "2025-02-30"},
        {"type": "CHECKUP", "date": "01/02/2025"},
        {"type": "CHECKUP", "date": 20250101},
        {"type": "GROOMING", "date": "2025-01-01"},
        {"type": "CHECKUP", "date": "2025-01-01", "status": "COMPLETED"},
        {},
    ],
    "MaintenanceUpdate": [
        {"enabled": True},
        {"enabled": False, "retryAfter": 60, "detail": "Back soon."},
        {"enabled": "yes"},
        {"enabled": True, "retryAfter": 0},
        {"enabled": True, "detail": ""},
        {"enabled": True, "colour": 1},
    ],
}


def _model_accepts(name: str, body: dict[str, Any]) -> bool:
    try:
        CHECKS[name](body)
    except ValidationFailed:
        return False
    return True


@pytest.mark.parametrize(
    ("name", "body"), [(name, body) for name, bodies in BODIES.items() for body in bodies]
)
def test_the_document_accepts_what_the_model_accepts(name: str, body: dict[str, Any]) -> None:
    schema = {"$ref": f"#/components/schemas/{name}"}
    documented = validator(schema).is_valid(body)
    assert documented == _model_accepts(name, body), (name, body)


def test_the_served_schemas_are_generated_from_the_models() -> None:
    served = spec()["components"]["schemas"]
    generated = component_schemas()
    for name, schema in generated.items():
        assert served[name] == schema, name
    assert {"Species", "PetStatus", "Theme", "Units", "RecordStatus"} <= set(generated)


@pytest.mark.parametrize("field", list(PetFields.model_fields))
def test_every_pet_field_is_in_every_pet_schema(field: str) -> None:
    """A field added to PetFields reaches each body, the answer and the docs by itself."""
    schemas = spec()["components"]["schemas"]
    for name in ("PetCreate", "PetReplace", "PetMergePatch", "Pet"):
        assert field in schemas[name]["properties"], (name, field)
    with pytest.raises(ValidationFailed) as refused:
        validate(PetCreate, {**PET, field: {"not": "valid"}})
    assert [e["field"] for e in refused.value.extensions["errors"]] == [field]
    assert not validator({"$ref": "#/components/schemas/PetCreate"}).is_valid(
        {**PET, field: {"not": "valid"}}
    )


def test_every_example_in_the_document_is_valid() -> None:
    """The models' examples against their own schemas, and every problem answer's example
    against that answer's schema (with the members that status requires)."""
    doc = spec()
    checked = 0
    for name, schema in doc["components"]["schemas"].items():
        for example in schema.get("examples", []):
            assert validator({"$ref": f"#/components/schemas/{name}"}).is_valid(example), name
            checked += 1
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            for status, response in op["responses"].items():
                for media, content in response.get("content", {}).items():
                    if "example" in content:
                        errors = list(validator(content["schema"]).iter_errors(content["example"]))
                        assert errors == [], (method, path, status, media, errors[0].message)
                        checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("PetCreate", {**PET, "id": UUID + "\n"}),
        ("Preferences", {"language": "en\n"}),
        ("MedicalRecordCreate", {"type": "CHECKUP", "date": "2025-01-01\n"}),
    ],
)
def test_a_pattern_ends_at_the_end_of_the_value(name: str, body: dict[str, Any]) -> None:
    """As JSON Schema reads `$` (Python's `re` would also let a final newline through)."""
    assert not _model_accepts(name, body)
