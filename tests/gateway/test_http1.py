"""The upstream HTTP/1.1 client against a real aiohttp server: keep-alive reuse, what is
sent, bodies in every framing, the connection limit, deadlines (the answers aiohttp would
never send: test_http1_raw.py)."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from gateway.http1 import Dropped, Pool
from tests.gateway.fakes import answer, raw_server
from tests.support import until


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "target": request.raw_path,
            "headers": [[k, v] for k, v in request.headers.items()],
            "body": body.decode(),
            "port": request.transport.get_extra_info("peername")[1] if request.transport else 0,
        },
        headers={"X-Multi": "1"},
    )


async def chunked(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    for part in (b"one,", b"two,", b"three"):
        await response.write(part)
    await response.write_eof()
    return response


async def status(request: web.Request) -> web.Response:
    return web.Response(status=int(request.match_info["code"]))


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("s", "0.05")))
    return await echo(request)


async def big(request: web.Request) -> web.Response:
    return web.Response(body=b"x" * int(request.match_info["size"]))


def app() -> web.Application:
    application = web.Application()
    application.router.add_route("*", "/echo/{tail:.*}", echo)
    application.router.add_get("/chunked", chunked)
    application.router.add_get("/status/{code}", status)
    application.router.add_get("/slow", slow)
    application.router.add_get("/big/{size}", big)
    return application


@pytest.fixture
async def server() -> AsyncIterator[TestServer]:
    srv = TestServer(app(), keepalive_timeout=30)
    await srv.start_server()
    yield srv
    await srv.close()


def url_of(server: TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


async def test_keep_alive_reuses_one_connection(server: TestServer, make_pool: Any) -> None:
    pool = make_pool(url_of(server))
    ports = set()
    for _ in range(5):
        resp = await pool.request("GET", "/echo/x", {})
        assert resp.status == 200
        assert resp.headers["content-type"].startswith("application/json")
        assert resp.headers["X-MULTI"] == "1"
        ports.add(orjson.loads(resp.body)["port"])
    assert len(ports) == 1
    assert pool.connections == 1


async def test_request_is_sent_as_given(server: TestServer, make_pool: Any) -> None:
    pool = make_pool(url_of(server))
    target = "/echo/a%2Fb%20c?q=%C3%A9&x=1"
    resp = await pool.request("POST", target, {"X-Request-ID": "r-1", "Accept": "*/*"}, b'{"a":1}')
    sent = orjson.loads(resp.body)
    headers = dict(sent["headers"])
    assert (sent["method"], sent["target"], sent["body"]) == ("POST", target, '{"a":1}')
    assert headers["Content-Length"] == "7"
    assert headers["Host"] == f"127.0.0.1:{server.port}"
    assert headers["X-Request-ID"] == "r-1"
    assert "User-Agent" not in headers
    assert "Accept-Encoding" not in headers
    for method, length in (("GET", None), ("DELETE", None), ("PUT", "0"), ("PATCH", "0")):
        sent = orjson.loads((await pool.request(method, "/echo/y", {})).body)
        assert dict(sent["headers"]).get("Content-Length") == length, method


async def test_bodies_in_every_framing(server: TestServer, make_pool: Any) -> None:
    pool = make_pool(url_of(server))
    chunks = await pool.request("GET", "/chunked", {})
    assert (chunks.status, chunks.body) == (200, b"one,two,three")
    for code in (204, 304, 404, 500):
        resp = await pool.request("GET", f"/status/{code}", {})
        assert (resp.status, resp.body) == (code, b"")
    assert (await pool.request("GET", "/big/1000", {})).body == b"x" * 1000
    assert pool.connections == 1  # every framing left the connection usable


async def test_connection_limit_queues_requests(server: TestServer, make_pool: Any) -> None:
    pool = make_pool(url_of(server), limit=2)
    replies = await asyncio.gather(*(pool.request("GET", "/slow", {}) for _ in range(6)))
    ports = {orjson.loads(r.body)["port"] for r in replies}
    assert [r.status for r in replies] == [200] * 6
    assert len(ports) <= 2
    assert pool.connections <= 2


async def test_a_request_given_up_frees_its_connection(server: TestServer, make_pool: Any) -> None:
    pool = make_pool(url_of(server), limit=1)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await pool.request("GET", "/slow?s=5", {})
    async with asyncio.timeout(2):  # the only slot is free again, on a new connection
        resp = await pool.request("GET", "/echo/after", {})
    assert resp.status == 200


async def test_deadline_bounds_the_answer_and_the_wait_for_a_slot(
    server: TestServer, make_pool: Any
) -> None:
    pool = make_pool(url_of(server), limit=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TimeoutError):
        await pool.request("GET", "/slow?s=5", {}, deadline=started + 0.1)
    assert 0.1 <= loop.time() - started < 0.2
    assert pool.connections == 0  # the late answer's connection is closed
    slow = asyncio.ensure_future(pool.request("GET", "/slow?s=0.3", {}))
    while not pool.connections:  # the slow request holds the only connection
        assert loop.time() - started < 2
        await asyncio.sleep(0.005)
    started = loop.time()
    with pytest.raises(TimeoutError):  # the one connection is busy: no slot in time
        await pool.request("GET", "/echo/x", {}, deadline=started + 0.05)
    assert loop.time() - started < 0.15
    assert (await slow).status == 200
    assert (await pool.request("GET", "/echo/x", {}, deadline=loop.time() + 2)).status == 200


async def test_connection_closed_by_the_server_is_not_reused(make_pool: Any) -> None:
    async with raw_server() as raw:
        raw.reply = answer(b"HTTP/1.1 200 OK\nContent-Length: 2\n", b"ok")  # then it closes
        pool = make_pool(raw.url)
        assert (await pool.request("GET", "/", {})).body == b"ok"
        # the close reaches the idle connection
        await until(lambda: not pool.connections, within=2, interval=0.005)
        assert (await pool.request("GET", "/", {})).body == b"ok"
        assert raw.connections == 2


async def test_idle_connections_expire(server: TestServer, make_pool: Any) -> None:
    pool = make_pool(url_of(server), keepalive=0.01)
    first = orjson.loads((await pool.request("GET", "/echo/1", {})).body)["port"]
    await asyncio.sleep(0.02)  # the keep-alive time passing is what is tested
    second = orjson.loads((await pool.request("GET", "/echo/2", {})).body)["port"]
    assert first != second


async def test_refuses_to_send_what_it_cannot_frame(server: TestServer, make_pool: Any) -> None:
    pool = make_pool(url_of(server))
    for headers, target in (({"X-A": "a\r\nX-Injected: 1"}, "/echo/x"), ({}, "/x HTTP/1.1\r\n")):
        with pytest.raises(ValueError, match="CR, LF"):
            await pool.request("GET", target, headers)
    with pytest.raises(ValueError, match="HEAD"):
        await pool.request("HEAD", "/echo/x", {})
    with pytest.raises(ValueError, match="http"):
        Pool("ftp://x", limit=1, keepalive=1, max_body=1)
    assert pool.connections == 0


async def test_closing_the_pool_closes_connections_in_use(
    server: TestServer, make_pool: Any
) -> None:
    pool = make_pool(url_of(server))
    pending = asyncio.ensure_future(pool.request("GET", "/slow?s=5", {}))
    await until(lambda: bool(pool.connections), within=2, interval=0.005)
    await pool.close()
    with pytest.raises(Dropped):
        await pending
    assert pool.connections == 0
    with pytest.raises(Dropped):
        await pool.request("GET", "/echo/x", {})


async def test_https_upstreams_are_accepted(make_pool: Any) -> None:
    pool = make_pool("https://example.invalid:8443/base/")
    assert (pool.host, pool.port, pool.prefix, pool.ssl is not None) == (
        "example.invalid",
        8443,
        "/base",
        True,
    )
    assert pool.host_header == "example.invalid:8443"
