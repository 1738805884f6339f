"""The open-loop load on wrk (bench/openloop.lua): every slot sent once, each answer matched
to its slot by the X-Request-ID the server answers with, latencies from the intended time."""

import shutil
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from bench.openloop_wrk import percentile_ms, summarize, wrk_open_loop


def test_percentiles_of_the_buckets() -> None:
    # 20 µs buckets below 20 ms, then 1 ms buckets (key 1000 + ms)
    buckets = {50: 98, 1000 + 40: 1, 1000 + 900: 1}
    assert percentile_ms(buckets, 0.50) == pytest.approx(1.0)
    assert percentile_ms(buckets, 0.99) == 900.0
    assert percentile_ms({}, 0.99) is None


def test_the_result_document_is_the_python_generators() -> None:
    raw = {"sent": 12, "unmatched": 1, "errors": 0, "buckets": {"20000050": 9, "50001040": 1}}
    doc = summarize(raw, rate=6.0, duration=2.0, seconds=3.0)
    assert doc["by_status"] == {"200": 9, "500": 1}
    assert doc["unanswered"] == 1  # 12 sent, 10 matched, 1 unmatched
    assert doc["ok_per_s"] == 4.5
    assert doc["ok_p99_ms"] == pytest.approx(1.0)
    assert doc["shed_p99_ms"] is None


async def _echo(request: web.Request) -> web.Response:
    status = int(request.match_info["status"])
    request_id = request.headers.get("X-Request-ID", "")
    return web.Response(status=status, text="x", headers={"X-Request-ID": request_id})


@pytest.mark.skipif(
    shutil.which("wrk") is None,
    reason="wrk is missing: make test and make bench install it as root",
)
async def test_every_slot_is_sent_and_answered(tmp_path: Path) -> None:
    app = web.Application()
    app.router.add_get("/{status}", _echo)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    wrk = shutil.which("wrk")
    assert wrk is not None
    try:
        base = str(server.make_url("")).rstrip("/")
        script = tmp_path / "openloop.lua"
        ok = await wrk_open_loop(
            wrk, base + "/200", {"X-A": "b"}, script, rate=400, duration=1, connections=8
        )
        shed = await wrk_open_loop(
            wrk, base + "/503", {}, script, rate=100, duration=1, connections=2
        )
    finally:
        await server.close()
    assert ok["sent"] == 400
    assert ok["by_status"] == {"200": 400}
    assert (ok["unanswered"], ok["errors"], ok["unmatched"]) == (0, 0, 0)
    assert 0 <= ok["ok_p50_ms"] <= ok["ok_p99_ms"] < 1000
    assert shed["by_status"] == {"503": 100}
    assert shed["shed_p99_ms"] is not None
