"""GET /admin/fault-presets and GET /admin/fault-sessions/{id}/report (scope `faults`)."""

import asyncio

from aiohttp import web

from gateway.context import VERIFIER
from gateway.sessions import report
from gateway.sessions.journal import read_view
from gateway.sessions.presets import presets_document
from gateway.sessions.runtime import FAULTS, ID_PATTERN, SCOPE, unavailable
from gateway.storage import StorageUnavailable
from service_kit import auth
from service_kit.jsonutil import json_response
from service_kit.problems import NotFound

BASE = "/admin/fault-sessions"


def _authorize(request: web.Request) -> None:
    auth.require_scope(auth.authenticate(request, request.app[VERIFIER]), SCOPE)


async def list_fault_presets(request: web.Request) -> web.Response:
    _authorize(request)
    return json_response(presets_document())


async def retrieve_fault_report(request: web.Request) -> web.Response:
    _authorize(request)
    session_id = request.match_info["session_id"]
    faults = request.app[FAULTS]
    doc = await faults.read_or_503(session_id) if ID_PATTERN.match(session_id) else None
    if doc is None:
        raise NotFound("No live fault session has this id (it may have ended or expired).")
    await faults.journal.flush(session_id)  # this replica's entries, before grading them
    try:
        entries, seen = await faults.store.journal(session_id)
    except StorageUnavailable:
        raise unavailable() from None
    journal = read_view(entries, seen, faults.journal.cap)
    # Grading a full journal takes some ms of CPU: off the event loop, which serves on.
    graded = await asyncio.to_thread(report.grade, entries)
    body = {"id": session_id, "truncated": journal["truncated"], **graded}
    return json_response(body)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/admin/fault-presets", list_fault_presets, allow_head=False)
    app.router.add_get(BASE + "/{session_id}/report", retrieve_fault_report, allow_head=False)
