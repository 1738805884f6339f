"""The load test's traffic: request kinds, their weights, and the statuses each may answer."""

import asyncio
import random
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.resilience.client import Answer, new_id, pet_body, record_body, send

# kind: (share of the traffic in %, the statuses a client may get)
KINDS: dict[str, tuple[int, set[int]]] = {
    "list": (10, {200}),
    "read": (13, {200}),
    "read-not-modified": (8, {304}),
    "create": (8, {201}),
    "delete": (6, {204}),
    "update": (8, {200}),
    "update-conflict": (5, {409}),
    "invalid": (5, {422}),
    "record": (8, {202}),
    "record-status": (10, {200}),
    "weather": (6, {200}),
    "recommendations": (6, {200}),
    "not-found": (4, {404}),
    "no-token": (3, {401}),
}
EXPECTED = {kind: statuses for kind, (_, statuses) in KINDS.items()}


def schedule(seed: int = 7) -> list[str]:
    """100 kinds in a fixed shuffled order, each as often as its share: slot i is [i % 100]."""
    order = [kind for kind, (share, _) in KINDS.items() for _ in range(share)]
    assert len(order) == 100
    random.Random(seed).shuffle(order)
    return order


@dataclass
class Pet:
    id: str
    etag: str


@dataclass
class Mix:
    """Sends the request of one slot; holds the pets and records the traffic works on."""

    http: aiohttp.ClientSession
    base: str
    token: str
    fixed: list[Pet]  # never written after set-up: reads, records, conflicts, upstream calls
    editable: asyncio.Queue[Pet]  # one update at a time per pet, so its If-Match is current
    created: deque[str] = field(default_factory=deque)  # made by the load, deleted by it
    records: list[str] = field(default_factory=list)  # every record accepted (202)
    completed: set[str] = field(default_factory=set)  # seen COMPLETED while polling
    order: list[str] = field(default_factory=schedule)
    rng: random.Random = field(default_factory=lambda: random.Random(11))
    _handlers: dict[str, Callable[[float], Awaitable[Answer]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._handlers = {
            "list": self._list,
            "read": self._read,
            "read-not-modified": self._read_not_modified,
            "create": self._create,
            "delete": self._delete,
            "update": self._update,
            "update-conflict": self._update_conflict,
            "invalid": self._invalid,
            "record": self._record,
            "record-status": self._record_status,
            "weather": self._weather,
            "recommendations": self._recommendations,
            "not-found": self._not_found,
            "no-token": self._no_token,
        }
        assert set(self._handlers) == set(KINDS)

    async def slot(self, i: int, due: float) -> Answer:
        kind = self.order[i % len(self.order)]
        if kind == "delete" and not self.created:
            kind = "create"  # nothing of the load's own to delete yet
        if kind == "record-status" and not self.records:
            kind = "record"
        return await self._handlers[kind](due)

    async def _call(
        self,
        kind: str,
        method: str,
        path: str,
        due: float,
        *,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        anonymous: bool = False,
    ) -> Answer:
        token = None if anonymous else self.token
        url = self.base + path
        return await send(
            self.http, kind, method, url, token=token, body=body, headers=headers, due=due
        )

    def _any(self) -> Pet:
        return self.rng.choice(self.fixed)

    async def _list(self, due: float) -> Answer:
        return await self._call("list", "GET", "/v1/pets?limit=20&species=DOG", due)

    async def _read(self, due: float) -> Answer:
        return await self._call("read", "GET", f"/v1/pets/{self._any().id}", due)

    async def _read_not_modified(self, due: float) -> Answer:
        pet = self._any()
        headers = {"If-None-Match": pet.etag}
        path = f"/v1/pets/{pet.id}"
        return await self._call("read-not-modified", "GET", path, due, headers=headers)

    async def _create(self, due: float) -> Answer:
        answer = await self._call("create", "POST", "/v1/pets", due, body=pet_body(name="Load"))
        if answer.status == 201:
            self.created.append(answer.json()["id"])
        return answer

    async def _delete(self, due: float) -> Answer:
        pet_id = self.created.popleft()
        return await self._call("delete", "DELETE", f"/v1/pets/{pet_id}", due)

    async def _update(self, due: float) -> Answer:
        pet = await self.editable.get()
        try:
            headers = {"If-Match": pet.etag}
            body = {"age": self.rng.randrange(0, 20)}
            path = f"/v1/pets/{pet.id}"
            answer = await self._call("update", "PATCH", path, due, body=body, headers=headers)
            if answer.status == 200:
                pet.etag = answer.etag or pet.etag
            return answer
        finally:
            self.editable.put_nowait(pet)

    async def _update_conflict(self, due: float) -> Answer:
        headers = {"If-Match": '"999999"'}
        path = f"/v1/pets/{self._any().id}"
        body = {"name": "Stale"}
        return await self._call("update-conflict", "PATCH", path, due, body=body, headers=headers)

    async def _invalid(self, due: float) -> Answer:
        body = pet_body(species="DRAGON", age=-1)
        return await self._call("invalid", "POST", "/v1/pets", due, body=body)

    async def _record(self, due: float) -> Answer:
        path = f"/v1/pets/{self._any().id}/medical-records"
        answer = await self._call("record", "POST", path, due, body=record_body())
        if answer.status == 202:
            self.records.append(answer.json()["id"])
        return answer

    async def _record_status(self, due: float) -> Answer:
        record_id = self.rng.choice(self.records[-200:])  # mostly recent: some still PROCESSING
        path = f"/v1/medical-records/{record_id}/status"
        answer = await self._call("record-status", "GET", path, due)
        if answer.status == 200 and answer.json()["status"] == "COMPLETED":
            self.completed.add(record_id)
        return answer

    async def _weather(self, due: float) -> Answer:
        return await self._call("weather", "GET", f"/v1/pets/{self._any().id}/weather", due)

    async def _recommendations(self, due: float) -> Answer:
        path = f"/v1/pets/{self._any().id}/recommendations"
        return await self._call("recommendations", "GET", path, due)

    async def _not_found(self, due: float) -> Answer:
        return await self._call("not-found", "GET", f"/v1/pets/{new_id()}", due)

    async def _no_token(self, due: float) -> Answer:
        return await self._call("no-token", "GET", "/v1/pets", due, anonymous=True)


def _conflict(body: dict[str, Any]) -> bool:
    return isinstance(body.get("currentVersion"), int)


def _invalid(body: dict[str, Any]) -> bool:
    return {error.get("field") for error in body.get("errors", [])} == {"species", "age"}


def _accepted(body: dict[str, Any]) -> bool:
    return body.get("status") == "PROCESSING" and isinstance(body.get("statusUrl"), str)


def _pet(body: dict[str, Any]) -> bool:
    return isinstance(body.get("id"), str) and isinstance(body.get("version"), int)


BODY_CHECKS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "update-conflict": _conflict,
    "invalid": _invalid,
    "record": _accepted,
    "create": _pet,
    "read": _pet,
    "update": _pet,
}


def wrong_bodies(answers: list[Answer]) -> list[str]:
    """Answers with an expected status but not the body that goes with it."""
    found = []
    for answer in answers:
        if answer.status in (204, 304):
            if answer.body:
                found.append(answer.describe())
            continue
        check = BODY_CHECKS.get(answer.kind)
        if check is None or answer.status not in EXPECTED[answer.kind]:
            continue
        body = answer.json()
        if not isinstance(body, dict) or not check(body):
            found.append(answer.describe())
    return found
