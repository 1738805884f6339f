"""The schemas of the session API: the request document as exact as the model that checks it.

The field schemas come from the pydantic models; what a field schema cannot say is spelled
here the way the model decides it: a step has exactly one action (with ``retryAfter`` only
beside ``respond``, ``jitterMs`` only beside ``latencyMs``), a rule names a route of the
API, and a session needs rules or a known preset. That a rule's method is one its route
serves is said in words (the fuzzer's hooks follow it).
"""

from typing import Any

from gateway.openapi.base import Schema, ref
from gateway.sessions.model import ACTIONS, Rule, SessionSpec, Step
from gateway.sessions.presets import PRESETS

_TEMPLATE = "#/components/schemas/Fault{model}"
_NULLABLE_STRING: Schema = {"type": ["string", "null"]}
COMPANIONS = {"respond": ("retryAfter",), "latencyMs": ("jitterMs",)}
FLAGS = ("truncate", "garbage", "pass")  # actions written as `true`


def _plain(schema: Schema) -> Schema:
    """A field schema without the null that only marks the field optional in the model."""
    options = [s for s in schema.get("anyOf", ()) if s != {"type": "null"}]
    if len(options) == 1:
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        return {**options[0], **rest}
    return schema


def _step(fields: dict[str, Schema]) -> Schema:
    common = {name: fields[name] for name in ("times", "probability")}
    branches = []
    for action in ACTIONS:
        own = {"const": True} if action in FLAGS else _plain(fields[action])
        props = {action: own, **{c: _plain(fields[c]) for c in COMPANIONS.get(action, ())}}
        branches.append(
            {
                "type": "object",
                "required": [action],
                "properties": {**props, **common},
                "additionalProperties": False,
            }
        )
    return {"description": Step.__doc__, "oneOf": branches}


def _rule(routes: dict[str, list[str]], schema: Schema) -> Schema:
    """The model's rule, its route one of the API's; the method must be one that route
    serves (or `*`), which the description says and the model checks."""
    props = dict(schema["properties"])
    props["route"] = {"enum": ["*", *routes], "default": "*"}
    served = "; ".join(f"{path}: {', '.join(methods)}" for path, methods in routes.items())
    props["method"] = {
        **props["method"],
        "description": f"`*`, or a method the route serves ({served}).",
    }
    return {**{k: v for k, v in schema.items() if k != "$defs"}, "properties": props}


def request_schemas(routes: dict[str, list[str]]) -> dict[str, Schema]:
    """FaultSessionCreate and its parts; ``routes``: each /v1 template and its methods."""
    spec: dict[str, Any] = SessionSpec.model_json_schema(ref_template=_TEMPLATE)
    defs: dict[str, Schema] = spec.pop("$defs")
    out = {f"Fault{name}": schema for name, schema in defs.items()}
    out["FaultStep"] = _step(defs["Step"]["properties"])
    out["FaultRule"] = _rule(routes, Rule.model_json_schema(ref_template=_TEMPLATE))
    props = spec["properties"]
    props["preset"] = {"enum": [*PRESETS, None], "default": None}
    spec["anyOf"] = [
        {"required": ["rules"], "properties": {"rules": {"minItems": 1}}},
        {"required": ["preset"], "properties": {"preset": {"type": "string"}}},
    ]
    out["FaultSessionCreate"] = spec
    return out


def response_schemas() -> dict[str, Schema]:
    step = {"type": "object", "properties": {"fired": {"type": "integer", "minimum": 0}}}
    rule = {
        "type": "object",
        "required": ["method", "route", "steps", "then"],
        "properties": {
            "method": {"type": "string"},
            "route": {"type": "string"},
            "steps": {"type": "array", "items": step},
            "then": {"type": "string", "enum": ["pass", "repeat", "hold"]},
        },
    }
    return {
        "FaultSession": {
            "type": "object",
            "required": ["id", "createdAt", "expiresAt", "header", "rules", "seed", "ttlSeconds"],
            "properties": {
                "id": {"type": "string"},
                "name": _NULLABLE_STRING,
                "ttlSeconds": {"type": "integer", "minimum": 1, "maximum": 86400},
                "seed": {"type": "integer", "minimum": 0},
                "match": {"type": "object", "properties": {"sub": _NULLABLE_STRING}},
                "preset": _NULLABLE_STRING,
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
        "FaultSessionList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": ref("schemas", "FaultSession")}},
        },
        "FaultJournal": {
            "type": "object",
            "required": ["entries", "truncated"],
            "properties": {
                "entries": {"type": "array", "items": _entry()},
                "truncated": {"type": "boolean"},
            },
        },
        "FaultReport": _report(),
        "FaultPresetList": _presets(),
    }


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


def _presets() -> Schema:
    return {
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
                        "rules": {"type": "array", "items": {"type": "object"}},
                    },
                },
            }
        },
    }
