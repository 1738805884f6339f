"""The middleware's hook: which session a /v1 request belongs to, and its journal entry.

``fault_session(request)`` is all a request of no session pays: one header lookup and one
truthiness test. Otherwise the ``Exchange`` runs the gate itself, so that the gate's own
answers (401, 403, 429, maintenance) are journaled too; faults apply only once the gate and
the routing let the request through.
"""

import hashlib
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.context import SETTINGS, VERIFIER
from gateway.sessions.apply import serve
from gateway.sessions.index import now_ms
from gateway.sessions.live import LiveSession
from gateway.sessions.responses import Recorded
from gateway.sessions.runtime import FAULTS, HEADER, FaultSessions, unavailable, unknown_session
from gateway.storage import StorageUnavailable
from service_kit import auth
from service_kit.bodies import RAW_BODY, read_body
from service_kit.middleware import render_error
from service_kit.problems import Problem

Gate = Callable[[web.Request], Awaitable[None]]


def fault_session(request: web.Request) -> "Exchange | None":
    """None for a request that can belong to no session (the common case, no I/O), and for
    every request when fault sessions are turned off (``FAULT_SESSIONS_ENABLED=false``)."""
    faults = request.app.get(FAULTS)
    if faults is None:
        return None
    header = request.headers.get(HEADER)
    if header is None and not faults.index.subs:
        return None
    return Exchange(faults, request, header)


class Exchange:
    """One request of a (possible) session, from the gate to the last byte of its answer."""

    def __init__(self, faults: FaultSessions, request: web.Request, header: str | None) -> None:
        self.faults = faults
        self.request = request
        self.header = header
        self.started = time.monotonic()
        self.at_ms = now_ms()
        self.session: LiveSession | None = None
        self.seq = 0
        self.fault: str | None = None
        self.route: str | None = None

    async def admit(self, gate: Gate, handler: Handler) -> Handler:
        """Run the gate; the handler that answers this request (``handler`` itself when the
        request belongs to no session)."""
        request = self.request
        self.route = self.faults.routes(request.app).template_of(request)
        try:
            await gate(request)
        except Problem as exc:
            session = await self._session(answered=True)
            if session is None:
                raise
            return partial(self._recorded, session, render_error(request, exc))
        session = await self._session(answered=self.route is None)
        if session is None:
            return handler
        return partial(serve, self, session, handler)

    async def _session(self, *, answered: bool) -> LiveSession | None:
        """The request's session. When the gate or the routing has answered already, a
        header naming no session leaves that answer alone instead of a 400."""
        faults = self.faults
        if self.header is not None:
            if answered:
                return faults.index.get(self.header)
            return await faults.by_header(self.header)
        token = auth.bearer_token(self.request)
        if token is None:
            return None
        try:
            principal = self.request.app[VERIFIER].verify(token)
        except auth.InvalidToken:
            return None
        return faults.index.by_sub(principal.sub)

    async def begin(self, session: LiveSession, rule: int | None) -> int:
        """Number the exchange in its session; the rule's count of matching requests."""
        try:
            began = await self.faults.store.begin(session.id, rule, session.expires_ms)
        except StorageUnavailable:
            raise unavailable() from None
        if began is None:  # ended on another replica since this one last looked
            self.faults.index.drop(session.id)
            raise unknown_session()
        self.session = session
        self.seq = began.seq
        return began.hits

    async def _recorded(
        self, session: LiveSession, response: web.Response, _: web.Request
    ) -> web.StreamResponse:
        await self.begin(session, None)
        return Recorded(response, self.done)

    async def body_digest(self) -> None:
        """Read the body now (the handler gets the same bytes) so the journal can hash it."""
        request = self.request
        if request.body_exists and RAW_BODY not in request:
            await read_body(request, request.app[SETTINGS].max_body_bytes)

    def done(self, status: int, client_closed: bool, response: web.StreamResponse | None) -> None:
        session = self.session
        if session is None:
            return
        self.faults.journal.record(
            session.id, session.expires_ms, self.entry(session, status, client_closed, response)
        )

    def entry(
        self,
        session: LiveSession,
        status: int,
        client_closed: bool,
        response: web.StreamResponse | None,
    ) -> dict[str, Any]:
        request = self.request
        headers = request.headers
        body = request.get(RAW_BODY)
        answer = response.headers if response is not None else {}
        retry_after = answer.get("Retry-After")
        return {
            "seq": self.seq,
            "at": datetime.fromtimestamp(self.at_ms / 1000, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "t": self.at_ms - session.created_ms,
            "method": request.method,
            "path": request.rel_url.raw_path_qs,
            "route": self.route,
            "status": status,
            "durationMs": round((time.monotonic() - self.started) * 1000),
            "fault": self.fault,
            "request": {
                "idempotencyKey": headers.get("Idempotency-Key"),
                "ifMatch": headers.get("If-Match"),
                "ifNoneMatch": headers.get("If-None-Match"),
                "bodySha256": hashlib.sha256(body).hexdigest() if body else None,
            },
            "response": {
                "retryAfter": int(retry_after) if retry_after and retry_after.isdigit() else None,
                "etag": answer.get("ETag"),
                "location": answer.get("Location"),
            },
            "clientClosed": client_closed,
        }
