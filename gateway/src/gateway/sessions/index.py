"""Each replica's view of the live sessions, so a request of no session asks Redis nothing.

The view is re-read when the shared version key changes (polled like the maintenance flag)
and updated at once by this replica's own writes; an ended session drops out by its clock.
"""

import asyncio
import logging
import time

from gateway.sessions.live import LiveSession
from gateway.sessions.store import SessionStore
from gateway.storage import StorageUnavailable

log = logging.getLogger("gateway.sessions")


def now_ms() -> int:
    return int(time.time() * 1000)


class SessionIndex:
    def __init__(self, store: SessionStore) -> None:
        self._store = store
        self.ids: dict[str, LiveSession] = {}
        self.subs: dict[str, LiveSession] = {}  # read on every /v1 request: empty is free
        self._version = -1

    def get(self, session_id: str) -> LiveSession | None:
        session = self.ids.get(session_id)
        if session is not None and session.expires_ms <= now_ms():
            self.drop(session_id)
            return None
        return session

    def by_sub(self, sub: str) -> LiveSession | None:
        session = self.subs.get(sub)
        return None if session is None else self.get(session.id)

    def put(self, session: LiveSession) -> None:
        self.ids = {**self.ids, session.id: session}
        if session.sub is not None:
            self.subs = {**self.subs, session.sub: session}

    def drop(self, session_id: str) -> None:
        session = self.ids.get(session_id)
        if session is None:
            return
        self.ids = {k: v for k, v in self.ids.items() if k != session_id}
        if session.sub is not None and self.subs.get(session.sub) is session:
            self.subs = {k: v for k, v in self.subs.items() if k != session.sub}

    def prune(self) -> None:
        now = now_ms()
        for session in [s for s in self.ids.values() if s.expires_ms <= now]:
            self.drop(session.id)

    async def refresh(self) -> None:
        """Re-read every live session if another replica changed them; raises
        StorageUnavailable."""
        version = await self._store.version()
        if version == self._version:
            self.prune()
            return
        now = now_ms()
        docs = await self._store.documents(await self._store.live_ids(now))
        sessions = [LiveSession.from_doc(doc) for doc in docs if int(doc["expiresMs"]) > now]
        self.ids = {s.id: s for s in sessions}
        self.subs = {s.sub: s for s in sessions if s.sub is not None}
        self._version = version

    async def run(self, interval: float) -> None:
        """Refresh every ``interval`` until cancelled; keep the last view while Redis is away."""
        failing = False
        task = asyncio.current_task()
        while True:
            if task is not None and task.cancelling():
                raise asyncio.CancelledError
            try:
                await self.refresh()
                failing = False
            except StorageUnavailable as exc:
                if not failing:
                    log.warning("cannot read the fault sessions (%s); keeping the last view", exc)
                failing = True
            await asyncio.sleep(interval)
