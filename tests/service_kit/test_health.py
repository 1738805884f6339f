"""Readiness is logged once per change of state, not on every poll of /readyz."""

import asyncio
import logging

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiohttp import web
from aiohttp.test_utils import TestServer

from petstore_cli.embedded import Server
from service_kit.health import CACHE_SECONDS, setup_health
from service_kit.middleware import setup_problems
from tests.support import wait_until


async def poll_until(http: aiohttp.ClientSession, url: str, want: int) -> None:
    """Poll /readyz (results are cached for CACHE_SECONDS) until it answers ``want``."""

    async def status() -> int:
        async with http.get(url) as resp:
            return resp.status

    await wait_until(
        status,
        lambda got: got == want,
        within=10 * CACHE_SECONDS,
        interval=CACHE_SECONDS / 4,
        what=f"/readyz answering {want}",
    )


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "service_kit.health"]


async def test_one_line_per_state_change(
    own_redis: Server, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"redis://user:hunter2@127.0.0.1:{own_redis.port}/0"
    client = aioredis.Redis.from_url(f"redis://127.0.0.1:{own_redis.port}/0", socket_timeout=0.5)
    app = web.Application()

    async def ping() -> None:
        await client.ping()

    setup_problems(app, "http://localhost/problems/")
    setup_health(app, {"redis": ping}, targets={"redis": url})
    caplog.set_level(logging.INFO, logger="service_kit.health")
    own_redis.stop()
    where = f"redis://127.0.0.1:{own_redis.port}/0"
    async with TestServer(app) as server, aiohttp.ClientSession() as http:
        readyz = str(server.make_url("/readyz"))
        await poll_until(http, readyz, 503)
        await asyncio.sleep(CACHE_SECONDS * 1.5)  # the checks ran again, failing again
        await poll_until(http, readyz, 503)
        assert lines(caplog) == [f"waiting for redis at {where} (ConnectionError)"]
        own_redis.start()
        await poll_until(http, readyz, 200)
        assert lines(caplog)[1:] == [f"redis at {where} is reachable"]
        own_redis.stop()
        await poll_until(http, readyz, 503)
        assert len(lines(caplog)) == 3
        assert lines(caplog)[2].startswith(f"lost redis at {where} (")
    await client.aclose()
    assert "hunter2" not in caplog.text
