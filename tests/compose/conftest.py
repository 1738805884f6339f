"""The container test's fixtures: the stack `make compose-test` started (its state file).

Collected only under `make compose-test` (PETSTORE_E2E_STATE names the stack), not by
`make test`, which has no containers.
"""

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.compose.engine import Engine
from tests.e2e.harness import EXTERNAL_STATE_VAR

collect_ignore_glob = [] if os.environ.get(EXTERNAL_STATE_VAR) else ["test_*.py"]


@pytest.fixture(scope="session")
def engine() -> Engine:
    state = json.loads(Path(os.environ[EXTERNAL_STATE_VAR]).read_text())
    return Engine(state)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
        yield session
