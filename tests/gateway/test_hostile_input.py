"""Inputs meant to break the gateway: never a 500, never a hang, never a leak."""

import asyncio

import pytest

from tests.gateway.support import Client


async def raw_request(client: Client, request: bytes) -> bytes:
    host, port = client.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(65536), 5)
    finally:
        writer.close()
        await writer.wait_closed()


@pytest.mark.parametrize(
    "header",
    [
        b"If-Match: \xff\xfe\r\n",
        b"Idempotency-Key: caf\xc3\xa9\r\n",
        b"X-Request-ID: \x00bad\r\n",
        b"traceparent: 00-zz-zz-zz\r\n",
        b"Content-Type: application/json; charset=\xff\r\n",
        b"X-Forwarded-For: \xff, ::1, 999.1.1.1\r\n",
    ],
)
async def test_odd_header_bytes(gw: Client, rw: str, header: bytes) -> None:
    request = (
        b"GET /v1/pets/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Authorization: Bearer " + rw.encode() + b"\r\n" + header + b"\r\n"
    )
    reply = await raw_request(gw, request)
    status = int(reply.split(b" ", 2)[1])
    assert status < 500 or status == 502, reply[:200]
    assert b"Traceback" not in reply


@pytest.mark.parametrize(
    "target",
    [
        b"http://evil.example/v1/pets/echo",
        b"/v1/pets/echo?%zz=%00&a=\xff",
        b"/v1/pets/..%2F..%2Fadmin",
        b"//v1/pets",
        b"/v1/pets/" + b"a" * 4000,
    ],
)
async def test_odd_targets(gw: Client, rw: str, target: bytes) -> None:
    request = (
        b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Authorization: Bearer " + rw.encode() + b"\r\n\r\n"
    )
    reply = await raw_request(gw, request)
    status = int(reply.split(b" ", 2)[1])
    assert status < 500, reply[:300]


async def test_invalid_utf8_json_body_and_huge_numbers(gw: Client, admin: str) -> None:
    for body in (
        b'{"enabled": true, "detail": "\xff"}',
        b'{"enabled": true, "retryAfter": 1e999}',
        b'{"enabled": true, "retryAfter": ' + b"9" * 5000 + b"}",
    ):
        reply = await gw.request(
            "PUT",
            "/admin/maintenance",
            token=admin,
            data=body,
            headers={"Content-Type": "application/json"},
        )
        assert reply.status in (400, 422), body[:60]
