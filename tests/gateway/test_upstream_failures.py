"""How the pets service can fail, and what the client gets: 502, 503, 504 (docs/architecture.md)."""

import time

import pytest

from petstore_cli.embedded import free_port
from tests.gateway.fakes import raw_server
from tests.gateway.support import BASE, Client, GatewayFactory


def assert_problem(reply_status: int, body: dict[str, object], status: int, slug: str) -> None:
    assert reply_status == status
    assert body["status"] == status
    assert body["type"] == BASE + slug
    assert set(body) >= {"title", "detail", "instance", "traceId"}


async def failures(gw: Client) -> str:
    return await gw.metrics()


@pytest.mark.parametrize("status", [500, 501, 502, 504, 599])
async def test_other_5xx_becomes_502_without_the_body(gw: Client, rw: str, status: int) -> None:
    reply = await gw.get(f"/v1/pets/status-{status}", token=rw)
    assert_problem(reply.status, reply.json(), 502, "bad-gateway")
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert "X-RateLimit-Remaining" in reply.headers


@pytest.mark.parametrize("status", [503, 429])
async def test_503_or_429_with_retry_after_becomes_503(gw: Client, rw: str, status: int) -> None:
    reply = await gw.get(f"/v1/pets/unavailable-{status}-42", token=rw)
    body = reply.json()
    assert_problem(reply.status, body, 503, "service-unavailable")
    assert reply.headers["Retry-After"] == "42"
    assert body["retryAfter"] == 42


async def test_503_without_retry_after_is_a_502(gw: Client, rw: str) -> None:
    reply = await gw.get("/v1/pets/status-503", token=rw)
    assert_problem(reply.status, reply.json(), 502, "bad-gateway")


async def test_refused_connection_is_502(make_gateway: GatewayFactory, rw: str) -> None:
    gw = await make_gateway(pets_service_url=f"http://127.0.0.1:{free_port()}")
    reply = await gw.get("/v1/pets", token=rw)
    assert_problem(reply.status, reply.json(), 502, "bad-gateway")
    assert 'gateway_upstream_failures_total{kind="refused",upstream="pets"} 1.0' in (
        await failures(gw)
    )


@pytest.mark.parametrize(
    ("reply_bytes", "kind"),
    [
        (b"NOT HTTP AT ALL\r\n\r\n", "malformed"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", "malformed"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
            "malformed",
        ),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed"),
        (b"", "reset"),
    ],
)
async def test_malformed_or_dropped_answer_is_502(
    make_gateway: GatewayFactory, rw: str, reply_bytes: bytes, kind: str
) -> None:
    async with raw_server() as raw:
        raw.reply = reply_bytes
        gw = await make_gateway(pets_service_url=raw.url)
        reply = await gw.get("/v1/pets", token=rw)
        assert_problem(reply.status, reply.json(), 502, "bad-gateway")
        assert f'gateway_upstream_failures_total{{kind="{kind}",upstream="pets"}} 1.0' in (
            await failures(gw)
        )


async def test_connection_reset_is_502(make_gateway: GatewayFactory, rw: str) -> None:
    async with raw_server() as raw:
        raw.reset = True
        gw = await make_gateway(pets_service_url=raw.url)
        reply = await gw.get("/v1/pets", token=rw)
        assert_problem(reply.status, reply.json(), 502, "bad-gateway")
        assert 'gateway_upstream_failures_total{kind="reset",upstream="pets"} 1.0' in (
            await failures(gw)
        )


async def test_json_that_is_not_json_is_502(gw: Client, rw: str) -> None:
    reply = await gw.get("/v1/pets/garbage", token=rw)
    assert_problem(reply.status, reply.json(), 502, "bad-gateway")


async def test_oversized_answer_is_502(gw: Client, rw: str) -> None:
    reply = await gw.get("/v1/pets/big", token=rw)
    assert_problem(reply.status, reply.json(), 502, "bad-gateway")


async def test_no_answer_within_deadline_is_504(make_gateway: GatewayFactory, rw: str) -> None:
    gw = await make_gateway(pets_timeout_ms=300)
    started = time.monotonic()
    reply = await gw.get("/v1/pets/hang", token=rw)
    elapsed = time.monotonic() - started
    assert_problem(reply.status, reply.json(), 504, "gateway-timeout")
    assert 0.3 <= elapsed < 0.4
    assert 'gateway_upstream_failures_total{kind="timeout",upstream="pets"} 1.0' in (
        await failures(gw)
    )
