"""Talking to the running suite as a client would, and what every answer must show."""

import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from multidict import CIMultiDictProxy
from yarl import URL

from petstore_cli.plan import suite_defaults
from service_kit.auth import mint_token
from service_kit.problems import REGISTRY
from tests.e2e.harness import RunningSuite
from tests.rawhttp import RawReply
from tests.support import claims, unsigned_token

PROBLEM_JSON = "application/problem+json"
PROBLEM_MEMBERS = ("type", "title", "status", "detail", "instance", "traceId")
REALM = 'Bearer realm="PetStore API"'
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=15)
LEAKS = re.compile(
    r"Traceback|File \"|site-packages|\.py\b|(?<![\w.])/(?:work|home|usr|tmp|opt|root)/"
)


def rate_policy() -> tuple[int, int]:
    """The suite's RATE_LIMIT and window (the shared settings file `petstore run` loads)."""
    defaults = suite_defaults()
    return int(defaults["RATE_LIMIT"]), int(defaults["RATE_LIMIT_WINDOW_SECONDS"])


@dataclass(frozen=True)
class Reply:
    method: str
    path: str
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    elapsed: float

    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def media_type(self) -> str:
        return self.headers.get("Content-Type", "").partition(";")[0].strip().lower()

    def __str__(self) -> str:
        head = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"{self.method} {self.path} -> {self.status}\n{head}\n\n{self.body[:2000]!r}"


def alg_none_token(sub: str) -> str:
    """A token that names no algorithm and has no signature (RFC 7519 'unsecured JWT')."""
    return unsigned_token(claims(sub=sub, scope="read:pets write:pets admin", ttl=600))


