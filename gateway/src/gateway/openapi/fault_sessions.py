"""Fault sessions: client-scoped faults on any /v1 route and the journal (scope faults)."""

from gateway.openapi.base import Schema, Section, ref
from gateway.openapi.responses import admin_operation, json_body, ok
from gateway.sessions.model import SessionSpec

_ID: Schema = {
    "name": "sessionId",
    "in": "path",
    "required": True,
    "description": "The session's id (also the Fault-Session header's value).",
    "schema": {"type": "string", "pattern": "^fs_[0-9a-f]{32}$"},
}
_NULLABLE_STRING: Schema = {"type": ["string", "null"]}


def _schemas() -> dict[str, Schema]:
    """The request document from its model; the answers add what the gateway sets."""
    spec = SessionSpec.model_json_schema(ref_template="#/components/schemas/Fault{model}")
    schemas = {f"Fault{name}": schema for name, schema in spec.pop("$defs").items()}
    schemas["FaultSessionCreate"] = spec
    step_fired = {"allOf": [ref("schemas", "FaultStep"), _fired()]}
    rule = {
        "allOf": [
            ref("schemas", "FaultRule"),
            {"properties": {"steps": {"type": "array", "items": step_fired}}},
        ]
    }
    schemas["FaultSession"] = {
        "allOf": [
            ref("schemas", "FaultSessionCreate"),
            {
                "type": "object",
                "required": ["id", "createdAt", "expiresAt", "header", "rules", "seed"],
                "properties": {
                    "id": {"type": "string"},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "expiresAt": {"type": "string", "format": "date-time"},
                    "header": {
                        "type": "object",
                        "required": ["Fault-Session"],
                        "properties": {"Fault-Session": {"type": "string"}},
                    },
                    "rules": {"type": "array", "items": rule},
                },
            },
        ]
    }
    schemas["FaultSessionList"] = {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": ref("schemas", "FaultSession")}},
    }
    schemas["FaultJournal"] = {
        "type": "object",
        "required": ["entries", "truncated"],
        "properties": {
            "entries": {"type": "array", "items": _entry()},
            "truncated": {"type": "boolean"},
        },
    }
    schemas["FaultReport"] = _report()
    schemas["FaultPresetList"] = {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "description", "rules"],
                    "properties": {
                        "name": {"type": "string"},
                        "description": {"type": "string"},
                        "rules": {"type": "array", "items": ref("schemas", "FaultRule")},
                    },
                },
            }
        },
    }
    return schemas


def _report() -> Schema:
    check = {
        "type": "object",
        "required": ["id", "verdict", "detail", "evidence"],
        "properties": {
            "id": {"type": "string"},
            "verdict": {"type": "string", "enum": ["passed", "failed", "not-exercised"]},
            "detail": {"type": "string"},
            "evidence": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        },
    }
    counts = {k: {"type": "integer", "minimum": 0} for k in ("passed", "failed", "notExercised")}
    return {
        "type": "object",
        "required": ["id", "truncated", "checks", "summary"],
        "properties": {
            "id": {"type": "string"},
            "truncated": {"type": "boolean"},
            "checks": {"type": "array", "items": check},
            "summary": {"type": "object", "required": list(counts), "properties": counts},
        },
    }


def _fired() -> Schema:
    return {"properties": {"fired": {"type": "integer", "minimum": 0}}}


def _entry() -> Schema:
    strings = dict.fromkeys(
        ("idempotencyKey", "ifMatch", "ifNoneMatch", "bodySha256"), _NULLABLE_STRING
    )
    return {
        "type": "object",
        "properties": {
            "seq": {"type": "integer", "minimum": 1},
            "at": {"type": "string", "format": "date-time"},
            "t": {"type": "integer"},
            "method": {"type": "string"},
            "path": {"type": "string"},
            "route": _NULLABLE_STRING,
            "status": {"type": "integer", "description": "0: dropped, or the client left"},
            "durationMs": {"type": "integer", "minimum": 0},
            "fault": _NULLABLE_STRING,
            "request": {"type": "object", "properties": strings},
            "response": {
                "type": "object",
                "properties": {
                    "retryAfter": {"type": ["integer", "null"]},
                    "etag": _NULLABLE_STRING,
                    "location": _NULLABLE_STRING,
                },
            },
            "clientClosed": {"type": "boolean"},
        },
    }


def section() -> Section:
    session = ref("schemas", "FaultSession")
    created = ok("The session, as stored.", session, "Location", rate=False)

    def op(
        op_id: str,
        summary: str,
        responses: dict[int | str, Schema],
        errors: tuple[int, ...] = (),
        body: Schema | None = None,
    ) -> Schema:
        return admin_operation(op_id, summary, responses, errors=errors, body=body, scope="faults")

    one = {"parameters": [ref("parameters", "FaultSessionId")]}
    return Section(
        paths={
            "/admin/fault-sessions": {
                "post": op(
                    "createFaultSession",
                    "Start a fault session",
                    {201: created},
                    errors=(400, 409, 413, 415, 422),
                    body=json_body("FaultSessionCreate"),
                ),
                "get": op(
                    "listFaultSessions",
                    "The live fault sessions",
                    {200: ok("The live sessions.", ref("schemas", "FaultSessionList"), rate=False)},
                ),
            },
            "/admin/fault-sessions/{sessionId}": one
            | {
                "get": op(
                    "retrieveFaultSession",
                    "A session, with a fired count on every step",
                    {200: ok("The session.", session, rate=False)},
                    errors=(404,),
                ),
                "delete": op(
                    "deleteFaultSession",
                    "End a session (its journal goes with it)",
                    {204: {"description": "Ended."}},
                    errors=(404,),
                ),
            },
            "/admin/fault-sessions/{sessionId}/report": one
            | {
                "get": op(
                    "retrieveFaultReport",
                    "The grade of the client on the session's journal",
                    {200: ok("The report.", ref("schemas", "FaultReport"), rate=False)},
                    errors=(404,),
                ),
            },
            "/admin/fault-presets": {
                "get": op(
                    "listFaultPresets",
                    "The named fault scripts a session can start from",
                    {200: ok("The presets.", ref("schemas", "FaultPresetList"), rate=False)},
                ),
            },
            "/admin/fault-sessions/{sessionId}/journal": one
            | {
                "get": op(
                    "retrieveFaultJournal",
                    "Every exchange of the session, oldest first",
                    {200: ok("The journal.", ref("schemas", "FaultJournal"), rate=False)},
                    errors=(404,),
                ),
            },
        },
        schemas=_schemas(),
        parameters={"FaultSessionId": _ID},
    )
