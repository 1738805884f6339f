"""`petstore tour`: walk every status code of the API against a running suite."""

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from service_kit.auth import mint_token
from service_kit.settings import DEV_JWT_SECRET

TIMEOUT = aiohttp.ClientTimeout(total=10)


@dataclass
class Reply:
    status: int
    headers: Mapping[str, str]
    body: Any
    elapsed_ms: float


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
        started = time.perf_counter()
        try:
            async with self.http.request(method, url, headers=hdrs, data=data) as resp:
                raw = await resp.read()
                status, resp_headers = resp.status, resp.headers
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Status 0 stands for "no answer"; the step shows why.
            return Reply(0, {}, type(exc).__name__, (time.perf_counter() - started) * 1000)
        elapsed = (time.perf_counter() - started) * 1000
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw[:200].decode("utf-8", "replace")
        return Reply(status, resp_headers, body, elapsed)

    async def step(
        self,
        name: str,
        method: str,
        path: str,
        expect: int,
        headers_present: tuple[str, ...] = (),
        check: Callable[[Reply], str | None] | None = None,
        **kwargs: Any,
    ) -> Reply | None:
        url = path if path.startswith("http") else self.gw + path
        shown = path if not path.startswith("http") else path.split("//", 1)[1]
        if self.pet:
            shown = shown.replace(str(self.pet["id"]), "{id}")
        wanted = str(expect) + ("" if not headers_present else " + " + ", ".join(headers_present))
        step = Step(name, f"{method} {shown}", wanted)
        self.steps.append(step)
        reply = await self.call(method, url, **kwargs)
        if reply.status == 0:
            step.got = f"no answer ({reply.body})"
            return None
        missing = [h for h in headers_present if h not in reply.headers]
        problem = None
        if reply.status >= 400 and not _is_problem(reply):
            problem = "not a problem+json body"
        problem = problem or (check(reply) if check and reply.status == expect else None)
        step.got = str(reply.status) + (f" (missing {', '.join(missing)})" if missing else "")
        if problem:
            step.got += f" ({problem})"
        step.ok = reply.status == expect and not missing and problem is None
        return reply

    def note(self, name: str, ok: bool, expected: str, got: str) -> None:
        self.steps.append(Step(name, "-", expected, got, ok))


def _is_problem(reply: Reply) -> bool:
    ctype = reply.headers.get("Content-Type", "")
    body = reply.body
    return (
        ctype.startswith("application/problem+json")
        and isinstance(body, dict)
        and all(k in body for k in ("type", "title", "status", "detail", "instance", "traceId"))
    )


def _has(key: str, value: Any = None) -> Callable[[Reply], str | None]:
    def check(reply: Reply) -> str | None:
        if not isinstance(reply.body, dict) or key not in reply.body:
            return f"body lacks {key}"
        if value is not None and reply.body[key] != value:
            return f"{key} is {reply.body[key]!r}"
        return None

    return check


def _header(name: str, value: str) -> Callable[[Reply], str | None]:
    def check(reply: Reply) -> str | None:
        got = reply.headers.get(name, "")
        return None if value in got else f"{name}: {got!r}"

    return check


