"""The component schemas of every request and response body."""

from gateway.openapi.base import Schema, ref
from service_kit.medical_records import TYPE_FIELDS

SPECIES = ["DOG", "CAT", "BIRD", "RABBIT", "FISH", "REPTILE", "OTHER"]
PET_STATUS = ["AVAILABLE", "PENDING", "ADOPTED"]
RECORD_TYPES = ["VACCINATION", "CHECKUP", "SURGERY", "MEDICATION", "ALLERGY"]
RECORD_STATUS = ["PROCESSING", "COMPLETED", "FAILED"]
CONDITIONS = ["CLEAR", "PARTLY_CLOUDY", "CLOUDY", "FOG", "RAIN", "SNOW", "THUNDERSTORM"]

# "Not blank" as the services check it (str.strip()): a character outside Python's whitespace,
# which differs from JSON Schema's \s (U+001C-U+001F and U+0085 are in, U+FEFF is out).
NOT_BLANK = r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def text(maximum: int, *, nullable: bool = False) -> Schema:
    schema: Schema = {"type": "string", "minLength": 1, "maxLength": maximum, "pattern": NOT_BLANK}
    return {"anyOf": [schema, {"type": "null"}]} if nullable else schema


def strings() -> Schema:
    return {"type": "array", "items": {"type": "string"}}


def _obj(props: Schema, required: list[str], *, closed: bool = False) -> Schema:
    schema: Schema = {"type": "object", "properties": props, "required": required}
    if closed:
        schema["additionalProperties"] = False
    return schema


def _pet_write(*, patch: bool = False, create: bool = False) -> Schema:
    # PUT and PATCH bodies may repeat the pet's id, never change it (422): the path names it,
    # so only a POST's body documents one.
    ids: Schema = (
        {"id": {"type": "string", "format": "uuid", "description": "Optional; server-made else."}}
        if create
        else {}
    )
    props: Schema = {
        **ids,
        "name": text(100),
        "species": ref("schemas", "Species"),
        "status": ref("schemas", "PetStatus"),
        "breed": text(100, nullable=True),
        "age": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 200}, {"type": "null"}]},
    }
    return _obj(props, [] if patch else ["name", "species"], closed=True)


def _record_create() -> Schema:
    """One closed variant per record type: its own text fields are required, others refused."""
    common: Schema = {
        "date": {
            "type": "string",
            "format": "date",
            "description": "When it happened: not later than tomorrow (UTC), else 422.",
        },
        "notes": text(2000, nullable=True),
    }
    variants = [
        _obj(
            {"type": {"const": kind.value}, **common, **{name: text(100) for name in fields}},
            ["type", "date", *fields],
            closed=True,
        )
        for kind, fields in TYPE_FIELDS.items()
    ]
    every_field = {name: text(100) for fields in TYPE_FIELDS.values() for name in fields}
    schema = _obj(
        {"type": {"type": "string", "enum": RECORD_TYPES}, **common, **every_field},
        ["type", "date"],
        closed=True,
    )
    return schema | {"oneOf": variants}


