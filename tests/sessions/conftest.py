"""One suite of real processes (Redis, Kafka, the services) for the fault-session tests."""

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from tests.resilience.harness import Suite, build_suite
from tests.sessions.client import Faults
from tests.support import TokenFactory

SETTINGS = {
    "REDIS_KEY_PREFIX": "sessions:",
    "RATE_LIMIT": "1000000000",
    "SHUTDOWN_TIMEOUT_SECONDS": "5",
}


@pytest.fixture(scope="package")
def running_suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    from tests.resilience.harness import SUITE_SETTINGS

    suite = build_suite(
        tmp_path_factory.mktemp("sessions"),
        {"PETSTORE_JWT_SECRET": SUITE_SETTINGS["PETSTORE_JWT_SECRET"], **SETTINGS},
    )
    try:
        suite.start()
        yield suite
    finally:
        suite.stop()


@pytest.fixture
def suite(running_suite: Suite) -> Iterator[Suite]:
    running_suite.heal()
    yield running_suite
    exits = running_suite.unexpected_exits()
    running_suite.heal()
    assert not exits, "\n".join(exits)


@pytest.fixture
async def faults(suite: Suite, token: TokenFactory) -> AsyncIterator[Faults]:
    """A client of the suite's gateway; ends every session it started."""
    timeout = aiohttp.ClientTimeout(total=20)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        # aiohttp re-sends an idempotent request once by itself when its connection drops
        # before the answer: that would hide the very drop a test looks at.
        http._retry_connection = False
        client = Faults(suite.gateway, http, token)
        yield client
        await client.cleanup()
