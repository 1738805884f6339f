"""The web console: its page, the live feed of exchanges, the stubs' faults via the gateway."""

from gateway.openapi.base import JSON, Schema, Section
from gateway.openapi.responses import admin_operation, headers, ok, problem
from service_kit.faults.spec import PARAMS, Mode

_ANY = {"type": "object"}


def fault_spec_schema() -> Schema:
    """The stubs' fault spec, one alternative per mode, from the stubs' own parameter table."""
    alternatives = []
    for mode in Mode:
        properties: dict[str, Schema] = {"mode": {"const": mode.value}}
        for name, param in PARAMS.items():
            if mode in param.modes:
                value: Schema = {
                    "type": "integer" if param.integer else "number",
                    "minimum": param.low,
                    "maximum": param.high,
                }
                properties[name] = {"oneOf": [value, {"type": "null"}]} if param.nullable else value
        alternatives.append(
            {
                "type": "object",
                "required": ["mode"],
                "properties": properties,
                "additionalProperties": False,
            }
        )
    return {"oneOf": alternatives}


def _fault_state() -> Schema:
    return ok("The stub's fault state (as its own GET /admin/faults).", _ANY, rate=False)


def section() -> Section:
    page = {
        "description": "A page or one of its files (HTML, CSS, JavaScript).",
        "headers": headers((), rate=False),
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
    events = {
        "description": "Server-sent events: one `exchange` event per /v1 answer, "
        "`{at, method, path, status, durationMs, fault, session}`; the recent ones first.",
        "headers": headers((), rate=False),
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
    name = {
        "name": "name",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": ["weather", "recommendations"]},
    }
    asset = {"name": "asset", "in": "path", "required": True, "schema": {"type": "string"}}
    upstreams = ok("Each stub's fault state, and every fault mode with its parameters.", _ANY)
    upstreams["headers"] = headers((), rate=False)
    return Section(
        paths={
            "/console": {
                "get": {
                    "operationId": "retrieveConsole",
                    "summary": "The web console (the page asks for an admin token)",
                    "security": [],
                    "responses": {"200": page},
                }
            },
            "/console/{asset}": {
                "parameters": [asset],
                "get": {
                    "operationId": "retrieveConsoleAsset",
                    "summary": "One of the console's files",
                    "security": [],
                    "responses": {"200": page, "404": problem(404, rate=False)},
                },
            },
            "/admin/events": {
                "get": admin_operation(
                    "streamExchanges",
                    "The live feed of the gateway's exchanges (scope faults; admin implies it)",
                    {200: events},
                    errors=(429,),
                    scope="faults",
                )
            },
            "/admin/upstreams": {
                "get": admin_operation(
                    "listUpstreamFaults", "Each stub's fault state (admin)", {200: upstreams}
                )
            },
            "/admin/upstreams/{name}/faults": {
                "parameters": [name],
                "get": admin_operation(
                    "retrieveUpstreamFault",
                    "One stub's fault state (admin)",
                    {200: _fault_state()},
                    errors=(404, 502),
                ),
                "put": admin_operation(
                    "replaceUpstreamFault",
                    "Set one stub's fault (admin); mode healthy clears it",
                    {200: _fault_state()},
                    errors=(400, 404, 413, 415, 422, 502),
                    body={"required": True, "content": {JSON: {"schema": fault_spec_schema()}}},
                ),
            },
        }
    )
