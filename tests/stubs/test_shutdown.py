"""Held and slowed requests end promptly and quietly when the stub shuts down."""

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from petstore_cli.embedded import free_port, wait_port
from tests.stubs.helpers import set_fault, wait_for_state
from tests.support import until
from weather_stub.app import create_app
from weather_stub.settings import Settings

PATH = "/v1/weather/pet-1"


@pytest.fixture
def stub_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`python -m weather_stub` holding every data request (timeout mode), and its log."""
    port = free_port()
    env = {
        **os.environ,
        "WEATHER_STUB_PORT": str(port),
        "STUB_FAULT": '{"mode": "timeout"}',
        "SHUTDOWN_TIMEOUT_SECONDS": "30",
    }
    log = tmp_path / "stub.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "weather_stub"], env=env, stdout=out, stderr=out
        )
    try:
        wait_port(port, proc, 15.0)
        yield proc, port, log
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


@pytest.mark.parametrize(
    "spec",
    [
        {"mode": "timeout"},
        {"mode": "latency", "delayMs": 60_000},
        {"mode": "slow-body", "bytesPerSecond": 10},
    ],
)
async def test_shutdown_ends_pending_faults_without_errors(
    spec: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = TestServer(create_app(Settings()))
    client = TestClient(server)
    await client.start_server()
    try:
        await set_fault(client, **spec)

        async def fetch() -> bytes:
            async with client.get(PATH) as resp:
                return await resp.read()

        pending = asyncio.create_task(fetch())
        await wait_for_state(client, lambda s: s["counters"]["requests"] == 1)
        started = time.monotonic()
        await server.close()
        assert time.monotonic() - started < 2.0
        with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
            await pending
    finally:
        await client.close()
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert noisy == []


async def until_holding(session: aiohttp.ClientSession, base: str, n: int) -> None:
    """Poll the stub until it holds ``n`` requests; fail after 5 s."""

    async def holding() -> bool:
        async with session.get(base + "/admin/faults") as resp:
            return bool((await resp.json())["holding"] == n)

    await until(holding, within=5, interval=0.02, what=f"{n} held requests")


async def test_a_real_stub_lets_go_of_abandoned_requests_and_stops_on_sigterm(
    stub_process: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    proc, port, log = stub_process
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        # A client that gives up: the stub notices and stops holding its request.
        with pytest.raises(TimeoutError):
            await session.get(base + PATH, timeout=aiohttp.ClientTimeout(total=0.3))
        await until_holding(session, base, 0)
        # A client that waits: SIGTERM ends its request at once, not after the drain timeout.
        pending = asyncio.create_task(session.get(base + PATH))
        await until_holding(session, base, 1)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 10)
        assert time.monotonic() - started < 3.0
        with pytest.raises(aiohttp.ClientError):
            await pending
    assert code == 0
    text = log.read_text()
    assert '"level":"info"' in text
    assert "Traceback" not in text
    assert '"level":"error"' not in text
    assert '"level":"warning"' not in text
