"""Fixtures: the pets service in-process on a free port, against the session Redis."""

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from pets_service.app import create_app
from pets_service.settings import Settings
from petstore_cli.embedded import free_port
from tests.pets_service.helpers import BASE, Client, bearer
from tests.support import TEST_SECRET, TokenFactory


@pytest.fixture
def settings(redis_url: str, key_prefix: str) -> Settings:
    return Settings(
        redis_url=redis_url,
        redis_key_prefix=key_prefix,
        jwt_secret=TEST_SECRET,
        problem_base_url=BASE,
        # Pets need no broker: point the records producer at a port nothing listens on.
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


@pytest.fixture
def rw(token: TokenFactory) -> dict[str, str]:
    """Headers of a caller who may read and write pets."""
    return bearer(token("read:pets", "write:pets"))


@pytest.fixture
def reader(token: TokenFactory) -> dict[str, str]:
    return bearer(token("read:pets"))
