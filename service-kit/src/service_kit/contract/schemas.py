"""The OpenAPI component schemas, generated from the models (never written by hand)."""

from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import JsonSchemaMode

from service_kit.contract.gateway import (
    Health,
    MaintenanceState,
    MaintenanceUpdate,
    ProblemTypeInfo,
    Readiness,
    Recommendations,
    Weather,
)
from service_kit.contract.pets import Pet, PetCreate, PetMergePatch, PetPage, PetReplace
from service_kit.contract.preferences import Preferences
from service_kit.contract.problem import Problem
from service_kit.contract.record_answers import (
    MedicalRecord,
    MedicalRecordAccepted,
    MedicalRecordStatus,
)
from service_kit.contract.records import MedicalRecordCreate

Schema = dict[str, Any]
REF = "#/components/schemas/{model}"

# Component name -> the type it documents. Models referenced from these (enums, the record
# variants, FieldError) become components of their own, named after their class.
MODELS: dict[str, Any] = {
    "Problem": Problem,
    "Pet": Pet,
    "PetCreate": PetCreate,
    "PetReplace": PetReplace,
    "PetMergePatch": PetMergePatch,
    "PetPage": PetPage,
    "Preferences": Preferences,
    "MedicalRecordCreate": MedicalRecordCreate,
    "MedicalRecordAccepted": MedicalRecordAccepted,
    "MedicalRecordStatus": MedicalRecordStatus,
    "MedicalRecord": MedicalRecord,
    "Weather": Weather,
    "Recommendations": Recommendations,
    "MaintenanceState": MaintenanceState,
    "MaintenanceUpdate": MaintenanceUpdate,
    "Health": Health,
    "Readiness": Readiness,
    "ProblemTypeInfo": ProblemTypeInfo,
}


def _plain(node: Any, *, properties: bool = False) -> Any:
    """Without pydantic's generated titles and null defaults (an unset field is absent);
    a property that is *named* title or default stays."""
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: _plain(value, properties=key == "properties" and not properties)
        for key, value in node.items()
        if properties or not (key == "title" or (key == "default" and value is None))
    }


def component_schemas() -> dict[str, Schema]:
    mode: JsonSchemaMode = "validation"
    inputs = [(name, mode, TypeAdapter(kind)) for name, kind in MODELS.items()]
    mapping, definitions = TypeAdapter.json_schemas(inputs, ref_template=REF)
    schemas: dict[str, Schema] = dict(definitions.get("$defs", {}))
    for (name, _), schema in mapping.items():
        if schema.get("$ref") != REF.format(model=name):
            schemas[name] = schema
    return {name: _plain(schema) for name, schema in sorted(schemas.items())}