SCHEMAS: dict[str, Schema] = {
    "Species": {"type": "string", "enum": SPECIES},
    "PetStatus": {"type": "string", "enum": PET_STATUS},
    "FieldError": _obj(
        {"field": {"type": "string"}, "message": {"type": "string"}}, ["field", "message"]
    ),
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details; `type` resolves to a page under /problems/.",
        "required": ["type", "title", "status", "detail", "instance", "traceId"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string", "format": "uri-reference"},
            "traceId": {"type": "string"},
            "errors": {"type": "array", "items": ref("schemas", "FieldError")},
            "requiredScope": {"type": "string"},
            "allowedMethods": strings(),
            "currentVersion": {"type": "integer", "minimum": 1},
            "retryAfter": {"type": "integer", "minimum": 0},
        },
    },
    "Pet": _obj(
        {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "species": ref("schemas", "Species"),
            "breed": {"type": "string", "maxLength": 100},
            "age": {"type": "integer", "minimum": 0, "maximum": 200},
            "status": ref("schemas", "PetStatus"),
            "createdAt": {"type": "string", "format": "date-time"},
            "updatedAt": {"type": "string", "format": "date-time"},
            "version": {"type": "integer", "minimum": 1},
        },
        ["id", "name", "species", "status", "createdAt", "updatedAt", "version"],
    ),
    "PetCreate": _pet_write(create=True),
    "PetReplace": _pet_write(),
    "PetMergePatch": _pet_write(patch=True),
    "PetPage": _obj(
        {
            "items": {"type": "array", "items": ref("schemas", "Pet")},
            "nextCursor": {"type": ["string", "null"]},
        },
        ["items", "nextCursor"],
    ),
    "Preferences": _obj(
        {
            "preferredSpecies": {
                "type": "array",
                "items": ref("schemas", "Species"),
                "uniqueItems": True,
            },
            "newsletter": {"type": "boolean"},
            "language": {
                "type": "string",
                "pattern": r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}$",
            },
            "units": {"type": "string", "enum": ["metric", "imperial"]},
        },
        [],
        closed=True,
    ),
    "MedicalRecordCreate": _record_create(),
    "MedicalRecordAccepted": _obj(
        {
            "id": {"type": "string", "format": "uuid"},
            "status": {"type": "string", "const": "PROCESSING"},
            "statusUrl": {"type": "string", "format": "uri-reference"},
        },
        ["id", "status", "statusUrl"],
    ),
    "MedicalRecordStatus": _obj(
        {
            "id": {"type": "string", "format": "uuid"},
            "petId": {"type": "string", "format": "uuid"},
            "status": {"type": "string", "enum": RECORD_STATUS},
            "createdAt": {"type": "string", "format": "date-time"},
            "updatedAt": {"type": "string", "format": "date-time"},
            "resultUrl": {"type": "string", "format": "uri-reference"},
            "problem": ref("schemas", "Problem"),
        },
        ["id", "status"],
    ),
    "MedicalRecord": _obj(
        {"id": {"type": "string", "format": "uuid"}, "petId": {"type": "string"}}, ["id"]
    ),
    "Weather": _obj(
        {
            "petId": {"type": "string"},
            "location": {"type": "string"},
            "temperatureC": {"type": "number"},
            "conditions": {"type": "string", "enum": CONDITIONS},
            "humidity": {"type": "integer", "minimum": 0, "maximum": 100},
            "forecast": {
                "type": "array",
                "items": _obj(
                    {
                        "date": {"type": "string", "format": "date"},
                        "highC": {"type": "number"},
                        "lowC": {"type": "number"},
                        "conditions": {"type": "string", "enum": CONDITIONS},
                    },
                    ["date", "highC", "lowC", "conditions"],
                ),
            },
        },
        ["petId", "temperatureC", "conditions"],
    ),
    "Recommendations": _obj(
        {
            "petId": {"type": "string"},
            "species": {"anyOf": [ref("schemas", "Species"), {"type": "null"}]},
            "age": {"type": ["integer", "null"]},
            "lifeStage": {"type": ["string", "null"]},
            "food": strings(),
            "toys": strings(),
            "careTips": strings(),
        },
        ["petId", "food", "toys", "careTips"],
    ),
    "MaintenanceState": _obj(
        {
            "enabled": {"type": "boolean"},
            "retryAfter": {"type": "integer", "minimum": 1, "maximum": 86400},
            "detail": {"type": "string", "minLength": 1, "maxLength": 500},
        },
        ["enabled", "retryAfter", "detail"],
    ),
    "MaintenanceUpdate": _obj(
        {
            "enabled": {"type": "boolean"},
            "retryAfter": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 300},
            "detail": text(500),
        },
        ["enabled"],
        closed=True,
    ),
    "Health": _obj({"status": {"type": "string"}}, ["status"]),
    "Readiness": _obj(
        {
            "status": {"type": "string", "const": "ready"},
            "checks": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        ["status", "checks"],
    ),
    "ProblemTypeInfo": _obj(
        {
            "type": {"type": "string", "format": "uri"},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "description": {"type": "string"},
            "advice": {"type": "string"},
            "example": ref("schemas", "Problem"),
        },
        ["type", "slug", "title", "status", "description", "advice", "example"],
    ),
}
