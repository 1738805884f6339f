"""The pipelined Redis client of the rate limiter, against real Redis-protocol servers."""

import asyncio
import time

import pytest

from gateway.resp import ConnectionDown, RespClient, RespError
from petstore_cli.embedded import Server, free_port, redis_server
from tests.support import silent_server


async def test_one_write_per_tick_and_replies_in_order(redis_url: str, key_prefix: str) -> None:
    writes: list[int] = []
    client = RespClient(redis_url, timeout=1.0, on_write=writes.append)
    try:
        assert await client.execute("PING") == b"PONG"
        replies = await asyncio.gather(
            *(client.execute("ECHO", f"m{i}") for i in range(50)),
            client.execute("INCRBY", f"{key_prefix}n", 5),
        )
        assert replies == [f"m{i}".encode() for i in range(50)] + [5]
        assert writes == [1, 51]
        await client.execute("DEL", f"{key_prefix}n")
    finally:
        await client.close()


async def test_error_reply_fails_only_its_command(redis_url: str) -> None:
    client = RespClient(redis_url, timeout=1.0)
    try:
        results = await asyncio.gather(
            client.execute("EVALSHA", "0" * 40, 0),
            client.execute("ECHO", "still fine"),
            return_exceptions=True,
        )
        assert isinstance(results[0], RespError)
        assert str(results[0]).startswith("NOSCRIPT")
        assert results[1] == b"still fine"
    finally:
        await client.close()


async def test_reconnects_after_a_restart(own_redis: Server) -> None:
    client = RespClient(f"redis://127.0.0.1:{own_redis.port}/0", timeout=1.0)
    try:
        assert await client.execute("PING") == b"PONG"
        own_redis.stop()
        with pytest.raises((ConnectionDown, OSError)):
            await client.execute("PING")
        own_redis.start()
        assert await client.execute("PING") == b"PONG"
    finally:
        await client.close()


async def test_silence_is_bounded_by_the_timeout() -> None:
    async with silent_server() as port:
        client = RespClient(f"redis://127.0.0.1:{port}/0", timeout=0.2)
        started = time.monotonic()
        results = await asyncio.gather(
            *(client.execute("PING") for _ in range(3)), return_exceptions=True
        )
        assert all(isinstance(r, ConnectionDown) for r in results)
        assert 0.2 <= time.monotonic() - started < 0.4
        await client.close()


async def test_refused_fails_fast() -> None:
    client = RespClient(f"redis://127.0.0.1:{free_port()}/0", timeout=1.0)
    started = time.monotonic()
    with pytest.raises(ConnectionRefusedError):
        await client.execute("PING")
    assert time.monotonic() - started < 0.5
    await client.close()


async def test_password_and_database_from_the_url() -> None:
    server = redis_server(free_port())
    server.argv += ["--requirepass", "s3cret"]
    server.start()
    try:
        url = f"redis://:s3cret@127.0.0.1:{server.port}/3"
        client = RespClient(url, timeout=1.0)
        await client.execute("SET", "where", "db3")
        assert await client.execute("GET", "where") == b"db3"
        await client.execute("SELECT", 0)
        assert await client.execute("GET", "where") is None
        await client.close()
        wrong = RespClient(f"redis://:nope@127.0.0.1:{server.port}/0", timeout=1.0)
        with pytest.raises(RespError):
            await wrong.execute("PING")
        await wrong.close()
    finally:
        server.stop()


async def test_a_caller_giving_up_does_not_hide_an_older_command() -> None:
    """The watchdog covers the oldest pending command, not only the last of its write: the
    later command's caller cancels, the earlier one still ends within the timeout."""
    async with silent_server() as port:
        client = RespClient(f"redis://127.0.0.1:{port}/0", timeout=0.2)
        first = asyncio.ensure_future(client.execute("GET", "a"))
        last = asyncio.ensure_future(client.execute("GET", "b"))
        await asyncio.sleep(0.05)  # both written, in one write, unanswered
        last.cancel()
        started = time.monotonic()
        async with asyncio.timeout(1.0):
            with pytest.raises(ConnectionDown):
                await first
        assert time.monotonic() - started < 0.4
        await client.close()
