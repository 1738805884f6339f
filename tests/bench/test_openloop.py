"""The open-loop generator against a real HTTP server: every request due is sent and
answered, counted by status, with latencies from the intended send time."""

from aiohttp import web
from aiohttp.test_utils import TestServer
from bench.overload import open_loop


async def _answer(request: web.Request) -> web.Response:
    status = int(request.match_info["status"])
    return web.json_response({"status": status}, status=status, headers={"Retry-After": "1"})


async def test_every_due_request_is_answered_and_counted() -> None:
    app = web.Application()
    app.router.add_get("/{status}", _answer)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        base = str(server.make_url("")).rstrip("/")
        ok = await open_loop(base + "/200", {"X-A": "b"}, rate=300, duration=1, connections=4)
        shed = await open_loop(base + "/503", {}, rate=100, duration=1, connections=2)
    finally:
        await server.close()
    assert ok["sent"] == 300
    assert ok["by_status"] == {"200": 300}
    assert (ok["unanswered"], ok["errors"]) == (0, 0)
    assert ok["ok_per_s"] == 300
    assert 0 < ok["ok_p50_ms"] <= ok["ok_p99_ms"]
    assert ok["shed_p99_ms"] is None
    assert shed["by_status"] == {"503": 100}
    assert shed["shed_p99_ms"] > 0
