"""The OpenAPI 3.1 document of the whole public API, as served at /openapi.json."""

from typing import Any

from gateway.openapi_schemas import HEADERS, RATE_HEADERS, SCHEMAS, Schema, ref

PROBLEM_JSON = "application/problem+json"
JSON = "application/json"

# (status, description, extra headers, required extension members)
_PROBLEMS: dict[int, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    400: ("Unparseable request: bad JSON, a query parameter of the wrong type.", (), ("errors",)),
    401: ("Missing, malformed, expired or badly signed token.", ("WWW-Authenticate",), ()),
    403: (
        "The token lacks the scope (`requiredScope`) or identity.",
        ("WWW-Authenticate",),
        ("requiredScope",),
    ),
    404: ("No such resource.", (), ()),
    409: ("Conflict: the id exists, or If-Match is stale (`currentVersion`).", (), ()),
    413: ("The body is larger than MAX_BODY_BYTES.", (), ()),
    415: ("The body is not application/json.", (), ()),
    422: ("Validation failed: every failing field is in `errors`.", (), ("errors",)),
    429: ("Rate limit exceeded.", ("Retry-After",), ("retryAfter",)),
    500: ("Unexpected error; the detail is generic and `traceId` identifies it.", (), ()),
    502: (
        "An upstream failed (5xx, reset, refused, malformed); its body is never passed on.",
        (),
        (),
    ),
    503: (
        "Maintenance, an open circuit, or a dependency asked to back off.",
        ("Retry-After",),
        ("retryAfter",),
    ),
    504: ("An upstream did not answer within the route's deadline.", (), ()),
}


def _headers(names: tuple[str, ...], *, rate: bool, required: tuple[str, ...] = ()) -> Schema:
    all_names = ("X-Request-ID", *names, *(RATE_HEADERS if rate else ()))
    return {
        name: {**ref("headers", name), **({"required": True} if name in required else {})}
        if name in required
        else ref("headers", name)
        for name in all_names
    }


def problem(status: int, *, rate: bool = True) -> Schema:
    description, extra, members = _PROBLEMS[status]
    schema: Schema = ref("schemas", "Problem")
    if members:
        schema = {"allOf": [schema, {"required": list(members)}]}
    return {
        "description": description,
        "headers": _headers(extra, rate=rate and status != 503, required=extra),
        "content": {PROBLEM_JSON: {"schema": schema}},
    }


def ok(description: str, schema: Schema | None, *headers: str, rate: bool = True) -> Schema:
    response: Schema = {"description": description, "headers": _headers(headers, rate=rate)}
    if schema is not None:
        response["content"] = {JSON: {"schema": schema}}
    return response


def _json_body(name: str, *types: str) -> Schema:
    return {
        "required": True,
        "content": {t: {"schema": ref("schemas", name)} for t in types or (JSON,)},
    }


def _stub_refused() -> Schema:
    return {
        "description": "The service behind the route refused the request: its 4xx status.",
        "headers": _headers((), rate=True),
        "content": {PROBLEM_JSON: {"schema": ref("schemas", "Problem")}},
    }


def operation(
    op_id: str,
    summary: str,
    responses: dict[int | str, Schema],
    *,
    errors: tuple[int, ...] = (),
    body: Schema | None = None,
    params: tuple[str, ...] = (),
) -> Schema:
    """A /v1 operation: every status the gateway itself may answer is added to ``errors``."""
    codes = sorted({401, 403, 429, 500, 503, *errors})
    op: Schema = {
        "operationId": op_id,
        "summary": summary,
        "security": [{"bearerAuth": []}],
        "responses": {str(k): v for k, v in responses.items()}
        | {str(code): problem(code) for code in codes},
    }
    if params:
        op["parameters"] = [ref("parameters", p) for p in params]
    if body is not None:
        op["requestBody"] = body
    return op


# RFC 9110 If-Match / If-None-Match: `*`, or a comma-separated list of (weak) entity tags.
_TAG = r'(W/)?"[\x21\x23-\x7E]*"'
ENTITY_TAGS = rf"^(\*|{_TAG}([ \t]*,[ \t]*{_TAG})*)$"
# 1-255 visible ASCII characters, spaces inside, optionally as a quoted string (not `""`).
IDEMPOTENCY_KEY = (
    r"^([\x21-\x7E]|[\x21\x23-\x7E][\x20-\x7E]{0,253}[\x21-\x7E]"
    r'|"[\x20-\x7E]{0,253}[\x21\x23-\x7E]|"[\x20-\x7E]{1,253}")$'
)

