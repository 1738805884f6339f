"""The upstream client against hostile answers from a raw socket: a huge header block, too
many fields, trailers, statuses that are neither final nor interim, and an answer that
lands at the deadline."""

import asyncio
import time

import pytest

from gateway.http1 import MAX_HEAD_BYTES, MAX_HEADER_FIELDS, Malformed
from tests.gateway.fakes import answer, raw_server
from tests.gateway.support import PoolFactory

HUGE_VALUE = answer(
    b"HTTP/1.1 200 OK\nX-Big: " + b"a" * (20 * 1024 * 1024) + b"\nContent-Length: 0\n"
)
MANY_FIELDS = answer(
    b"HTTP/1.1 200 OK\n"
    + b"".join(b"X-F%d: v\n" % i for i in range(MAX_HEADER_FIELDS + 1))
    + b"Content-Length: 0\n"
)
LONG_BLOCK = answer(
    b"HTTP/1.1 200 OK\n"
    + b"".join(b"X-%d: %s\n" % (i, b"v" * 1000) for i in range(MAX_HEAD_BYTES // 1000 + 1))
    + b"Content-Length: 0\n"
)


@pytest.mark.parametrize(
    "reply",
    [
        HUGE_VALUE,
        MANY_FIELDS,
        LONG_BLOCK,
        answer(b"HTTP/1.1 099 Odd\nContent-Length: 0\n"),
        answer(b"HTTP/1.1 101 Switching Protocols\nContent-Length: 0\n"),
        answer(b"HTTP/1.1 101 Switching Protocols\nConnection: upgrade\nUpgrade: h2c\n"),
    ],
    ids=["20MB-header", "too-many-fields", "long-block", "status-099", "status-101", "upgrade"],
)
async def test_hostile_heads_are_malformed_at_once(make_pool: PoolFactory, reply: bytes) -> None:
    async with raw_server() as raw:
        raw.reply, raw.keep_open = reply, True
        pool = make_pool(raw.url, limit=4)
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        with pytest.raises(Malformed):
            await pool.request("GET", "/", {}, deadline=loop.time() + 3.0)
        assert time.monotonic() - started < 1.0  # refused, not waited out to the deadline
        assert pool.connections == 0


async def test_trailers_are_ignored(make_pool: PoolFactory) -> None:
    chunked = answer(
        b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nTrailer: Set-Cookie\n",
        b"2\r\nok\r\n0\r\nSet-Cookie: session=stolen\r\nX-Late: 1\r\n\r\n",
    )
    async with raw_server() as raw:
        raw.reply, raw.keep_open = chunked, True
        pool = make_pool(raw.url, limit=4)
        for _ in range(2):  # and the connection stays usable
            resp = await pool.request("GET", "/", {})
            assert (resp.status, resp.body) == (200, b"ok")
            assert "Set-Cookie" not in resp.headers
            assert "X-Late" not in resp.headers
        assert raw.connections == 1


async def test_an_answer_landing_after_the_deadline_fired_is_not_pooled(
    make_pool: PoolFactory,
) -> None:
    """The deadline's timer runs, then the answer arrives before the caller resumes: the
    connection must be gone at once, never idle in the pool for another request."""
    async with raw_server() as raw:
        raw.reply, raw.keep_open = b"", True  # reads requests, answers nothing by itself
        pool = make_pool(raw.url, limit=4)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 0.1
        seen: list[int] = []

        def answer_lands() -> None:  # scheduled after the pool's own timer, same instant
            for conn in list(pool._all):
                conn.data_received(answer(b"HTTP/1.1 200 OK\nContent-Length: 2\n", b"ok"))
            seen.append(len(pool._idle))

        request = asyncio.ensure_future(pool.request("GET", "/", {}, deadline=deadline))
        await asyncio.sleep(0.02)  # the request is sent and its timer set
        loop.call_at(deadline, answer_lands)
        with pytest.raises(TimeoutError):
            await request
        assert seen == [0]
        assert pool.connections == 0
