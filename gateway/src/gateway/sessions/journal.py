"""The journal: one entry per exchange of a session, written after the answer, in batches.

An exchange's entry and the step it fired wait in memory and leave in one script call per
session a few milliseconds later, so a request never waits for its own journal entry.
Entries past ``cap`` exchanges are not kept; the journal then reads ``truncated: true``.
"""

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from gateway.sessions.store import SessionStore
from gateway.storage import StorageUnavailable

log = logging.getLogger("gateway.sessions")

DEFAULT_CAP = 1000
BATCH_DELAY = 0.01  # seconds an entry waits for others to leave with it
MAX_BATCH = 500  # entries per script call


@dataclass
class _Pending:
    expires_ms: int
    entries: list[bytes] = field(default_factory=list)
    fired: Counter[str] = field(default_factory=Counter)


class Journal:
    def __init__(self, store: SessionStore, cap: int = DEFAULT_CAP) -> None:
        self._store = store
        self.cap = cap
        self._pending: dict[str, _Pending] = {}
        self._wake = asyncio.Event()
        self._writing = asyncio.Lock()  # a reader's flush waits for the batch in flight

    def _of(self, session_id: str, expires_ms: int) -> _Pending:
        pending = self._pending.get(session_id)
        if pending is None:
            pending = self._pending[session_id] = _Pending(expires_ms)
        return pending

    def record(self, session_id: str, expires_ms: int, entry: dict[str, Any]) -> None:
        if entry["seq"] <= self.cap:
            self._of(session_id, expires_ms).entries.append(orjson.dumps(entry))
            self._wake.set()

    def count_fired(self, session_id: str, expires_ms: int, rule: int, step: int) -> None:
        self._of(session_id, expires_ms).fired[f"{rule}.{step}"] += 1
        self._wake.set()

    async def flush(self, session_id: str | None = None) -> None:
        """Write what waits (one session's, or all) and what is being written; what Redis
        refuses is dropped and logged."""
        async with self._writing:
            await self._flush(session_id)

    async def _flush(self, session_id: str | None) -> None:
        if session_id is None:
            batches, self._pending = self._pending, {}
        else:
            one = self._pending.pop(session_id, None)
            batches = {} if one is None else {session_id: one}
        for sid, pending in batches.items():
            try:
                for start in range(0, max(1, len(pending.entries)), MAX_BATCH):
                    chunk = pending.entries[start : start + MAX_BATCH]
                    fired = dict(pending.fired) if start == 0 else {}
                    if chunk or fired:
                        await self._store.append(sid, pending.expires_ms, chunk, fired)
            except StorageUnavailable as exc:
                log.warning("journal entries of session %s lost: %s", sid, exc)

    async def run(self) -> None:
        """Flush shortly after something was recorded, until cancelled."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(BATCH_DELAY)
            await self.flush()


def read_view(entries: list[dict[str, Any]], seen: int, cap: int) -> dict[str, Any]:
    """The body of GET .../journal: entries oldest first, and whether some were not kept."""
    return {"entries": entries, "truncated": seen > cap}