_UPSTREAM = (404, 502, 504)
_WRITE = (400, 404, 413, 415, 422, 502, 504)


def _paths() -> dict[str, Any]:
    pet = ref("schemas", "Pet")
    return {
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
                {
                    201: ok("Created.", pet, "Location", "ETag", "Idempotent-Replayed"),
                },
                errors=(400, 409, 413, 415, 422, 502, 504),
                body=_json_body("PetCreate"),
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
                errors=(400, *_UPSTREAM),
                params=("IfNoneMatch",),
            ),
            "put": operation(
                "replacePet",
                "Replace a pet",
                {200: ok("Replaced; `updatedAt` is new.", pet, "ETag")},
                errors=(*_WRITE, 409),
                body=_json_body("PetReplace"),
                params=("IfMatch",),
            ),
            "patch": operation(
                "updatePet",
                "Change a pet (JSON merge patch, RFC 7396)",
                {200: ok("Updated.", pet, "ETag")},
                errors=(*_WRITE, 409),
                body=_json_body("PetMergePatch", "application/merge-patch+json", JSON),
                params=("IfMatch",),
            ),
            "delete": operation(
                "deletePet",
                "Delete a pet (needs write:pets)",
                {204: ok("Deleted; no body.", None)},
                errors=(400, 409, *_UPSTREAM),
                params=("IfMatch",),
            ),
        },
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
                errors=_WRITE,
                body=_json_body("MedicalRecordCreate"),
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
                    )
                },
                errors=_UPSTREAM,
            ),
        },
        "/v1/medical-records/{recordId}": {
            "parameters": [ref("parameters", "RecordId")],
            "get": operation(
                "retrieveMedicalRecord",
                "The processed record",
                {200: ok("The record.", ref("schemas", "MedicalRecord"))},
                errors=_UPSTREAM,
            ),
        },
        "/v1/pets/{petId}/weather": {
            "parameters": [ref("parameters", "PetId")],
            "get": operation(
                "retrievePetWeather",
                "Weather where the pet lives (from the weather service, 2 s deadline)",
                {200: ok("The weather.", ref("schemas", "Weather")), "4XX": _stub_refused()},
                errors=(400, 422, *_UPSTREAM),
            ),
        },
        "/v1/pets/{petId}/recommendations": {
            "parameters": [ref("parameters", "PetId")],
            "get": operation(
                "retrievePetRecommendations",
                "Food, toys and care tips (from the recommendations service, 1 s deadline)",
                {
                    200: ok("The recommendations.", ref("schemas", "Recommendations")),
                    "4XX": _stub_refused(),
                },
                errors=(400, 422, *_UPSTREAM),
            ),
        },
        "/v1/users/{userId}/preferences": {
            "parameters": [ref("parameters", "UserId")],
            "get": operation(
                "retrievePreferences",
                "A user's preferences (the user themself, or admin)",
                {200: ok("The preferences.", ref("schemas", "Preferences"))},
                errors=_UPSTREAM,
            ),
            "put": operation(
                "replacePreferences",
                "Replace a user's preferences (the user themself, or admin)",
                {204: ok("Saved; no body.", None)},
                errors=(400, 413, 415, 422, 502, 504),
                body=_json_body("Preferences"),
            ),
        },
        **_admin_paths(),
        **_public_paths(),
    }


def _admin_op(op_id: str, summary: str, body: Schema | None = None) -> Schema:
    op: Schema = {
        "operationId": op_id,
        "summary": summary,
        "security": [{"bearerAuth": ["admin"]}],
        "responses": {
            "200": ok("The maintenance state.", ref("schemas", "MaintenanceState"), rate=False),
            **{
                str(code): problem(code, rate=False)
                for code in (
                    (400, 401, 403, 413, 415, 422, 500, 503) if body else (401, 403, 500, 503)
                )
            },
        },
    }
    if body is not None:
        op["requestBody"] = body
    return op


def _admin_paths() -> dict[str, Any]:
    return {
        "/admin/maintenance": {
            "get": _admin_op("retrieveMaintenance", "The maintenance state (admin)"),
            "put": _admin_op(
                "updateMaintenance",
                "Switch maintenance mode (admin); every replica follows within a second",
                _json_body("MaintenanceUpdate"),
            ),
        }
    }


def _public(op_id: str, summary: str, responses: dict[int, Schema]) -> Schema:
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "security": [],
            "responses": {str(k): v for k, v in responses.items()},
        }
    }


