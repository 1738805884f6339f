"""hello-world, and both load generators against a real in-process server."""

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from bench.hello import BODY, create_app
from bench.load import python_command, render_lua, run_load, wrk_command
from bench.loadgen import percentile
from bench.tools import which

HEADERS = {"Authorization": "Bearer abc.def.ghi"}


async def test_hello_answers_every_path() -> None:
    async with TestClient(TestServer(create_app())) as client:
        resp = await client.get("/v1/pets/0192f0c4-aaaa-7bbb-8ccc-123456789abc")
        assert resp.status == 200
        assert await resp.text() == BODY
        assert (await client.post("/")).status == 405


def guarded_app() -> web.Application:
    """200 only with the expected Authorization header, as the services answer."""

    async def get_pet(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != HEADERS["Authorization"]:
            return web.Response(status=401)
        return web.json_response({"id": request.match_info["pet_id"]})

    app = web.Application()
    app.router.add_get("/v1/pets/{pet_id}", get_pet)
    return app


@pytest.fixture
async def server() -> AsyncIterator[TestServer]:
    srv = TestServer(guarded_app(), host="127.0.0.1")
    async with srv:
        yield srv


async def test_python_loadgen_sends_headers_and_counts(server: TestServer) -> None:
    url = str(server.make_url("/v1/pets/p1"))
    argv = python_command(url, HEADERS, connections=2, duration_s=0.5)
    assert argv[:3] == [sys.executable, "-m", "bench.loadgen"]
    result, cpu = await run_load(argv, 20)
    assert result.requests > 50
    assert result.errors == 0
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms
    assert 0.4 < result.duration_s < 2.0
    assert cpu > 0


async def test_python_loadgen_counts_error_answers(server: TestServer) -> None:
    argv = python_command(str(server.make_url("/v1/pets/p1")), {}, connections=1, duration_s=0.3)
    result, _ = await run_load(argv, 20)
    assert result.requests > 0
    assert result.errors == result.requests  # every answer was a 401


@pytest.mark.skipif(
    which("wrk") is None, reason="wrk is missing: make test and make bench install it as root"
)
async def test_wrk_with_the_script_sends_headers(server: TestServer, tmp_path: Path) -> None:
    wrk = which("wrk")
    assert wrk is not None
    script = tmp_path / "bench.lua"
    script.write_text(render_lua(HEADERS))
    url = str(server.make_url("/v1/pets/p1"))
    result, cpu = await run_load(
        wrk_command(wrk, url, connections=2, duration_s=1, script=script), 20
    )
    assert result.requests > 50
    assert result.errors == 0
    assert 0 < result.p50_ms <= result.p99_ms
    assert cpu > 0
    bad = tmp_path / "bad.lua"
    bad.write_text(render_lua({"Authorization": "Bearer wrong"}))
    result, _ = await run_load(wrk_command(wrk, url, connections=1, duration_s=1, script=bad), 20)
    assert result.errors == result.requests > 0


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) == 0.0
