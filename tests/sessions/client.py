"""Talking to the gateway as a client under test would: answers, or how the connection failed."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from multidict import CIMultiDict, CIMultiDictProxy

from tests.support import TokenFactory, wait_until

DROPPED = 0  # the status of an answer that never came whole


@dataclass(frozen=True)
class Answer:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    error: str  # the transport error's class name when status is DROPPED
    elapsed: float

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Faults:
    base: str
    http: aiohttp.ClientSession
    token: TokenFactory
    sub: str = field(default_factory=lambda: f"client-{uuid.uuid4().hex[:10]}")
    started: list[str] = field(default_factory=list)

    @property
    def admin(self) -> str:
        return self.token("faults", sub="qa-admin")

    @property
    def rw(self) -> str:
        return self.token("read:pets", "write:pets", sub=self.sub)

    async def send(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        session: str | None = None,
        base: str | None = None,
        client_timeout: float | None = None,
    ) -> Answer:
        """One request (the client's own token unless ``token``); never raises on transport."""
        all_headers = {"Authorization": f"Bearer {token or self.rw}", **(headers or {})}
        if session is not None:
            all_headers["Fault-Session"] = session
        data = None
        if body is not None:
            data = orjson.dumps(body)
            all_headers["Content-Type"] = "application/json"
        started = time.monotonic()
        limit = aiohttp.ClientTimeout(total=client_timeout) if client_timeout else None
        try:
            async with self.http.request(
                method,
                (base or self.base) + path,
                headers=all_headers,
                data=data,
                timeout=limit,
            ) as resp:
                payload = await resp.read()
                return Answer(
                    resp.status,
                    CIMultiDictProxy(CIMultiDict(resp.headers)),
                    payload,
                    "",
                    time.monotonic() - started,
                )
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Answer(
                DROPPED,
                CIMultiDictProxy(CIMultiDict()),
                b"",
                type(exc).__name__,
                time.monotonic() - started,
            )

    async def start(self, document: dict[str, Any], *, base: str | None = None) -> dict[str, Any]:
        answer = await self.send(
            "POST", "/admin/fault-sessions", token=self.admin, body=document, base=base
        )
        assert answer.status == 201, answer
        created = answer.json()
        self.started.append(created["id"])
        return dict(created)

    async def read(self, session_id: str, part: str = "", base: str | None = None) -> Answer:
        path = f"/admin/fault-sessions/{session_id}{part}"
        return await self.send("GET", path, token=self.admin, base=base)

    async def journal(
        self, session_id: str, base: str | None = None, *, count: int | None = None
    ) -> list[dict[str, Any]]:
        """The session's journal; with ``count``, once it holds that many entries (an
        exchange is journaled when its last byte is written, which the client may see
        first)."""

        async def entries() -> list[dict[str, Any]]:
            answer = await self.read(session_id, "/journal", base=base)
            assert answer.status == 200, answer
            return list(answer.json()["entries"])

        if count is None:
            return await entries()
        return await wait_until(
            entries, lambda got: len(got) >= count, within=5, what=f"{count} journal entries"
        )

    async def create_pet(self, **fields: Any) -> dict[str, Any]:
        answer = await self.send(
            "POST", "/v1/pets", body={"name": "Rex", "species": "DOG", **fields}
        )
        assert answer.status == 201, answer
        return dict(answer.json())

    async def cleanup(self) -> None:
        for session_id in self.started:
            await self.send("DELETE", f"/admin/fault-sessions/{session_id}", token=self.admin)


async def wait_for(check: Callable[[], Awaitable[Any]], within: float = 5.0) -> Any:
    """The first truthy result of ``check``, polled for ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.05)


def one_rule(
    *steps: dict[str, Any], method: str = "*", route: str = "*", then: str = "pass"
) -> dict[str, Any]:
    """A session document of one rule."""
    return {"rules": [{"method": method, "route": route, "steps": list(steps), "then": then}]}


async def pets_named(faults: "Faults", name: str) -> list[dict[str, Any]]:
    """Every pet of the catalogue with this name (the catalogue is shared: names are unique)."""
    found: list[dict[str, Any]] = []
    path: str | None = "/v1/pets?limit=100"
    while path is not None:
        answer = await faults.send("GET", path)
        assert answer.status == 200, answer
        page = answer.json()
        found += [pet for pet in page["items"] if pet["name"] == name]
        cursor = page.get("nextCursor")
        path = None if cursor is None else f"/v1/pets?limit=100&cursor={cursor}"
    return found
