"""The leak scanner must catch what it looks for (every test's replies go through it)."""

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from tests.gateway.fakes import CANARY
from tests.gateway.leaks import RECORDED, Reply, scan


def reply(body: str, **headers: str) -> Reply:
    return Reply("GET", "/x", 502, CIMultiDictProxy(CIMultiDict(headers)), body.encode())


@pytest.mark.parametrize(
    "body",
    [
        'Traceback (most recent call last):\n  File "x.py", line 3',
        '{"detail": "error in File \\"/app/gateway/views.py\\", line 12"}',
        '{"detail": "see /srv/petstore/gateway/src/gateway/upstream.py"}',
        '{"detail": "/usr/lib/python3.11/site-packages/aiohttp/client.py"}',
        f'{{"detail": "{CANARY}"}}',
        '{"detail": "aiohttp.client_exceptions.ServerDisconnectedError"}',
    ],
)
def test_scanner_catches_leaks(body: str) -> None:
    assert scan([reply(body)])


def test_scanner_checks_headers_and_passes_clean_replies() -> None:
    assert scan([reply("{}", **{"X-Debug": CANARY})])
    clean = '{"type": "http://petstore.test/problems/bad-gateway", "instance": "/v1/pets/x"}'
    assert scan([reply(clean)]) == []


def test_every_reply_received_so_far_is_clean() -> None:
    # Each test also checks its own replies on teardown (conftest.no_leaks).
    assert scan(RECORDED) == []
