"""A bearer token that is not an RFC 6750 token68 (non-ASCII bytes, spaces, too long) is a
401 invalid_token, counted by the per-IP limiter, in the gateway and the pets service;
raw sockets, since no client library sends such header bytes."""

import pytest

from tests.gateway.support import Client, GatewayFactory, PetsStarter
from tests.rawhttp import exchange

BAD_TOKENS = [
    "\u00e9t\u00e9".encode(),  # UTF-8 bytes
    b"\xff\xfe\xfd",  # not UTF-8: the UnicodeEncodeError (a 500) of the audit
    b"abc def",  # a space inside
    b"a" * 5000,  # past the length cap
]


def _request(token: bytes) -> bytes:
    return (
        b"GET /v1/pets HTTP/1.1\r\nHost: petstore.test\r\nAuthorization: Bearer "
        + token
        + b"\r\nConnection: close\r\n\r\n"
    )


@pytest.mark.parametrize("bad", BAD_TOKENS, ids=["utf8", "latin1", "space", "long"])
async def test_gateway_answers_401_invalid_token(gw: Client, bad: bytes) -> None:
    reply = await exchange(gw.base_url, _request(bad))
    assert reply.status == 401
    assert reply.headers["content-type"] == "application/problem+json"
    assert 'error="invalid_token"' in reply.headers["www-authenticate"]
    assert reply.json()["detail"] == "The token is malformed (not an RFC 6750 bearer token)."
    assert "x-ratelimit-remaining" in reply.headers  # it passed the limiter


async def test_malformed_tokens_are_rate_limited_per_ip(make_gateway: GatewayFactory) -> None:
    gw = await make_gateway(rate_limit=3)
    statuses = [(await exchange(gw.base_url, _request(BAD_TOKENS[1]))).status for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]


@pytest.mark.parametrize("bad", BAD_TOKENS, ids=["utf8", "latin1", "space", "long"])
async def test_pets_service_answers_401_invalid_token(start_pets: PetsStarter, bad: bytes) -> None:
    url = await start_pets()
    reply = await exchange(url, _request(bad))
    assert reply.status == 401
    assert reply.headers["content-type"] == "application/problem+json"
    assert 'error="invalid_token"' in reply.headers["www-authenticate"]
