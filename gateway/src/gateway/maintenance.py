"""Maintenance mode: a flag in Redis, cached locally and re-read in the background."""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from gateway.storage import Storage, StorageUnavailable
from service_kit.contract.errors import validate
from service_kit.contract.gateway import DEFAULT_DETAIL, MaintenanceUpdate
from service_kit.problems import Maintenance, ValidationFailed

log = logging.getLogger("gateway.maintenance")

DEFAULT_RETRY_AFTER = MaintenanceUpdate.model_fields["retryAfter"].default


@dataclass(frozen=True, slots=True)
class MaintenanceState:
    enabled: bool = False
    retry_after: int = DEFAULT_RETRY_AFTER
    detail: str = DEFAULT_DETAIL

    def as_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "retryAfter": self.retry_after, "detail": self.detail}

    def problem(self) -> Maintenance:
        return Maintenance(self.detail, retry_after=self.retry_after)

    @classmethod
    def from_stored(cls, raw: dict[str, Any] | None) -> "MaintenanceState":
        """What another replica wrote; anything unreadable counts as maintenance off."""
        if raw is None:
            return cls()
        try:
            return parse_update(raw)
        except ValidationFailed:
            log.warning("ignoring an unreadable maintenance flag in Redis")
            return cls()


def parse_update(body: dict[str, Any]) -> MaintenanceState:
    """The state a PUT asks for; every invalid field is listed in one 422."""
    update = validate(MaintenanceUpdate, body, detail="The maintenance state has invalid fields.")
    return MaintenanceState(update.enabled, update.retryAfter, update.detail.strip())


class MaintenanceFlag:
    """``current`` is read on every request; a background task keeps it fresh."""

    def __init__(self, storage: Storage, *, interval: float) -> None:
        self._storage = storage
        self._interval = interval
        self.current = MaintenanceState()

    async def read(self) -> MaintenanceState:
        """The state in Redis (and remember it); raises StorageUnavailable."""
        state = MaintenanceState.from_stored(await self._storage.read_maintenance())
        self._set(state)
        return state

    async def write(self, state: MaintenanceState) -> MaintenanceState:
        await self._storage.write_maintenance(state.as_json())
        self._set(state)
        return state

    def _set(self, state: MaintenanceState) -> None:
        if state != self.current:
            log.info("maintenance %s", "on" if state.enabled else "off", extra=state.as_json())
        self.current = state

    async def run(self) -> None:
        """Re-read the flag every ``interval`` until cancelled; keep the last state on errors."""
        failing = False
        task = asyncio.current_task()
        while True:
            if task is not None and task.cancelling():
                raise asyncio.CancelledError  # a cancel some library swallowed still counts
            try:
                await self.read()
                failing = False
            except StorageUnavailable as exc:
                if not failing:
                    log.warning(
                        "cannot read the maintenance flag (%s); keeping the last state", exc
                    )
                failing = True
            await asyncio.sleep(self._interval)
