"""Shared fixtures: real Redis-protocol and Kafka-protocol servers on free ports, tokens."""

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio as aioredis

from petstore_cli.embedded import Server, free_port, kafka_server, redis_server
from service_kit.auth import mint_token
from tests.support import TEST_SECRET, TokenFactory


@pytest.fixture(scope="session")
def redis_proc() -> Iterator[Server]:
    """One Redis-protocol server for the whole run; tests isolate by key prefix."""
    server = redis_server(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_proc: Server) -> str:
    return f"redis://127.0.0.1:{redis_proc.port}/0"


@pytest.fixture
def own_redis() -> Iterator[Server]:
    """A Redis-protocol server of this test's own, that the test may stop and restart."""
    server = redis_server(free_port()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kafka_proc() -> Iterator[Server]:
    server = kafka_server(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def kafka_bootstrap(kafka_proc: Server) -> str:
    return f"127.0.0.1:{kafka_proc.port}"


@pytest.fixture
def key_prefix() -> str:
    return f"t{uuid.uuid4().hex[:12]}:"


@pytest.fixture
async def redis_client(redis_url: str, key_prefix: str) -> AsyncIterator[aioredis.Redis]:
    """A client for inspecting what a service wrote; removes this test's keys afterwards."""
    client = aioredis.Redis.from_url(redis_url, socket_timeout=2)
    yield client
    keys = [key async for key in client.scan_iter(match=f"{key_prefix}*", count=500)]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
def token() -> TokenFactory:
    """token(*scopes, sub="alice", ttl=3600, secret=TEST_SECRET) -> a signed JWT."""

    def make(
        *scopes: str, sub: str = "alice", ttl: int = 3600, secret: str = TEST_SECRET, **claims: str
    ) -> str:
        return mint_token(secret, sub=sub, scopes=scopes, ttl=ttl, **claims)

    return make
