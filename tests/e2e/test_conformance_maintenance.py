"""Maintenance mode: every /v1 request 503 + Retry-After, before any token check; the
health, readiness, metrics and admin endpoints stay up."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.e2e.cases import REX
from tests.e2e.client import Api, check_common, check_problem

# (what PUT /admin/maintenance sends, the Retry-After and detail clients then get)
SWITCHES = [
    pytest.param(
        {"enabled": True, "retryAfter": 120, "detail": "Moving the pets to a new barn."},
        120,
        "Moving the pets to a new barn.",
        id="retry-after-and-detail",
    ),
    pytest.param({"enabled": True}, 300, None, id="defaults"),
]
# (method, path, credential): maintenance comes first, so even a missing token gets the 503
V1_CALLS = [
    ("GET", "/v1/pets", "rw"),
    ("POST", "/v1/pets", "rw"),
    ("GET", "/v1/pets", "none"),
    ("GET", "/v1/no-such-thing", "expired"),
]


@pytest.fixture
async def maintenance(api: Api) -> AsyncIterator[Api]:
    yield api
    reply = await api.send("PUT", "/admin/maintenance", auth="admin", json={"enabled": False})
    assert reply.status == 200, reply
    assert (await api.send("GET", "/v1/pets")).status == 200


@pytest.mark.parametrize(("switch", "retry_after", "detail"), SWITCHES)
async def test_maintenance_answers_503_and_keeps_operations_up(
    maintenance: Api, switch: dict[str, Any], retry_after: int, detail: str | None
) -> None:
    api = maintenance
    reply = await api.send("PUT", "/admin/maintenance", auth="admin", json=switch)
    assert reply.status == 200, reply
    state = reply.json()
    assert state["enabled"] is True
    assert state["retryAfter"] == retry_after, state

    for method, path, auth in V1_CALLS:
        reply = await api.send(method, path, auth=auth, json=REX if method == "POST" else None)
        body = await check_problem(
            api,
            reply,
            status=503,
            slug="service-unavailable",
            rate_limited=False,
            members={"retryAfter": retry_after},
        )
        assert reply.headers["Retry-After"] == str(retry_after), reply
        if detail is not None:
            assert body["detail"] == detail, body

    # Metrics are on the internal port, which maintenance does not touch; /readyz is
    # rate-limited per client IP (docs/security.md).
    for path, limited in (("/healthz", False), ("/readyz", True)):
        reply = await api.send("GET", path, auth="none")
        assert reply.status == 200, reply
        check_common(reply, rate_limited=limited)
    reply = await api.send("GET", "/admin/maintenance", auth="admin")
    assert reply.status == 200, reply
    assert reply.json()["enabled"] is True
