"""The tour's machinery: one HTTP call, one checked step, and the checks steps share."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from service_kit.auth import mint_token

TIMEOUT = aiohttp.ClientTimeout(total=10)
PROBLEM_MEMBERS = ("type", "title", "status", "detail", "instance", "traceId")
# A request the server could not parse has no path it could quote: no `instance`.
UNPARSED_MEMBERS = ("type", "title", "status", "detail", "traceId")

Check = Callable[["Reply"], str | None]


@dataclass
class Reply:
    status: int
    headers: Mapping[str, str]
    body: Any


@dataclass
class Step:
    name: str
    request: str
    expected: str
    got: str = ""
    ok: bool = False
    notes: list[str] = field(default_factory=list)


class Tour:
    def __init__(
        self, http: aiohttp.ClientSession, gateway: str, stubs: dict[str, str], secret: str
    ) -> None:
        self.http = http
        self.gw = gateway.rstrip("/")
        self.stubs = stubs
        self.rw = mint_token(secret, sub="tour-user", scopes=["read:pets", "write:pets"])
        self.ro = mint_token(secret, sub="tour-reader", scopes=["read:pets"])
        self.admin = mint_token(secret, sub="tour-admin", scopes=["admin"])
        self.secret = secret
        self.steps: list[Step] = []
        self.pet: dict[str, Any] = {}
        self.etag = ""
        # `petstore chaos` for the --chaos steps: (action, part) -> None, or ChaosError.
        self.chaos: Callable[[str, str], object] | None = None

    async def call(
        self,
        method: str,
        url: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        data: bytes | None = None,
    ) -> Reply:
        hdrs = dict(headers or {})
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            data = json.dumps(json_body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        url = url if url.startswith("http") else self.gw + url
        try:
            async with self.http.request(method, url, headers=hdrs, data=data) as resp:
                raw = await resp.read()
                status, resp_headers = resp.status, resp.headers
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Status 0 stands for "no answer"; the step shows why.
            return Reply(0, {}, type(exc).__name__)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw[:200].decode("utf-8", "replace")
        return Reply(status, resp_headers, body)

    async def step(
        self,
        name: str,
        method: str,
        path: str,
        expect: int,
        headers_present: tuple[str, ...] = (),
        check: Check | None = None,
        members: tuple[str, ...] = PROBLEM_MEMBERS,
        **kwargs: Any,
    ) -> Reply | None:
        """One request, recorded as a step: the status, the headers and the check must hold
        (and an error is a problem with ``members``)."""
        step = self._begin(name, method, path, expect, headers_present)
        reply = await self.call(method, path, **kwargs)
        return self._judge(step, reply, expect, headers_present, check, members)

    async def step_until(
        self,
        name: str,
        method: str,
        path: str,
        expect: int,
        headers_present: tuple[str, ...] = (),
        *,
        within: float,
        check: Check | None = None,
        **kwargs: Any,
    ) -> Reply | None:
        """Like step, but asks again until the answer is ``expect`` (a part coming back)."""
        step = self._begin(name, method, path, expect, headers_present)
        deadline = time.monotonic() + within
        reply = await self.call(method, path, **kwargs)
        while reply.status != expect and time.monotonic() < deadline:
            await asyncio.sleep(0.25)
            reply = await self.call(method, path, **kwargs)
        return self._judge(step, reply, expect, headers_present, check)

    def _begin(
        self, name: str, method: str, path: str, expect: int, headers: tuple[str, ...]
    ) -> Step:
        shown = path.split("//", 1)[1] if path.startswith("http") else path
        if self.pet:
            shown = shown.replace(str(self.pet["id"]), "{id}")
        if len(shown) > 60:
            shown = shown[:40] + f"… ({len(shown)} chars)"
        wanted = str(expect) + ("" if not headers else " + " + ", ".join(headers))
        step = Step(name, f"{method} {shown}", wanted)
        self.steps.append(step)
        return step

    def _judge(
        self,
        step: Step,
        reply: Reply,
        expect: int,
        headers: tuple[str, ...],
        check: Check | None,
        members: tuple[str, ...] = PROBLEM_MEMBERS,
    ) -> Reply | None:
        if reply.status == 0:
            step.got = f"no answer ({reply.body})"
            return None
        missing = [h for h in headers if h not in reply.headers]
        problem = None
        if reply.status >= 400 and not is_problem(reply, members):
            problem = "not a problem+json body"
        problem = problem or (check(reply) if check and reply.status == expect else None)
        step.got = str(reply.status) + (f" (missing {', '.join(missing)})" if missing else "")
        if problem:
            step.got += f" ({problem})"
        step.ok = reply.status == expect and not missing and problem is None
        return reply

    def note(self, name: str, ok: bool, expected: str, got: str) -> None:
        self.steps.append(Step(name, "-", expected, got, ok))


Part = Callable[[Tour], Awaitable[None]]


def is_problem(reply: Reply, members: tuple[str, ...] = PROBLEM_MEMBERS) -> bool:
    ctype = reply.headers.get("Content-Type", "")
    body = reply.body
    return (
        ctype.startswith("application/problem+json")
        and isinstance(body, dict)
        and all(k in body for k in members)
    )


def has(key: str, value: Any = None) -> Check:
    def check(reply: Reply) -> str | None:
        if not isinstance(reply.body, dict) or key not in reply.body:
            return f"body lacks {key}"
        if value is not None and reply.body[key] != value:
            return f"{key} is {reply.body[key]!r}"
        return None

    return check


def header(name: str, value: str) -> Check:
    def check(reply: Reply) -> str | None:
        got = reply.headers.get(name, "")
        return None if value in got else f"{name}: {got!r}"

    return check
