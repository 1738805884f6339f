"""Fixtures: the gateway in-process on port 0 against the session Redis and fake upstreams.

Every reply a test receives through ``Client`` is recorded, and each test ends by scanning
its replies for stack traces, file paths and upstream error bodies.
"""

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestServer

from gateway.app import create_app
from gateway.http1 import Pool
from gateway.settings import Settings
from pets_service.app import create_app as create_pets_app
from pets_service.settings import Settings as PetsSettings
from petstore_cli.embedded import free_port
from service_kit.metrics_port import METRICS_ADDRESS
from tests.gateway.fakes import POOL_BODY_LIMIT, fake_pets_app
from tests.gateway.leaks import RECORDED, scan
from tests.gateway.support import (
    BASE,
    Client,
    GatewayFactory,
    PetsStarter,
    PoolFactory,
    Upstream,
)
from tests.support import TEST_SECRET, TokenFactory


@pytest.fixture
async def fake_pets() -> AsyncIterator[Upstream]:
    server = TestServer(fake_pets_app())
    await server.start_server()
    yield Upstream(server)
    await server.close()


@pytest.fixture
async def shared_pets() -> AsyncIterator[Upstream]:
    """The fake pets service on 127.0.0.1, for gateway processes started by a test."""
    server = TestServer(fake_pets_app(), host="127.0.0.1")
    await server.start_server()
    yield Upstream(server)
    await server.close()


@pytest.fixture
async def start_pets(redis_url: str, key_prefix: str) -> AsyncIterator[PetsStarter]:
    """start_pets(**pets settings overrides) -> the URL of a real pets service on port 0.

    Its broker is a closed port unless a test passes ``kafka_bootstrap_servers``.
    """
    servers: list[TestServer] = []

    async def start(**overrides: Any) -> str:
        options: dict[str, Any] = {
            "redis_url": redis_url,
            "redis_key_prefix": key_prefix,
            "jwt_secret": TEST_SECRET,
            "problem_base_url": BASE,
            "kafka_bootstrap_servers": f"127.0.0.1:{free_port()}",
        }
        server = TestServer(create_pets_app(PetsSettings(**(options | overrides))))
        await server.start_server()
        servers.append(server)
        return str(server.make_url("")).rstrip("/")

    yield start
    for server in servers:
        await server.close()


@pytest.fixture
def settings(redis_url: str, key_prefix: str, fake_pets: Upstream) -> Settings:
    return Settings(
        redis_url=redis_url,
        redis_key_prefix=key_prefix,
        pets_service_url=fake_pets.url,
        weather_url="http://127.0.0.1:9",
        recommendations_url="http://127.0.0.1:9",
        jwt_secret=TEST_SECRET,
        problem_base_url=BASE,
        maintenance_refresh_seconds=0.1,
        metrics_port=0,
    )


@pytest.fixture
async def make_gateway(
    settings: Settings, redis_client: aioredis.Redis
) -> AsyncIterator[GatewayFactory]:
    """make_gateway(**settings overrides) -> a Client of a running gateway."""
    servers: list[TestServer] = []
    sessions: list[aiohttp.ClientSession] = []

    async def make(**overrides: Any) -> Client:
        app = create_app(dataclasses.replace(settings, **overrides))
        server = TestServer(app)
        await server.start_server()
        servers.append(server)
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        sessions.append(session)
        host, port = app[METRICS_ADDRESS]
        return Client(str(server.make_url("")), session, f"http://{host}:{port}/metrics")

    yield make
    for session in sessions:
        await session.close()
    for server in servers:
        await server.close()


@pytest.fixture
async def gw(make_gateway: GatewayFactory) -> Client:
    return await make_gateway()


@pytest.fixture
def rw(token: TokenFactory) -> str:
    return token("read:pets", "write:pets")


@pytest.fixture
def admin(token: TokenFactory) -> str:
    return token("admin", sub="root")


@pytest.fixture
async def make_pool() -> AsyncIterator[PoolFactory]:
    """make_pool(url, limit=8, keepalive=30.0, max_body=POOL_BODY_LIMIT) -> an upstream Pool,
    closed after the test."""
    pools: list[Pool] = []

    def make(
        url: str, *, limit: int = 8, keepalive: float = 30.0, max_body: int = POOL_BODY_LIMIT
    ) -> Pool:
        pool = Pool(url, limit=limit, keepalive=keepalive, max_body=max_body)
        pools.append(pool)
        return pool

    yield make
    for pool in pools:
        await pool.close()


@pytest.fixture(autouse=True)
def no_leaks() -> Any:
    """Fail the test if any reply it received leaks internals (see tests/gateway/leaks.py)."""
    start = len(RECORDED)
    yield
    leaks = scan(RECORDED[start:])
    assert not leaks, f"replies leaked internals: {leaks}"
