"""What every replica holds for fault sessions, opened and closed in ``sessions_ctx``."""

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from gateway.context import SETTINGS
from gateway.sessions.errors import FaultSessionUnknown
from gateway.sessions.index import SessionIndex, now_ms
from gateway.sessions.journal import Journal
from gateway.sessions.live import LiveSession
from gateway.sessions.store import SessionStore
from gateway.sessions.templates import RouteTable
from gateway.storage import StorageUnavailable
from service_kit import redis_client
from service_kit.problems import FieldError, ServiceUnavailable

# The sessions' own redis-py connections (journal writes, index refreshes); past it a call
# waits for a free one, within the Redis timeout.
REDIS_CONNECTIONS = 64

HEADER = "Fault-Session"
SCOPE = "faults"  # the session API's scope; admin implies it
ID_PATTERN = re.compile(r"^fs_[0-9a-f]{32}$")
UNAVAILABLE_RETRY_AFTER = 5


@dataclass
class FaultSessions:
    store: SessionStore
    index: SessionIndex
    journal: Journal
    _routes: RouteTable | None = field(default=None, repr=False)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def routes(self, app: web.Application) -> RouteTable:
        if self._routes is None:  # the router is complete once the app serves
            self._routes = RouteTable.of(app.router)
        return self._routes

    async def by_header(self, value: str) -> LiveSession:
        """The live session a Fault-Session header names, or its 400."""
        session = self.index.get(value)
        if session is not None:
            return session
        if ID_PATTERN.match(value):
            doc = await self.read_or_503(value)
            if doc is not None and int(doc["expiresMs"]) > now_ms():
                session = LiveSession.from_doc(doc)
                self.index.put(session)
                return session
        raise unknown_session()

    async def read_or_503(self, session_id: str) -> dict[str, Any] | None:
        try:
            return await self.store.document(session_id)
        except StorageUnavailable:
            raise unavailable() from None


def unknown_session() -> FaultSessionUnknown:
    return FaultSessionUnknown(
        "The Fault-Session header names no live fault session: it was never created, was "
        "ended, or expired.",
        errors=[FieldError(HEADER, "No live fault session has this id.")],
    )


def unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "Fault sessions cannot be read now; retry later.", retry_after=UNAVAILABLE_RETRY_AFTER
    )


FAULTS = web.AppKey("fault_sessions", FaultSessions)


async def sessions_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    timeout = settings.redis_timeout_ms / 1000
    client = redis_client.connect(
        settings.redis_url, timeout=timeout, max_connections=REDIS_CONNECTIONS
    )
    store = SessionStore(client, settings.redis_key_prefix, timeout)
    faults = FaultSessions(store, SessionIndex(store), Journal(store))
    app[FAULTS] = faults
    with contextlib.suppress(StorageUnavailable):
        await faults.index.refresh()
    faults.tasks = [
        asyncio.create_task(
            faults.index.run(settings.maintenance_refresh_seconds), name="fault-sessions-refresh"
        ),
        asyncio.create_task(faults.journal.run(), name="fault-sessions-journal"),
    ]
    yield
    for task in faults.tasks:
        task.cancel()
    for task in faults.tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await faults.journal.flush()
    await client.aclose()
