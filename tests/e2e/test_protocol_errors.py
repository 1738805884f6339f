"""Requests aiohttp's parser refuses, on every service of the running suite, over a bare
socket: each is an HTTP/1.1 problem+json with a traceId, and nothing of the request comes back.
"""

import re

import pytest

from service_kit.problems import REGISTRY
from tests.e2e.client import assert_no_server_version
from tests.e2e.harness import RunningSuite
from tests.rawhttp import RawReply, exchange

SERVICES = ("gateway", "pets-service", "weather-stub", "recommendations-stub", "records-worker")
# Every listening port: the services, and the gateway's internal metrics port.
PORTS = (*SERVICES, "gateway-metrics")
SECRET = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.bm90LWEtcmVhbC1zaWduYXR1cmU"
MARKER = "zqxmarker"  # sent in each bad request; must not come back

CASES = {
    "unknown-method": (
        f"FOO /v1/pets?{MARKER} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {SECRET}\r\n\r\n",
        501,
        "not-implemented",
    ),
    "long-request-line": (
        f"GET /v1/{MARKER}{'a' * 20_000} HTTP/1.1\r\nHost: t\r\n\r\n",
        414,
        "uri-too-long",
    ),
    "long-header-field": (
        f"GET /healthz HTTP/1.1\r\nHost: t\r\nX-{MARKER}: {'b' * 20_000}\r\n\r\n",
        431,
        "request-header-fields-too-large",
    ),
    "too-many-header-fields": (
        "GET /healthz HTTP/1.1\r\nHost: t\r\n"
        + "".join(f"X-{MARKER}-{i}: 1\r\n" for i in range(200))
        + "\r\n",
        431,
        "request-header-fields-too-large",
    ),
    "malformed-header-line": (
        f"GET /healthz HTTP/1.1\r\nHost: t\r\n{MARKER} no colon\r\n"
        f"Authorization: Bearer {SECRET}\r\n\r\n",
        400,
        "bad-request",
    ),
    "bare-lf-line-endings": (
        f"GET /v1/pets HTTP/1.1\nHost: t\nAuthorization: Bearer {SECRET}\nX-{MARKER}: 1\n\n",
        400,
        "bad-request",
    ),
    "content-length-with-transfer-encoding": (
        f"POST /v1/pets HTTP/1.1\r\nHost: t\r\nX-{MARKER}: 1\r\nContent-Length: 5\r\n"
        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
        "bad-request",
    ),
    "not-http": (f"\x16\x03\x01\x00{MARKER}\r\n\r\n", 400, "bad-request"),
}


def check_refusal(reply: RawReply, status: int, slug: str, problem_base: str) -> None:
    assert reply.version == "HTTP/1.1", reply
    assert reply.status == status, reply
    assert reply.media_type == "application/problem+json", reply
    body = reply.json()
    assert body["type"] == problem_base + slug, body
    assert body["title"] == REGISTRY[slug].title, body
    assert body["status"] == status, body
    assert body["detail"], body
    assert re.fullmatch(r"[0-9a-f]{32}", body["traceId"]), body
    assert reply.headers["X-Request-ID"] == body["traceId"], reply
    assert reply.headers.get("Connection") == "close", reply
    assert_no_server_version(reply)
    text = reply.raw.decode("latin-1")
    assert MARKER not in text, reply
    assert SECRET not in text, reply
    assert "aiohttp" not in text, reply
    assert "Traceback" not in text, reply


def base_url(suite: RunningSuite, port: str) -> str:
    if port == "gateway-metrics":
        return str(suite.state["metrics"]).removesuffix("/metrics")
    return suite.url(port)


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("case", sorted(CASES))
async def test_parser_errors_are_problems(suite: RunningSuite, port: str, case: str) -> None:
    request, status, slug = CASES[case]
    reply = await exchange(base_url(suite, port), request.encode("latin-1"))
    check_refusal(reply, status, slug, str(suite.state["env"]["PROBLEM_BASE_URL"]))


@pytest.mark.parametrize("service", SERVICES)
async def test_a_good_request_still_works_after_a_bad_one(
    suite: RunningSuite, service: str
) -> None:
    bad = await exchange(suite.url(service), CASES["malformed-header-line"][0].encode())
    assert bad.status == 400
    good = await exchange(
        suite.url(service), b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    assert good.version == "HTTP/1.1", good
    assert good.status == 200, good
    assert good.json() == {"status": "ok"}
    assert_no_server_version(good)


@pytest.mark.parametrize(
    "slug", ["not-acceptable", "uri-too-long", "request-header-fields-too-large", "not-implemented"]
)
async def test_new_problem_types_have_pages(suite: RunningSuite, slug: str) -> None:
    base = str(suite.state["env"]["PROBLEM_BASE_URL"])
    path = "/problems/" + slug
    assert (base + slug).endswith(path)
    reply = await exchange(
        suite.gateway, f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode()
    )
    assert reply.status == 200, reply
    assert reply.media_type == "text/html", reply
    assert REGISTRY[slug].title in reply.body.decode(), reply
