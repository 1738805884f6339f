"""One upstream name behind two addresses (two real servers, 127.0.0.1 and 127.0.0.2 on the
same port): new connections spread over both, a connection is replaced after its requests
or its age, and the name is resolved again, so a replica added later gets its share and
one removed gets nothing more."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from gateway.http1 import Pool
from petstore_cli.embedded import free_port

A, B = "127.0.0.1", "127.0.0.2"


class Name:
    """What ``replicas.test`` resolves to now; a test changes it as DNS would."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = list(addresses)
        self.lookups = 0
        self.failing = False

    async def resolve(self, host: str, port: int) -> list[str]:
        assert host == "replicas.test"
        self.lookups += 1
        if self.failing:
            raise OSError("no DNS")
        return list(self.addresses)


async def who(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("s", "0")))
    return web.Response(text=request.app[ADDRESS])


ADDRESS = web.AppKey("address", str)


@pytest.fixture
async def port() -> AsyncIterator[int]:
    servers: list[TestServer] = []
    chosen = free_port()
    for address in (A, B):
        app = web.Application()
        app[ADDRESS] = address
        app.router.add_get("/who", who)
        server = TestServer(app, host=address, port=chosen)
        await server.start_server()
        servers.append(server)
    yield chosen
    for server in servers:
        await server.close()


@pytest.fixture
async def make_pool(port: int) -> AsyncIterator[Callable[..., Pool]]:
    pools: list[Pool] = []

    def make(name: Name, **options: Any) -> Pool:
        options = {"refresh": 60.0, "max_age": 60.0, "max_requests": 1000} | options
        pool = Pool(
            f"http://replicas.test:{port}",
            limit=64,
            keepalive=30.0,
            max_body=1024,
            resolver=name.resolve,
            **options,
        )
        pools.append(pool)
        return pool

    yield make
    for pool in pools:
        with contextlib.suppress(Exception):
            await pool.close()


async def _ask(pool: Pool, n: int, *, concurrent: bool, slow: float = 0.0) -> Counter[str]:
    path = f"/who?s={slow}"
    if concurrent:
        answers = await asyncio.gather(*(pool.request("GET", path, {}) for _ in range(n)))
    else:
        answers = [await pool.request("GET", path, {}) for _ in range(n)]
    assert {a.status for a in answers} == {200}
    return Counter(a.body.decode() for a in answers)


async def test_concurrent_connections_spread_over_both(make_pool: Callable[..., Pool]) -> None:
    pool = make_pool(Name(A, B))
    assert await _ask(pool, 20, concurrent=True, slow=0.1) == {A: 10, B: 10}
    assert pool.open_by_address == {A: 10, B: 10}


async def test_sequential_requests_rotate_with_max_requests(
    make_pool: Callable[..., Pool],
) -> None:
    pool = make_pool(Name(A, B), max_requests=5)
    assert await _ask(pool, 40, concurrent=False) == {A: 20, B: 20}


async def test_connections_are_replaced_after_max_age(make_pool: Callable[..., Pool]) -> None:
    pool = make_pool(Name(A, B), max_age=0.2)
    first = await _ask(pool, 5, concurrent=False)
    await asyncio.sleep(0.3)  # the connection's age passing is what is tested
    second = await _ask(pool, 5, concurrent=False)
    assert len(first) == len(second) == 1
    assert first.keys() != second.keys()  # the new connection went to the other address


async def test_a_replica_added_later_gets_its_share(make_pool: Callable[..., Pool]) -> None:
    name = Name(A)
    pool = make_pool(name, refresh=0.1, max_requests=5)
    assert await _ask(pool, 10, concurrent=False) == {A: 10}
    name.addresses = [A, B]
    await asyncio.sleep(0.15)  # past the refresh interval: the next new connection resolves
    assert await _ask(pool, 40, concurrent=False) == {A: 20, B: 20}
    assert name.lookups >= 2


async def test_a_replica_removed_gets_nothing_more(make_pool: Callable[..., Pool]) -> None:
    name = Name(A, B)
    pool = make_pool(name, refresh=0.1, max_requests=3)
    assert set(await _ask(pool, 10, concurrent=True, slow=0.05)) == {A, B}
    name.addresses = [B]
    await asyncio.sleep(0.15)
    await _ask(pool, 3, concurrent=False)  # worn connections go; new ones resolve again
    assert await _ask(pool, 20, concurrent=False) == {B: 20}
    assert A not in pool.open_by_address


async def test_a_failed_lookup_keeps_the_last_addresses(make_pool: Callable[..., Pool]) -> None:
    name = Name(A, B)
    pool = make_pool(name, refresh=0.05, max_requests=1)
    assert set(await _ask(pool, 4, concurrent=False)) == {A, B}
    asked = name.lookups
    name.failing = True
    await asyncio.sleep(0.1)
    assert set(await _ask(pool, 4, concurrent=False)) == {A, B}
    assert name.lookups > asked  # it was asked again, and failed
