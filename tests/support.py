"""What tests everywhere share besides fixtures: the test secret, the token factory type, the
claims of tokens no minting function would make, a TCP server that never answers, and
waiting for an asynchronous outcome against a deadline (the one helper for it)."""

import asyncio
import base64
import contextlib
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TypeVar

import aiohttp
import orjson

from service_kit.tokens import AUDIENCE, ISSUER

T = TypeVar("T")

TEST_SECRET = "test-secret-not-for-production-0123456789"

# token(*scopes, sub="alice", ttl=3600, secret=TEST_SECRET) -> a signed JWT (the fixture).
TokenFactory = Callable[..., str]


def claims(
    *,
    sub: str = "alice",
    scope: str = "read:pets",
    ttl: int = 3600,
    over: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """A token's claims as the suite issues them (issuer, audience, iat and exp from now),
    ``over`` replacing any of them and ``None`` dropping one: for tokens to sign by hand."""
    now = int(time.time())
    made: dict[str, object] = {"sub": sub, "scope": scope, "iat": now, "exp": now + ttl}
    made |= {"iss": ISSUER, "aud": AUDIENCE, **(over or {})}
    return {name: value for name, value in made.items() if value is not None}


def unsigned_token(claims: Mapping[str, object]) -> str:
    """A token that names no algorithm and has no signature (RFC 7519 'unsecured JWT')."""

    def part(value: Mapping[str, object]) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(value)).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def wait_until(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    *,
    within: float = 15.0,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Call ``probe`` until ``accept`` holds for its value, and return that value; fail with
    the last value once ``within`` seconds have passed."""
    deadline = time.monotonic() + within
    value = await probe()
    while not accept(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {within}s; last value: {value!r}")
        await asyncio.sleep(interval)
        value = await probe()
    return value


async def status_of(http: aiohttp.ClientSession, url: str) -> int | None:
    """The status a GET of ``url`` answers, or None while nothing listens there (a probe
    for ``wait_until`` while a process starts)."""
    try:
        async with http.get(url) as resp:
            return resp.status
    except aiohttp.ClientConnectionError:
        return None


async def until(
    check: Callable[[], bool | Awaitable[bool]],
    *,
    within: float,
    interval: float = 0.05,
    what: str = "condition",
) -> None:
    """Wait until ``check()`` (plain or awaitable) is true, failing after ``within`` s."""

    async def probe() -> bool:
        result = check()
        return await result if inspect.isawaitable(result) else result

    await wait_until(probe, bool, within=within, interval=interval, what=what)


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[int]:
    """A TCP server that accepts and never answers: a Redis that hangs."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
