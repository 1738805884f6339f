"""ProblemAppRunner: an app served by it answers what aiohttp's parser refuses as problems."""

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from service_kit.jsonutil import json_response
from service_kit.middleware import setup_problems
from service_kit.protocol import MAX_REQUEST_LINE, ProblemAppRunner
from tests.rawhttp import RawReply, exchange

BASE = "http://problems.test/problems/"


async def hello(request: web.Request) -> web.Response:
    return json_response({"hello": "world"})


@pytest.fixture
async def url() -> AsyncIterator[str]:
    app = web.Application()
    setup_problems(app, BASE)
    app.router.add_get("/hello", hello)
    runner = ProblemAppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


def problem(reply: RawReply, status: int, slug: str) -> None:
    assert reply.version == "HTTP/1.1", reply
    assert reply.status == status, reply
    assert reply.media_type == "application/problem+json", reply
    body = reply.json()
    assert body["type"] == BASE + slug, body
    assert body["traceId"] == reply.headers["X-Request-ID"], reply
    assert reply.headers["Server"] == "petstore", reply


@pytest.mark.parametrize(
    ("request_bytes", "status", "slug"),
    [
        (b"FOO /hello HTTP/1.1\r\nHost: t\r\n\r\n", 501, "not-implemented"),
        (b"hello\r\n\r\n", 400, "bad-request"),
        (b"GET /" + b"a" * MAX_REQUEST_LINE + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414, "uri-too-long"),
        (
            b"GET /hello HTTP/1.1\r\nHost: t\r\nX-A: " + b"a" * 9000 + b"\r\n\r\n",
            431,
            "request-header-fields-too-large",
        ),
        (b"GET /hello HTTP/1.1\r\nHost: t\r\nsecret token\r\n\r\n", 400, "bad-request"),
    ],
)
async def test_parser_errors(url: str, request_bytes: bytes, status: int, slug: str) -> None:
    reply = await exchange(url, request_bytes)
    problem(reply, status, slug)
    assert b"secret" not in reply.raw
    assert b"aaaa" not in reply.raw


async def test_a_request_line_at_the_limit_is_served(url: str) -> None:
    path = b"/hello?" + b"a" * (MAX_REQUEST_LINE - len(b"/hello?"))
    reply = await exchange(
        url, b"GET " + path + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    assert reply.status == 200, reply


async def test_methods_and_negotiation(url: str) -> None:
    head = await exchange(url, b"HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n", head=True)
    assert head.status == 200, head
    assert head.headers["Content-Length"] == "17", head
    options = await exchange(
        url, b"OPTIONS /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    assert options.status == 204, options
    assert options.headers["Allow"] == "GET, HEAD", options
    propfind = await exchange(url, b"PROPFIND /hello HTTP/1.1\r\nHost: t\r\n\r\n")
    problem(propfind, 501, "not-implemented")
    xml = await exchange(
        url,
        b"GET /hello HTTP/1.1\r\nHost: t\r\nAccept: application/xml\r\nConnection: close\r\n\r\n",
    )
    problem(xml, 406, "not-acceptable")


async def test_an_error_no_middleware_caught_is_a_bare_500() -> None:
    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("secret detail /srv/app/secret.py")

    app = web.Application()  # no problem middleware: the error reaches aiohttp's handler
    app.router.add_get("/boom", boom)
    runner = ProblemAppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        reply = await exchange(f"http://{host}:{port}", b"GET /boom HTTP/1.1\r\nHost: t\r\n\r\n")
    finally:
        await runner.cleanup()
    assert reply.status == 500, reply
    assert reply.media_type == "application/problem+json", reply
    body = reply.json()
    assert body["type"] == "/problems/internal-error", body
    assert body["instance"] == "/boom", body
    assert b"secret" not in reply.raw
