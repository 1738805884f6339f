"""Proxying /v1 to the pets service: what is forwarded, what comes back, what is dropped."""

from collections.abc import AsyncIterator

import orjson

from tests.gateway.support import Client, GatewayFactory
from tests.support import TokenFactory


async def test_forwards_method_path_query_body_and_listed_headers(gw: Client, rw: str) -> None:
    reply = await gw.request(
        "PUT",
        "/v1/pets/echo?x=1&y=%2F",
        token=rw,
        headers={
            "Content-Type": "application/json",
            "If-Match": '"3"',
            "Idempotency-Key": "k-1",
            "X-Request-ID": "req-123",
            "Cookie": "session=secret",
            "Proxy-Authorization": "Basic eA==",
            "TE": "trailers",
            "X-Forwarded-For": "6.6.6.6",
        },
        data=b'{"name": "Rex"}',
    )
    assert reply.status == 200
    seen = reply.json()
    headers = {k.lower(): v for k, v in seen["headers"]}
    assert seen["method"] == "PUT"
    assert seen["path"] == "/v1/pets/echo?x=1&y=%2F"
    assert seen["body"] == '{"name": "Rex"}'
    assert headers["authorization"] == f"Bearer {rw}"
    assert headers["if-match"] == '"3"'
    assert headers["idempotency-key"] == "k-1"
    assert headers["content-type"] == "application/json"
    assert headers["x-request-id"] == "req-123"
    assert headers["traceparent"].startswith("00-")
    assert len(headers["traceparent"]) == 55
    # The peer is not a trusted proxy: its X-Forwarded-For claim is replaced.
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-forwarded-proto"] == "http"
    for dropped in ("cookie", "proxy-authorization", "te"):
        assert dropped not in headers
    assert reply.headers["X-Request-ID"] == "req-123"


async def test_relays_answer_headers_and_drops_hop_by_hop(gw: Client, rw: str) -> None:
    reply = await gw.request("POST", "/v1/pets", token=rw, json={"name": "Rex"})
    assert reply.status == 201
    assert reply.headers["Location"] == "/v1/pets/abc"
    assert reply.headers["ETag"] == '"1"'
    assert reply.headers["Link"] == '</v1/pets?cursor=x>; rel="next"'
    assert reply.headers["Idempotent-Replayed"] == "true"
    assert reply.headers["Cache-Control"] == "no-store"
    for dropped in ("X-Secret-Hop", "Keep-Alive", "Proxy-Authenticate"):
        assert dropped not in reply.headers
    assert "upstream-server" not in reply.headers.get("Server", "")
    # The gateway's own rate-limit headers, not the upstream's.
    assert reply.headers["X-RateLimit-Limit"] == "1000"
    assert reply.json()["body"] == '{"name":"Rex"}'


async def test_trusted_proxy_chain_is_believed(make_gateway: GatewayFactory, rw: str) -> None:
    gw = await make_gateway(trusted_proxies=("127.0.0.1/32",))
    reply = await gw.get(
        "/v1/pets/echo",
        token=rw,
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    headers = {k.lower(): v for k, v in reply.json()["headers"]}
    assert headers["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
    assert headers["x-forwarded-proto"] == "https"


async def test_upstream_4xx_problem_passes_through(gw: Client, rw: str) -> None:
    reply = await gw.get("/v1/pets/problem-404", token=rw)
    assert reply.status == 404
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert reply.json()["status"] == 404


async def test_upstream_503_problem_with_retry_after_passes_through(gw: Client, rw: str) -> None:
    reply = await gw.get("/v1/pets/problem-503", token=rw)
    assert reply.status == 503
    assert reply.headers["Retry-After"] == "7"
    assert reply.json()["status"] == 503


async def test_body_limit_by_content_length(make_gateway: GatewayFactory, rw: str) -> None:
    gw = await make_gateway(max_body_bytes=100)
    reply = await gw.request(
        "POST", "/v1/pets", token=rw, data=b"x" * 101, headers={"Content-Type": "application/json"}
    )
    assert reply.status == 413
    body = reply.json()
    assert body["type"] == "http://petstore.test/problems/payload-too-large"
    assert body["instance"] == "/v1/pets"
    ok = await gw.request(
        "POST", "/v1/pets", token=rw, data=b"x" * 100, headers={"Content-Type": "application/json"}
    )
    assert ok.status == 201


async def test_body_limit_when_chunked(make_gateway: GatewayFactory, rw: str) -> None:
    gw = await make_gateway(max_body_bytes=1000)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"y" * 100

    reply = await gw.request(
        "POST", "/v1/pets", token=rw, data=chunks(), headers={"Content-Type": "application/json"}
    )
    assert reply.status == 413


async def test_unknown_paths(gw: Client, rw: str, token: TokenFactory) -> None:
    unknown_v1 = await gw.get("/v1/kittens", token=rw)
    assert unknown_v1.status == 404
    assert unknown_v1.json()["type"].endswith("/not-found")
    assert "X-RateLimit-Remaining" in unknown_v1.headers
    outside = await gw.get("/nothing-here")
    assert outside.status == 404
    assert outside.headers["Content-Type"].startswith("application/problem+json")
    assert "X-RateLimit-Limit" not in outside.headers


async def test_method_not_allowed_lists_allow(gw: Client, rw: str) -> None:
    reply = await gw.request("POST", "/v1/pets/0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11", token=rw)
    assert reply.status == 405
    assert reply.headers["Allow"] == "GET, HEAD, PUT, PATCH, DELETE"
    assert reply.json()["allowedMethods"] == ["GET", "HEAD", "PUT", "PATCH", "DELETE"]
    assert "X-RateLimit-Limit" in reply.headers


async def test_request_id_on_every_reply(gw: Client, rw: str) -> None:
    for path, token in [
        ("/v1/pets/echo", rw),
        ("/v1/pets", None),
        ("/healthz", None),
        ("/nope", None),
        ("/v1/pets/status-500", rw),
    ]:
        reply = await gw.get(path, token=token)
        assert reply.headers.get("X-Request-ID"), path
        if reply.headers["Content-Type"].startswith("application/problem+json"):
            assert orjson.loads(reply.body)["traceId"] == reply.headers["X-Request-ID"]