async def pets(t: Tour) -> None:
    await t.step("unknown path needs no token", "GET", "/no-such-page", 404)
    await t.step(
        "no token",
        "GET",
        "/v1/pets",
        401,
        ("WWW-Authenticate",),
        _header("WWW-Authenticate", 'Bearer realm="PetStore API"'),
    )
    await t.step(
        "bad token",
        "GET",
        "/v1/pets",
        401,
        ("WWW-Authenticate",),
        _header("WWW-Authenticate", 'error="invalid_token"'),
        token="not.a.jwt",
    )
    expired = mint_token(t.secret, sub="tour-user", scopes=["read:pets"], ttl=-60)
    await t.step("expired token", "GET", "/v1/pets", 401, ("WWW-Authenticate",), token=expired)
    created = await t.step(
        "create a pet",
        "POST",
        "/v1/pets",
        201,
        ("Location", "ETag", "X-RateLimit-Remaining"),
        token=t.rw,
        json_body={"name": "Tour Rex", "species": "DOG", "age": 3},
    )
    if created is None or created.status != 201:
        return
    t.pet = created.body
    pid, etag = t.pet["id"], created.headers["ETag"]
    path = f"/v1/pets/{pid}"
    await t.step("read it", "GET", path, 200, ("ETag", "X-Request-ID"), token=t.rw)
    await t.step(
        "conditional read", "GET", path, 304, ("ETag",), token=t.rw, headers={"If-None-Match": etag}
    )
    await t.step(
        "list pets",
        "GET",
        "/v1/pets?species=DOG&limit=5",
        200,
        ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"),
        token=t.rw,
    )
    await t.step("limit not a number", "GET", "/v1/pets?limit=ten", 400, token=t.rw)
    await t.step("limit out of range", "GET", "/v1/pets?limit=100000", 422, token=t.rw)
    await t.step(
        "malformed JSON",
        "POST",
        "/v1/pets",
        400,
        token=t.rw,
        data=b'{"name": ',
        headers={"Content-Type": "application/json"},
    )
    await t.step(
        "not JSON",
        "POST",
        "/v1/pets",
        415,
        token=t.rw,
        data=b"name=Rex",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    await t.step(
        "body too large",
        "POST",
        "/v1/pets",
        413,
        token=t.rw,
        data=b'{"name": "' + b"x" * 200_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    await t.step(
        "invalid fields",
        "POST",
        "/v1/pets",
        422,
        check=_has("errors"),
        token=t.rw,
        json_body={"name": "", "species": "DRAGON", "age": -1},
    )
    await t.step(
        "id already exists",
        "POST",
        "/v1/pets",
        409,
        token=t.rw,
        json_body={"id": pid, "name": "Twin", "species": "CAT"},
    )
    updated = await t.step(
        "replace it",
        "PUT",
        path,
        200,
        ("ETag",),
        _has("updatedAt"),
        token=t.rw,
        headers={"If-Match": etag},
        json_body={"name": "Tour Rex", "species": "DOG", "age": 4},
    )
    await t.step(
        "stale If-Match",
        "PUT",
        path,
        409,
        check=_has("currentVersion"),
        token=t.rw,
        headers={"If-Match": etag},
        json_body={"name": "Late", "species": "DOG"},
    )
    await t.step(
        "merge patch",
        "PATCH",
        path,
        200,
        token=t.rw,
        headers={"Content-Type": "application/merge-patch+json"},
        data=b'{"status": "PENDING"}',
    )
    await t.step("patch invalid", "PATCH", path, 422, token=t.rw, json_body={"status": "SOLD"})
    await t.step(
        "method not allowed",
        "POST",
        path,
        405,
        ("Allow",),
        _header("Allow", "GET, PUT, PATCH, DELETE"),
        token=t.rw,
        json_body={},
    )
    await t.step(
        "missing scope",
        "DELETE",
        path,
        403,
        ("WWW-Authenticate",),
        _has("requiredScope", "write:pets"),
        token=t.ro,
    )
    await t.step("unknown pet", "GET", f"/v1/pets/{uuid.uuid4()}", 404, token=t.rw)
    await t.step(
        "own preferences",
        "PUT",
        "/v1/users/tour-user/preferences",
        204,
        token=t.rw,
        json_body={"newsletter": True},
    )
    await t.step("read preferences", "GET", "/v1/users/tour-user/preferences", 200, token=t.rw)
    await t.step(
        "someone else's preferences", "GET", "/v1/users/somebody/preferences", 403, token=t.rw
    )
    del updated


async def records(t: Tour) -> None:
    if not t.pet:
        return
    pid = t.pet["id"]
    accepted = await t.step(
        "medical record accepted",
        "POST",
        f"/v1/pets/{pid}/medical-records",
        202,
        ("Location",),
        _has("status", "PROCESSING"),
        token=t.rw,
        json_body={"type": "VACCINATION", "date": "2026-01-15", "vaccine": "RABIES"},
    )
    await t.step(
        "record invalid",
        "POST",
        f"/v1/pets/{pid}/medical-records",
        422,
        token=t.rw,
        json_body={"type": "VACCINATION", "date": "someday"},
    )
    if accepted is None or accepted.status != 202:
        return
    status_url = accepted.headers["Location"]
    deadline = time.monotonic() + 15
    reply = None
    while time.monotonic() < deadline:
        reply = await t.call("GET", t.gw + status_url, token=t.rw)
        if reply.status != 200 or (
            isinstance(reply.body, dict) and reply.body.get("status") != "PROCESSING"
        ):
            break
        await asyncio.sleep(0.2)
    final = reply.body.get("status") if reply and isinstance(reply.body, dict) else None
    t.note(
        "record processed (polling)",
        final == "COMPLETED",
        "200 COMPLETED",
        f"{reply.status if reply else '-'} {final}",
    )
    if final == "COMPLETED" and reply is not None:
        await t.step("processed record", "GET", str(reply.body.get("resultUrl")), 200, token=t.rw)
    await t.step(
        "unknown record", "GET", f"/v1/medical-records/{uuid.uuid4()}/status", 404, token=t.rw
    )


async def upstreams(t: Tour) -> None:
    if not t.pet:
        return
    pid = t.pet["id"]
    weather, recs = f"/v1/pets/{pid}/weather", f"/v1/pets/{pid}/recommendations"
    w, r = t.stubs["weather"], t.stubs["recommendations"]
    try:
        await t.step("weather", "GET", weather, 200, token=t.rw)
        await t.step("recommendations", "GET", recs, 200, token=t.rw)
        await t.step(
            "weather of unknown pet", "GET", f"/v1/pets/{uuid.uuid4()}/weather", 404, token=t.rw
        )
        faults: list[tuple[str, str, dict[str, Any], str, int, tuple[str, ...]]] = [
            ("weather", w, {"mode": "error", "status": 500}, weather, 502, ()),
            ("weather", w, {"mode": "timeout"}, weather, 504, ()),
            (
                "weather",
                w,
                {"mode": "error", "status": 503, "retryAfter": 7},
                weather,
                503,
                ("Retry-After",),
            ),
            ("recommendations", r, {"mode": "reset"}, recs, 502, ()),
            ("recommendations", r, {"mode": "garbage"}, recs, 502, ()),
            ("recommendations", r, {"mode": "latency", "delayMs": 1500}, recs, 504, ()),
        ]
        for name, stub, spec, path, expect, hdrs in faults:
            await t.call("PUT", stub + "/admin/faults", json_body=spec)
            label = " ".join(str(v) for k, v in spec.items() if k != "mode")
            await t.step(
                f"{name} stub: {spec['mode']} {label}".rstrip(),
                "GET",
                path,
                expect,
                hdrs,
                token=t.rw,
            )
            await t.call("DELETE", stub + "/admin/faults")
        await t.call("PUT", w + "/admin/faults", json_body={"mode": "error", "status": 500})
        for _ in range(6):
            reply = await t.call("GET", t.gw + weather, token=t.rw)
            if reply.status == 503:
                break
        await t.step("weather circuit open", "GET", weather, 503, ("Retry-After",), token=t.rw)
    finally:
        for stub in (w, r):
            await t.call("DELETE", stub + "/admin/faults")


async def limits_and_maintenance(t: Tour) -> None:
    flood = mint_token(t.secret, sub=f"tour-flood-{uuid.uuid4().hex[:8]}", scopes=["read:pets"])
    first = await t.call("GET", t.gw + "/v1/pets?limit=1", token=flood)
    limit = int(first.headers.get("X-RateLimit-Remaining", "-1"))
    if 0 <= limit <= 5000:
        sem = asyncio.Semaphore(50)

        async def one() -> None:
            async with sem:
                await t.call("GET", t.gw + "/v1/pets?limit=1", token=flood)

        await asyncio.gather(*(one() for _ in range(limit)))
        await t.step(
            "rate limited",
            "GET",
            "/v1/pets?limit=1",
            429,
            ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"),
            _has("retryAfter"),
            token=flood,
        )
    else:
        t.note("rate limited", False, "429", "limit too high to exhaust in a tour")
    admin = "/admin/maintenance"
    try:
        await t.step(
            "maintenance on",
            "PUT",
            admin,
            200,
            token=t.admin,
            json_body={"enabled": True, "retryAfter": 120, "detail": "Tour"},
        )
        await t.step(
            "maintenance needs admin", "PUT", admin, 403, token=t.rw, json_body={"enabled": False}
        )
        await asyncio.sleep(1.2)  # replicas pick the flag up within a second
        await t.step(
            "under maintenance",
            "GET",
            "/v1/pets",
            503,
            ("Retry-After",),
            _header("Retry-After", "120"),
            token=t.rw,
        )
        await t.step("health stays up", "GET", "/healthz", 200)
    finally:
        await t.step(
            "maintenance off", "PUT", admin, 200, token=t.admin, json_body={"enabled": False}
        )
        await asyncio.sleep(1.2)


async def cleanup(t: Tour) -> None:
    if t.pet:
        path = f"/v1/pets/{t.pet['id']}"
        await t.step("delete it", "DELETE", path, 204, token=t.rw)
        await t.step("gone", "GET", path, 404, token=t.rw)


PARTS: list[Callable[[Tour], Awaitable[None]]] = [
    pets,
    records,
    upstreams,
    limits_and_maintenance,
    cleanup,
]


async def run_tour(gateway: str, stubs: dict[str, str], secret: str) -> list[Step]:
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        tour = Tour(http, gateway, stubs, secret)
        if (await tour.call("GET", tour.gw + "/healthz")).status != 200:
            raise ConnectionError("no answer from its /healthz")
        for part in PARTS:
            await part(tour)
        return tour.steps


def render(steps: list[Step]) -> str:
    widths = [max(len(getattr(s, f)) for s in steps) for f in ("name", "request", "expected")]
    widths = [min(w, 48) for w in widths]
    lines = [
        f"{'step':<{widths[0]}}  {'request':<{widths[1]}}  {'expected':<{widths[2]}}  got",
    ]
    for s in steps:
        mark = "✓" if s.ok else "✗"
        lines.append(
            f"{s.name[:48]:<{widths[0]}}  {s.request[:48]:<{widths[1]}}  "
            f"{s.expected[:48]:<{widths[2]}}  {s.got} {mark}"
        )
    passed = sum(s.ok for s in steps)
    lines.append(f"\n{passed} of {len(steps)} steps as expected")
    return "\n".join(lines)


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser("tour", help="walk every status code against a running suite")
    parser.add_argument("--gateway", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8080"))
    parser.add_argument(
        "--weather-url", default=os.environ.get("WEATHER_URL", "http://127.0.0.1:8082")
    )
    parser.add_argument(
        "--recommendations-url",
        default=os.environ.get("RECOMMENDATIONS_URL", "http://127.0.0.1:8083"),
    )
    parser.add_argument("--secret", default=os.environ.get("PETSTORE_JWT_SECRET", DEV_JWT_SECRET))
    parser.add_argument("--json", action="store_true", help="print the steps as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    stubs = {"weather": args.weather_url, "recommendations": args.recommendations_url}
    try:
        steps = asyncio.run(run_tour(args.gateway, stubs, args.secret))
    except (aiohttp.ClientError, OSError) as exc:
        print(f"petstore tour: cannot reach the suite at {args.gateway}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([vars(s) for s in steps], indent=2))
    else:
        print(render(steps))
    return 0 if steps and all(s.ok for s in steps) else 1
