"""The session API: create, list, read, end, and the journal (scope ``faults``; admin too)."""

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from gateway.context import SETTINGS, VERIFIER
from gateway.sessions import presets
from gateway.sessions.errors import SessionsFull, SubjectTaken
from gateway.sessions.index import now_ms
from gateway.sessions.journal import read_view
from gateway.sessions.live import LiveSession
from gateway.sessions.model import MAX_SEED, SessionSpec, parse_rules, parse_spec, rule_json
from gateway.sessions.runtime import FAULTS, HEADER, ID_PATTERN, SCOPE, unavailable
from gateway.sessions.store import FULL, MAX_LIVE
from gateway.storage import StorageUnavailable
from service_kit import auth
from service_kit.bodies import read_json_object
from service_kit.jsonutil import json_response
from service_kit.methods import describe_options
from service_kit.problems import FieldError, NotFound, ValidationFailed

BASE = "/admin/fault-sessions"
INTERNAL = ("createdMs", "expiresMs")


def _authorize(request: web.Request) -> None:
    auth.require_scope(auth.authenticate(request, request.app[VERIFIER]), SCOPE)


def _rfc3339(ms: int) -> str:
    return (
        datetime.fromtimestamp(ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def public(doc: dict[str, Any], fired: dict[str, int] | None = None) -> dict[str, Any]:
    """The session as the API shows it; with ``fired``, a counter on every step."""
    out = {k: v for k, v in doc.items() if k not in INTERNAL}
    if fired is not None:
        out["rules"] = [
            {
                **rule,
                "steps": [
                    {**step, "fired": fired.get(f"{r}.{s}", 0)}
                    for s, step in enumerate(rule["steps"])
                ],
            }
            for r, rule in enumerate(doc["rules"])
        ]
    return out


def _document(request: web.Request, spec: SessionSpec) -> dict[str, Any]:
    errors = request.app[FAULTS].routes(request.app).check(spec.rules)
    rules = []
    if spec.preset is not None:
        if spec.preset in presets.PRESETS:
            rules = parse_rules(presets.preset_rules(spec.preset))
        else:
            names = ", ".join(presets.PRESETS)
            errors.append(FieldError("preset", f"No such preset; one of: {names}."))
    if not spec.rules and spec.preset is None:
        errors.append(FieldError("rules", "A session needs rules, a preset, or both."))
    if errors:
        raise ValidationFailed(errors, "The fault session has invalid fields.")
    created = now_ms()
    expires = created + spec.ttlSeconds * 1000
    session_id = "fs_" + uuid.uuid4().hex
    return {
        "id": session_id,
        "name": spec.name,
        "ttlSeconds": spec.ttlSeconds,
        "seed": spec.seed if spec.seed is not None else secrets.randbelow(MAX_SEED),
        "match": {"sub": spec.match.sub},
        "preset": spec.preset,
        "rules": [rule_json(rule) for rule in [*rules, *spec.rules]],
        "createdAt": _rfc3339(created),
        "expiresAt": _rfc3339(expires),
        "header": {HEADER: session_id},
        "createdMs": created,
        "expiresMs": expires,
    }


async def create_fault_session(request: web.Request) -> web.Response:
    _authorize(request)
    body = await read_json_object(request, request.app[SETTINGS].max_body_bytes)
    spec, errors = parse_spec(body)
    if spec is None:
        raise ValidationFailed(errors, "The fault session has invalid fields.")
    doc = _document(request, spec)
    faults = request.app[FAULTS]
    sub = spec.match.sub
    try:
        holder = await faults.store.create(doc, sub, doc["createdMs"])
    except StorageUnavailable:
        raise unavailable() from None
    if holder == FULL:
        raise SessionsFull(f"{MAX_LIVE} fault sessions are live already; end one first.")
    if holder is not None:
        raise SubjectTaken(f"The live fault session {holder} already matches sub '{sub}'.")
    faults.index.put(LiveSession.from_doc(doc))
    location = f"{BASE}/{doc['id']}"
    return json_response(public(doc, {}), status=201, headers={"Location": location})


async def list_fault_sessions(request: web.Request) -> web.Response:
    _authorize(request)
    store = request.app[FAULTS].store
    try:
        docs = await store.documents(await store.live_ids(now_ms()))
    except StorageUnavailable:
        raise unavailable() from None
    return json_response({"items": [public(doc) for doc in docs]})


async def existing_session(request: web.Request) -> dict[str, Any]:
    """The stored session the path names (the 401/403 and 404 of every session route)."""
    _authorize(request)
    session_id = request.match_info["session_id"]
    doc = None
    if ID_PATTERN.match(session_id):
        doc = await request.app[FAULTS].read_or_503(session_id)
    if doc is None:
        raise NotFound("No live fault session has this id (it may have ended or expired).")
    return doc


async def retrieve_fault_session(request: web.Request) -> web.Response:
    doc = await existing_session(request)
    faults = request.app[FAULTS]
    await faults.journal.flush(doc["id"])  # this replica's counts, before reading them
    try:
        fired = await faults.store.fired(doc["id"])
    except StorageUnavailable:
        raise unavailable() from None
    return json_response(public(doc, fired))


async def delete_fault_session(request: web.Request) -> web.Response:
    doc = await existing_session(request)
    faults = request.app[FAULTS]
    try:
        await faults.store.delete(doc["id"], (doc.get("match") or {}).get("sub"))
    except StorageUnavailable:
        raise unavailable() from None
    faults.index.drop(doc["id"])
    return web.Response(status=204)


async def retrieve_fault_journal(request: web.Request) -> web.Response:
    doc = await existing_session(request)
    faults = request.app[FAULTS]
    await faults.journal.flush(doc["id"])
    try:
        entries, seen = await faults.store.journal(doc["id"])
    except StorageUnavailable:
        raise unavailable() from None
    return json_response(read_view(entries, seen, faults.journal.cap))


async def describe_fault_session(request: web.Request) -> web.Response:
    """OPTIONS on a session, its journal or its report: what they allow while it lives,
    404 once it has ended (no token needed, as for any OPTIONS)."""
    session_id = request.match_info["session_id"]
    if (
        not ID_PATTERN.match(session_id)
        or await request.app[FAULTS].read_or_503(session_id) is None
    ):
        raise NotFound("No live fault session has this id (it may have ended or expired).")
    return await describe_options(request)


async def _session_options(app: web.Application) -> None:
    for resource in app.router.resources():
        if resource.canonical.startswith(BASE + "/{session_id}"):
            assert isinstance(resource, web.Resource)
            if all(route.method != "OPTIONS" for route in resource):
                resource.add_route("OPTIONS", describe_fault_session)


def setup_routes(app: web.Application) -> None:
    # Before the generic OPTIONS of every resource (added at start-up), which cannot know
    # that a session has ended.
    app.on_startup.insert(0, _session_options)
    router = app.router
    router.add_post(BASE, create_fault_session)
    router.add_get(BASE, list_fault_sessions, allow_head=False)
    router.add_get(BASE + "/{session_id}", retrieve_fault_session, allow_head=False)
    router.add_delete(BASE + "/{session_id}", delete_fault_session)
    router.add_get(BASE + "/{session_id}/journal", retrieve_fault_journal, allow_head=False)