@dataclass
class Api:
    """One test's client of the suite: its own token subject, and the pets it made."""

    suite: RunningSuite
    http: aiohttp.ClientSession
    sub: str = field(default_factory=lambda: f"conformance-{uuid.uuid4().hex[:12]}")
    created: list[str] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # minted once per kind

    @property
    def secret(self) -> str:
        return str(self.suite.state["env"]["PETSTORE_JWT_SECRET"])

    @property
    def problem_base(self) -> str:
        return str(self.suite.state["env"]["PROBLEM_BASE_URL"])

    def token(self, *scopes: str, sub: str | None = None, ttl: int = 600, **claims: str) -> str:
        return mint_token(self.secret, sub=sub or self.sub, scopes=scopes, ttl=ttl, **claims)

    def authorization(self, auth: str) -> str | None:
        """The Authorization header for a named kind of credential ('none' sends none)."""
        if auth == "none":
            return None
        if auth not in self.tokens:
            self.tokens[auth] = self._mint(auth)
        return f"Bearer {self.tokens[auth]}"

    def _mint(self, auth: str) -> str:
        if auth == "bad-signature":
            other = "not-the-secret-" + uuid.uuid4().hex
            return mint_token(other, sub=self.sub, scopes=["read:pets"])
        if auth == "alg-none":
            return alg_none_token(self.sub)
        kinds = {
            "rw": lambda: self.token("read:pets", "write:pets"),
            "read": lambda: self.token("read:pets"),
            "admin": lambda: self.token("admin", sub=self.sub + "-admin"),
            "expired": lambda: self.token("read:pets", ttl=-60),
            "wrong-audience": lambda: self.token("read:pets", audience="another-api"),
        }
        return kinds[auth]()

    async def send(
        self,
        method: str,
        path: str,
        *,
        auth: str = "rw",
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        data: bytes | None = None,
        base: str | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        authorization = self.authorization(auth)
        if authorization is not None:
            sent["Authorization"] = authorization
        if json is not None:
            data = orjson.dumps(json)
            sent.setdefault("Content-Type", "application/json")
        url = URL((self.suite.gateway if base is None else base) + path, encoded=True)
        started = time.monotonic()
        async with self.http.request(
            method, url, headers=sent, data=data, allow_redirects=False, timeout=REQUEST_TIMEOUT
        ) as resp:
            body = await resp.read()
            elapsed = time.monotonic() - started
            return Reply(method, path, resp.status, resp.headers, body, elapsed)

    async def create_pet(self, **fields: Any) -> dict[str, Any]:
        reply = await self.send("POST", "/v1/pets", json={"name": "Rex", "species": "DOG"} | fields)
        assert reply.status == 201, reply
        pet: dict[str, Any] = reply.json()
        self.created.append(pet["id"])
        return pet

    async def cleanup(self) -> None:
        for pet_id in self.created:
            reply = await self.send("DELETE", f"/v1/pets/{pet_id}")
            assert reply.status in (204, 404), reply


def check_common(reply: Reply, *, rate_limited: bool) -> None:
    """What every answer carries: X-Request-ID, rate-limit headers on /v1, no leaks."""
    assert re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", reply.headers.get("X-Request-ID", "")), reply
    text = reply.body.decode("utf-8", "replace")
    assert not LEAKS.search(text), f"leak in {reply}"
    names = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy")
    if not rate_limited:
        assert not any(name in reply.headers for name in names), reply
        return
    limit, window = rate_policy()
    assert reply.headers.get("X-RateLimit-Limit") == str(limit), reply
    assert 0 <= int(reply.headers["X-RateLimit-Remaining"]) < limit, reply
    reset = int(reply.headers["X-RateLimit-Reset"])
    assert time.time() - 1 <= reset <= time.time() + window + 1, reply
    assert reply.headers.get("RateLimit-Policy") == f'"default";q={limit};w={window}', reply


async def check_problem(
    api: Api,
    reply: Reply,
    *,
    status: int,
    slug: str,
    rate_limited: bool = True,
    members: Mapping[str, Any] | None = None,
    fields: frozenset[str] | None = None,
) -> dict[str, Any]:
    """An RFC 9457 answer of ``slug``, with the headers and members its status needs."""
    assert reply.status == status, reply
    assert reply.media_type == PROBLEM_JSON, reply
    check_common(reply, rate_limited=rate_limited)
    body: dict[str, Any] = reply.json()
    assert set(PROBLEM_MEMBERS) <= body.keys(), body
    assert body["type"] == api.problem_base + slug, body
    assert body["title"] == REGISTRY[slug].title, body
    assert body["status"] == status, body
    assert isinstance(body["detail"], str), body
    assert body["detail"].strip(), body
    assert body["instance"] == reply.path.partition("?")[0], body
    assert body["traceId"] == reply.headers["X-Request-ID"], (body, reply)
    for name, value in (members or {}).items():
        assert body.get(name) == value, (name, body)
    _check_status_extras(reply, body, fields)
    page = await api.send("GET", body["type"], auth="none", base="")  # the type URL resolves
    assert page.status == 200, page
    assert page.media_type == "text/html", page
    return body


def _check_status_extras(reply: Reply, body: dict[str, Any], fields: frozenset[str] | None) -> None:
    """The extension member and header each status must carry (the README's error section)."""
    status, headers = reply.status, reply.headers
    if status in (400, 422):
        errors = body["errors"]
        assert isinstance(errors, list), body
        assert all(set(e) == {"field", "message"} for e in errors), body
        if fields is not None:
            assert {e["field"] for e in errors} == fields, body
    if status == 401:
        challenge = headers.get("WWW-Authenticate", "")
        assert challenge.startswith(REALM), reply
    if status == 403:
        scope = body["requiredScope"]
        assert headers.get("WWW-Authenticate") == (
            f'{REALM}, error="insufficient_scope", scope="{scope}"'
        ), reply
    if status == 405:
        assert headers["Allow"] == ", ".join(body["allowedMethods"]), reply
    if status in (429, 503):
        assert headers["Retry-After"].isdigit(), reply
        assert body["retryAfter"] == int(headers["Retry-After"]), (body, reply)


def assert_no_server_version(reply: RawReply) -> None:
    server = reply.headers.get("Server", "")
    assert not re.search(r"[/\d]|aiohttp|python", server, re.IGNORECASE), reply
