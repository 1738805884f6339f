"""One access line per request at INFO (method, path, status, duration, traceId); at
WARNING the access middleware is not even installed. The stub stands for every service that
shares service_kit's middleware (the gateway has its own test)."""

import logging

import aiohttp
from aiohttp.test_utils import TestServer

from service_kit.observe import access_middleware
from tests.access_lines import access_lines
from weather_stub.app import create_app


async def test_each_request_logs_one_access_line_with_its_trace_id() -> None:
    with access_lines() as lines:
        server = TestServer(create_app())
        await server.start_server()
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(server.make_url("/v1/weather/pet-1")) as ok:
                    assert ok.status == 200
                    ok_trace = ok.headers["X-Request-ID"]
                async with http.get(server.make_url("/nowhere")) as missing:
                    assert missing.status == 404
                    missing_trace = missing.headers["X-Request-ID"]
                async with http.get(server.make_url("/healthz")) as probe:
                    assert probe.status == 200  # a probe: DEBUG, below INFO
        finally:
            await server.close()
    assert [(e["method"], e["path"], e["status"], e["traceId"]) for e in lines] == [
        ("GET", "/v1/weather/pet-1", 200, ok_trace),
        ("GET", "/nowhere", 404, missing_trace),
    ]
    assert all(e["level"] == "info" and e["durationMs"] >= 0 for e in lines)
    assert lines[0]["msg"] == f"GET /v1/weather/pet-1 200 {lines[0]['durationMs']:.1f} ms"


async def test_at_warning_nothing_is_added_to_a_request() -> None:
    with access_lines(logging.WARNING) as lines:
        app = create_app()
        server = TestServer(app)
        await server.start_server()
        try:
            assert access_middleware not in app.middlewares
            async with (
                aiohttp.ClientSession() as http,
                http.get(server.make_url("/v1/weather/pet-1")) as ok,
            ):
                assert ok.status == 200
        finally:
            await server.close()
    assert lines == []
