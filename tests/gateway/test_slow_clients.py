"""Slow clients are timed out and connections capped, over raw sockets against the gateway
served as in production (service_kit.slow_clients): half a head, half a body, a connection
that never speaks, and one connection too many."""

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from gateway.app import create_app
from gateway.settings import Settings
from petstore_cli.embedded import free_port
from service_kit.slow_clients import LimitedAppRunner
from tests.procs import service
from tests.rawhttp import RawConnection
from tests.support import TEST_SECRET, TokenFactory

Serve = Callable[..., Awaitable[int]]
TIMEOUT = 0.5


@pytest.fixture
async def serve(settings: Settings) -> AsyncIterator[Serve]:
    """serve(**settings overrides) -> the port of a gateway behind LimitedAppRunner."""
    runners: list[web.AppRunner] = []

    async def start(**overrides: Any) -> int:
        options = {"header_timeout_seconds": TIMEOUT, "body_timeout_seconds": TIMEOUT}
        app = create_app(dataclasses.replace(settings, **(options | overrides)))
        runner = LimitedAppRunner(app, access_log=None)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return int(runner.addresses[0][1])

    yield start
    for runner in runners:
        await runner.cleanup()


OPENED: list[RawConnection] = []


@pytest.fixture(autouse=True)
async def close_connections() -> AsyncIterator[None]:
    yield
    while OPENED:
        await OPENED.pop().close()


async def _open(port: int) -> RawConnection:
    conn = await RawConnection.open("127.0.0.1", port)
    OPENED.append(conn)
    return conn


async def test_half_a_head_gets_408_then_the_close(serve: Serve) -> None:
    conn = await _open(await serve())
    started = time.monotonic()
    await conn.send(b"GET /v1/pets HTTP/1.1\r\nHost: petstore.test\r\nX-Slow: ")
    reply = await conn.reply(within=TIMEOUT + 2)
    assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 1
    assert reply.status == 408
    assert reply.headers["content-type"] == "application/problem+json"
    body = reply.json()
    assert str(body["type"]).endswith("/request-timeout")
    assert body["traceId"] == reply.headers["x-request-id"]
    assert "X-Slow" not in reply.body.decode()
    assert await conn.closed_within(1.0)


async def test_a_silent_connection_is_closed_without_an_answer(serve: Serve) -> None:
    conn = await _open(await serve())
    started = time.monotonic()
    assert await conn.reader.read() == b""  # closed, nothing sent
    assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 1


async def test_a_keep_alive_connection_gets_a_fresh_head_timer(serve: Serve) -> None:
    conn = await _open(await serve())
    for _ in range(3):  # each request in time, though together they take longer
        await asyncio.sleep(TIMEOUT * 0.6)
        await conn.send(b"GET /healthz HTTP/1.1\r\nHost: petstore.test\r\n\r\n")
        assert (await conn.reply()).status == 200


async def test_half_a_body_gets_408_then_the_close(serve: Serve, rw: str) -> None:
    conn = await _open(await serve())
    await conn.send(
        b"POST /v1/pets HTTP/1.1\r\nHost: petstore.test\r\nAuthorization: Bearer "
        + rw.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        + b'{"name": '
    )
    started = time.monotonic()
    reply = await conn.reply(within=TIMEOUT + 2)
    assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 1
    assert reply.status == 408
    assert reply.json()["instance"] == "/v1/pets"
    assert await conn.closed_within(1.0)


@pytest.mark.parametrize(
    "caps",
    [{"max_connections_per_ip": 3}, {"max_connections": 3}],
    ids=["per-ip", "global"],
)
async def test_one_connection_past_the_cap_gets_503(serve: Serve, caps: dict[str, int]) -> None:
    port = await serve(header_timeout_seconds=10.0, **caps)
    held = [await _open(port) for _ in range(3)]
    extra = await _open(port)
    reply = await extra.reply()
    assert reply.status == 503
    assert reply.headers["retry-after"] == "1"
    assert reply.json()["retryAfter"] == 1
    assert await extra.closed_within(1.0)
    await held[0].close()
    await asyncio.sleep(0.1)  # the server sees the close
    again = await _open(port)
    await again.send(b"GET /healthz HTTP/1.1\r\nHost: petstore.test\r\n\r\n")
    assert (await again.reply()).status == 200


async def test_the_gateway_process_times_out_half_a_head(redis_url: str) -> None:
    """The same through `python -m gateway` (service_kit.runner serves every app this way)."""
    env = {"REDIS_URL": redis_url, "HEADER_TIMEOUT_SECONDS": str(TIMEOUT)}
    env["MAX_CONNECTIONS_PER_IP"] = "2"
    async with service("gateway", env) as gw:
        conn = await _open(gw.port)
        await conn.send(b"GET /v1/pets HTTP/1.1\r\nHost: petstore.test\r\n")
        reply = await conn.reply(within=TIMEOUT + 2)
        assert reply.status == 408
        page = await _open(gw.port)
        await page.send(b"GET /problems/request-timeout HTTP/1.1\r\nHost: petstore.test\r\n\r\n")
        assert (await page.reply()).status == 200  # the type URL resolves
        second, third = await _open(gw.port), await _open(gw.port)
        assert (await third.reply()).status == 503  # page and second hold the two slots
        await second.close()


async def test_the_pets_service_process_times_out_half_a_body(
    redis_url: str, key_prefix: str, token: TokenFactory
) -> None:
    env = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": key_prefix}
    env |= {"BODY_TIMEOUT_SECONDS": str(TIMEOUT), "PETSTORE_JWT_SECRET": TEST_SECRET}
    env["KAFKA_BOOTSTRAP_SERVERS"] = f"127.0.0.1:{free_port()}"
    async with service("pets_service", env) as pets:
        conn = await _open(pets.port)
        await conn.send(
            b"POST /v1/pets HTTP/1.1\r\nHost: pets.test\r\nAuthorization: Bearer "
            + token("read:pets", "write:pets").encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        reply = await conn.reply(within=TIMEOUT + 2)
        assert reply.status == 408
        assert str(reply.json()["type"]).endswith("/request-timeout")
        assert await conn.closed_within(1.0)
