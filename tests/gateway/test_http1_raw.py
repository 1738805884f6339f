"""The upstream HTTP/1.1 client against a raw TCP server, for the answers aiohttp would never
send: interim, until-close and HTTP/1.0 answers, and every way an answer can be broken."""

import pytest

from gateway.http1 import Dropped, Malformed, NotSent
from petstore_cli.embedded import free_port
from tests.gateway.fakes import POOL_BODY_LIMIT as LIMIT
from tests.gateway.fakes import answer, raw_server
from tests.gateway.support import PoolFactory


@pytest.mark.parametrize(
    ("reply", "keep_open", "status", "body", "connections"),
    [
        (
            answer(
                b"HTTP/1.1 103 Early Hints\nLink: </a>\n\nHTTP/1.1 200 OK\nContent-Length: 2\n",
                b"ok",
            ),
            True,
            200,
            b"ok",
            1,
        ),
        (
            answer(b"HTTP/1.1 200 OK\nConnection: close\n", b"until the end"),
            False,
            200,
            b"until the end",
            2,
        ),
        (answer(b"HTTP/1.0 200 OK\nContent-Length: 2\n", b"ok"), True, 200, b"ok", 2),
        (answer(b"HTTP/1.1 201 Created\nContent-Length: 2\n", b"okEXTRA"), True, 201, b"ok", 2),
    ],
    ids=["interim-103", "until-close", "http-1.0", "extra-bytes"],
)
async def test_odd_but_valid_answers(
    make_pool: PoolFactory,
    reply: bytes,
    keep_open: bool,
    status: int,
    body: bytes,
    connections: int,
) -> None:
    """An interim answer is skipped; the others leave a connection nobody may use again."""
    async with raw_server() as raw:
        raw.reply, raw.keep_open = reply, keep_open
        pool = make_pool(raw.url)
        for _ in range(2):
            resp = await pool.request("GET", "/", {})
            assert (resp.status, resp.body) == (status, body)
        assert raw.connections == connections


async def test_keep_alive_with_a_raw_server(make_pool: PoolFactory) -> None:
    async with raw_server() as raw:
        raw.reply, raw.keep_open = answer(b"HTTP/1.1 200 OK\nContent-Length: 2\n", b"ok"), True
        pool = make_pool(raw.url)
        for _ in range(3):
            assert (await pool.request("GET", "/", {})).body == b"ok"
        assert (raw.connections, raw.requests) == (1, 3)


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (b"NOT HTTP AT ALL\r\n\r\n", Malformed),
        (answer(b"HTTP/1.1 200 OK\nContent-Length: abc\n"), Malformed),
        (answer(b"HTTP/1.1 200 OK\nContent-Length: 10\n", b"short"), Malformed),
        (answer(b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", b"zz\r\n"), Malformed),
        (answer(b"HTTP/1.1 200 OK\nContent-Length: 999999\n"), Malformed),
        (answer(b"HTTP/1.1 200 OK\nConnection: close\n", b"x" * (LIMIT + 1)), Malformed),
        (answer(b"HTTP/1.1 200 OK\nX-Folded: a\n b\nContent-Length: 0\n"), Malformed),
        (b"HTTP/1.1 200 OK\r\nContent-Le", Dropped),
        (b"", Dropped),
    ],
    ids=[
        "not-http",
        "bad-length",
        "truncated",
        "bad-chunk",
        "declared-too-large",
        "too-large",
        "obs-fold",
        "head-cut",
        "closed",
    ],
)
async def test_broken_answers(make_pool: PoolFactory, reply: bytes, error: type[Exception]) -> None:
    async with raw_server() as raw:
        raw.reply = reply
        pool = make_pool(raw.url)
        with pytest.raises(error):
            await pool.request("GET", "/", {})
        assert pool.connections == 0


async def test_reset_is_dropped_and_refused_is_not_sent(make_pool: PoolFactory) -> None:
    async with raw_server() as raw:
        raw.reset = True
        with pytest.raises(Dropped):
            await make_pool(raw.url).request("GET", "/", {})
    with pytest.raises(NotSent):
        await make_pool(f"http://127.0.0.1:{free_port()}").request("GET", "/", {})
