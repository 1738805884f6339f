"""The shared Redis client: every call ends in time, and a cancel always ends its task."""

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from service_kit.redis_client import connect
from tests.support import silent_server


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A server that accepts connections and never answers (a hung Redis)."""
    async with silent_server() as port:
        yield port


async def _pipelined(client: Redis) -> None:
    async with client.pipeline(transaction=True) as pipe:
        pipe.set("k", "v")
        pipe.get("k")
        await pipe.execute()


@pytest.mark.parametrize("kind", ["command", "pipeline"])
async def test_a_hung_redis_is_a_redis_error_within_the_timeout(
    silent_port: int, kind: str
) -> None:
    client = connect(f"redis://127.0.0.1:{silent_port}/0", timeout=0.2, max_connections=2)
    started = time.monotonic()
    call = client.get("k") if kind == "command" else _pipelined(client)
    try:
        with pytest.raises(RedisError):
            await call
    finally:
        await client.aclose(close_connection_pool=True)
    assert time.monotonic() - started < 0.6


async def test_commands_scripts_and_pipelines_work(redis_url: str, key_prefix: str) -> None:
    client = connect(redis_url, timeout=0.5, max_connections=2)
    key = key_prefix + "bounded"
    try:
        async with client.pipeline(transaction=True) as pipe:
            pipe.set(key, "1")
            pipe.incr(key)
            assert await pipe.execute() == [True, 2]
        script = client.register_script("return redis.call('INCR', KEYS[1])")
        assert await script(keys=[key]) == 3
        assert await client.get(key) == b"3"
    finally:
        await client.delete(key)
        await client.aclose(close_connection_pool=True)


async def test_a_cancelled_loop_of_calls_always_stops(redis_url: str, key_prefix: str) -> None:
    """Cancelled at any moment of a call, the task ends (the old SIGTERM hang, every service)."""
    client = connect(redis_url, timeout=0.5, max_connections=2)
    key = key_prefix + "loop"

    async def busy() -> None:
        while True:
            await client.set(key, "x")
            async with client.pipeline(transaction=False) as pipe:
                pipe.get(key)
                pipe.exists(key)
                await pipe.execute()

    rng = random.Random(11)
    try:
        for _ in range(200):
            task = asyncio.create_task(busy())
            await asyncio.sleep(rng.random() * 0.003)
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=1.0)
            assert done, "the task ignored its cancellation"
            assert task.cancelled()
    finally:
        with contextlib.suppress(RedisError):
            await client.delete(key)
        await client.aclose(close_connection_pool=True)
