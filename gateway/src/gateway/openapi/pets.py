"""The pets collection and one pet."""

from gateway.openapi.base import JSON, Section, ref
from gateway.openapi.responses import json_body, ok, operation

UPSTREAM_ERRORS = (404, 502, 504)
WRITE_ERRORS = (400, 404, 413, 415, 422, 502, 504)


def section() -> Section:
    pet = ref("schemas", "Pet")
    return Section(
        paths={
            "/v1/pets": {
                "get": operation(
                    "listPets",
                    "A page of pets (cursor pagination, filters species and status)",
                    {
                        200: ok(
                            "A page of pets; `Link: rel=next` when there is more.",
                            ref("schemas", "PetPage"),
                            "Link",
                        )
                    },
                    errors=(400, 422, 502, 504),
                    params=("Limit", "Cursor", "SpeciesFilter", "StatusFilter"),
                ),
                "post": operation(
                    "createPet",
                    "Create a pet",
                    {201: ok("Created.", pet, "Location", "ETag", "Idempotent-Replayed")},
                    errors=(400, 409, 413, 415, 422, 502, 504),
                    body=json_body("PetCreate"),
                    params=("IdempotencyKey",),
                ),
            },
            "/v1/pets/{petId}": {
                "parameters": [ref("parameters", "PetId")],
                "get": operation(
                    "retrievePet",
                    "One pet",
                    {
                        200: ok("The pet.", pet, "ETag"),
                        304: ok("Not modified (If-None-Match matched).", None, "ETag"),
                    },
                    errors=(400, *UPSTREAM_ERRORS),
                    params=("IfNoneMatch",),
                ),
                "put": operation(
                    "replacePet",
                    "Replace a pet",
                    {200: ok("Replaced; `updatedAt` is new.", pet, "ETag")},
                    errors=(*WRITE_ERRORS, 409),
                    body=json_body("PetReplace"),
                    params=("IfMatch",),
                ),
                "patch": operation(
                    "updatePet",
                    "Change a pet (JSON merge patch, RFC 7396)",
                    {200: ok("Updated.", pet, "ETag")},
                    errors=(*WRITE_ERRORS, 409),
                    body=json_body("PetMergePatch", "application/merge-patch+json", JSON),
                    params=("IfMatch",),
                ),
                "delete": operation(
                    "deletePet",
                    "Delete a pet (needs write:pets)",
                    {204: ok("Deleted; no body.", None)},
                    errors=(400, 409, *UPSTREAM_ERRORS),
                    params=("IfMatch",),
                ),
            },
        }
    )
