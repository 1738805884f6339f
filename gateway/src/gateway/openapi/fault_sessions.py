"""Fault sessions: client-scoped faults on any /v1 route and the journal (scope faults)."""

from gateway.openapi.base import Schema, Section, ref
from gateway.openapi.fault_schemas import request_schemas, response_schemas
from gateway.openapi.responses import admin_operation, headers, json_body, ok, problem

_ID: Schema = {
    "name": "sessionId",
    "in": "path",
    "required": True,
    "description": "The session's id (also the Fault-Session header's value).",
    "schema": {"type": "string", "pattern": "^fs_[0-9a-f]{32}$"},
}


def _routes() -> dict[str, list[str]]:
    """Every /v1 path template of the document and its methods (what a rule may name)."""
    from gateway.openapi import SECTIONS  # the other sections, built when the document is

    routes: dict[str, list[str]] = {}
    for build in SECTIONS:
        if build is section:
            continue
        for path, item in build().paths.items():
            if path.startswith("/v1/"):
                methods = [m.upper() for m in item if m not in ("parameters", "head", "options")]
                routes[path] = methods
    return routes


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

    def options(op_id: str, allow: str) -> Schema:
        """Unlike other resources' OPTIONS, a session's tells whether it still lives."""
        return {
            "operationId": op_id,
            "summary": f"The methods while the session lives (Allow: {allow})",
            "security": [],
            "responses": {
                "204": {
                    "description": f"No body; `Allow: {allow}`.",
                    "headers": headers(("Allow",), rate=False),
                },
                "404": problem(404, rate=False),
            },
        }

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
                "options": options("describeFaultSession", "GET, HEAD, DELETE"),
            },
            "/admin/fault-sessions/{sessionId}/report": one
            | {
                "get": op(
                    "retrieveFaultReport",
                    "The grade of the client on the session's journal",
                    {200: ok("The report.", ref("schemas", "FaultReport"), rate=False)},
                    errors=(404,),
                ),
                "options": options("describeFaultReport", "GET, HEAD"),
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
                "options": options("describeFaultJournal", "GET, HEAD"),
            },
        },
        schemas=request_schemas(_routes()) | response_schemas(),
        parameters={"FaultSessionId": _ID},
    )
