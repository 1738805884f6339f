"""Fixtures for end-to-end tests: one running suite for the whole session."""

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.client import Api
from tests.e2e.harness import EXTERNAL_STATE_VAR, RunningSuite, attach_suite, start_suite

# Slower than the default 50 ms, so a record is observably PROCESSING for a while after its 202.
SUITE_ENV = {"RECORD_PROCESSING_DELAY_MS": "500"}


@pytest.fixture(scope="session")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    external = os.environ.get(EXTERNAL_STATE_VAR)
    if external:  # `make compose-test`: the compose stack, started with these settings
        yield attach_suite(Path(external))
        return
    running = start_suite(tmp_path_factory.mktemp("suite"), extra_env=SUITE_ENV)
    yield running
    running.stop()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
async def api(suite: RunningSuite) -> AsyncIterator[Api]:
    """A client of the session's suite with a token subject of this test's own."""
    async with aiohttp.ClientSession() as http:
        client = Api(suite, http)
        yield client
        await client.cleanup()
