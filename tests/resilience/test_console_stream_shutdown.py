"""SIGTERM with a console open: the live feed ends at once, so the drain is not held up."""

import asyncio
import time

import aiohttp

from tests.resilience.harness import SUITE_SETTINGS, Suite
from tests.support import TokenFactory

SHUTDOWN_TIMEOUT = float(SUITE_SETTINGS["SHUTDOWN_TIMEOUT_SECONDS"])


async def test_sigterm_ends_open_event_streams_and_the_gateway_exits_in_time(
    suite: Suite, http: aiohttp.ClientSession, token: TokenFactory
) -> None:
    gateway = suite.part("gateway")
    auth = {"Authorization": "Bearer " + token("admin", sub="console-shutdown")}
    streams = [await http.get(gateway.url + "/admin/events", headers=auth) for _ in range(3)]
    for resp in streams:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        assert await resp.content.readuntil(b"\n\n") == b"retry: 2000\n\n"
    started = time.monotonic()
    code = await asyncio.to_thread(gateway.terminate)
    took = time.monotonic() - started
    assert code == 0, gateway.tail()
    # An open stream that held the server would make it wait out the whole drain.
    assert took < SHUTDOWN_TIMEOUT - 1, f"exit took {took:.1f} s"
    for resp in streams:
        await asyncio.wait_for(resp.content.read(), 5)  # ended: end of stream, not a hang
        assert resp.content.at_eof()
        resp.release()