def _public_paths() -> dict[str, Any]:
    html = {"text/html": {"schema": {"type": "string"}}}
    page = {"description": "An HTML page.", "headers": _headers((), rate=False), "content": html}
    problems_list = {
        "description": "Every problem type (HTML, or JSON with `Accept: application/json`).",
        "headers": _headers((), rate=False),
        "content": {
            **html,
            JSON: {"schema": {"type": "array", "items": ref("schemas", "ProblemTypeInfo")}},
        },
    }
    return {
        "/healthz": _public(
            "healthz", "Alive", {200: ok("Alive.", ref("schemas", "Health"), rate=False)}
        ),
        "/readyz": _public(
            "readyz",
            "Redis and the pets service answer",
            {
                200: ok("Ready.", ref("schemas", "Readiness"), rate=False),
                503: problem(503, rate=False),
            },
        ),
        "/metrics": _public(
            "metrics",
            "Prometheus metrics",
            {
                200: {
                    "description": "Prometheus text format.",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
        ),
        "/problems": _public("listProblemTypes", "Every problem type", {200: problems_list}),
        "/problems/{slug}": {
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            **_public(
                "retrieveProblemType",
                "The page of one problem type",
                {
                    200: {
                        **problems_list,
                        "description": "The problem type's page.",
                        "content": {**html, JSON: {"schema": ref("schemas", "ProblemTypeInfo")}},
                    },
                    404: problem(404, rate=False),
                },
            ),
        },
        "/openapi.json": _public(
            "openapi",
            "This document",
            {200: ok("The OpenAPI document.", {"type": "object"}, rate=False)},
        ),
        "/docs": _public("docs", "A readable view of this document", {200: page}),
    }


def _parameters() -> dict[str, Any]:
    def path(name: str, schema: Schema, description: str) -> Schema:
        return {
            "name": name,
            "in": "path",
            "required": True,
            "schema": schema,
            "description": description,
        }

    def query(name: str, schema: Schema, description: str) -> Schema:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "schema": schema,
            "description": description,
        }

    def header(name: str, description: str, schema: Schema | None = None) -> Schema:
        return {
            "name": name,
            "in": "header",
            "required": False,
            "schema": schema or {"type": "string"},
            "description": description,
        }

    uuid = {"type": "string", "format": "uuid"}
    return {
        "PetId": path("petId", uuid, "The pet's id (a UUID)."),
        "RecordId": path("recordId", uuid, "The medical record's id (a UUID)."),
        "UserId": path(
            "userId",
            {"type": "string", "minLength": 1, "maxLength": 128},
            "The user id (the token's `sub`).",
        ),
        "Limit": query(
            "limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Page size."
        ),
        "Cursor": query(
            "cursor",
            {"type": "string", "pattern": "^[A-Za-z0-9_-]{22}$"},
            "`nextCursor` of the previous page.",
        ),
        "SpeciesFilter": query("species", ref("schemas", "Species"), "Only this species."),
        "StatusFilter": query("status", ref("schemas", "PetStatus"), "Only this status."),
        "IfMatch": header(
            "If-Match",
            'Entity tag of the version you changed, e.g. `"3"` (or `*`, or a list); '
            "a malformed one is 400.",
            {"type": "string", "pattern": ENTITY_TAGS},
        ),
        "IfNoneMatch": header(
            "If-None-Match",
            "Entity tag you hold; 304 when it is current. A malformed one is 400.",
            {"type": "string", "pattern": ENTITY_TAGS},
        ),
        "IdempotencyKey": header(
            "Idempotency-Key",
            "Same key, same body: the first answer again. 1-255 visible ASCII characters "
            "(spaces inside), optionally in double quotes; a malformed one is 400.",
            {"type": "string", "pattern": IDEMPOTENCY_KEY},
        ),
    }


def document(type_base: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Petstore status-code suite API",
            "version": "1.0.0",
            "description": (
                "Every error is `application/problem+json` (RFC 9457) whose `type` resolves to "
                f"a page under {type_base}. Every /v1 request: maintenance (503) → token → "
                "rate limit (429) → 401 → 403 → routing (404/405) → handler. Rate limit: a "
                "fixed window per token subject (per client IP without a valid token). "
                "Integers in bodies are written without a fraction or exponent (3, not 3.0), "
                "else 422."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "headers": HEADERS,
            "parameters": _parameters(),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "HS256 JWT: iss petstore, aud petstore-api, "
                    "scope read:pets / write:pets / admin.",
                },
            },
        },
    }
