"""Upstream failure mapping (docs/architecture.md) through the gateway: each way a stub can
fail, switched on by its fault API."""

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from service_kit.faults.spec import Mode
from tests.e2e.client import Api, Reply, check_problem
from tests.support import wait_until

ROUTES = {"weather": "weather-stub", "recommendations": "recommendations-stub"}
DEADLINES = {"weather": 2.0, "recommendations": 1.0}  # the suite's *_TIMEOUT_MS
MARGIN = 0.1  # docs/architecture.md: a 504 comes within the deadline + 100 ms
RECOVERY_SECONDS = 20.0  # past CIRCUIT_RESET_SECONDS (10), should a test have opened a circuit


@dataclass(frozen=True)
class FaultCase:
    id: str
    spec: dict[str, Any]
    status: int
    slug: str
    retry_after: int | None = None
    timed: bool = False  # answered at the route's deadline (504)
    routes: tuple[str, ...] = ("weather", "recommendations")


FAULT_CASES = [
    FaultCase("error-500", {"mode": "error", "status": 500}, 502, "bad-gateway"),
    FaultCase(
        "error-503-without-retry-after", {"mode": "error", "status": 503}, 502, "bad-gateway"
    ),
    FaultCase("reset", {"mode": "reset"}, 502, "bad-gateway"),
    FaultCase("garbage", {"mode": "garbage"}, 502, "bad-gateway"),
    FaultCase("truncate", {"mode": "truncate"}, 502, "bad-gateway"),
    FaultCase(
        "error-503-retry-after",
        {"mode": "error", "status": 503, "retryAfter": 7},
        503,
        "service-unavailable",
        retry_after=7,
    ),
    FaultCase(
        "error-429-retry-after",
        {"mode": "error", "status": 429, "retryAfter": 11},
        503,
        "service-unavailable",
        retry_after=11,
    ),
    FaultCase("error-404-passes-through", {"mode": "error", "status": 404}, 404, "not-found"),
    FaultCase("timeout", {"mode": "timeout"}, 504, "gateway-timeout", timed=True),
    FaultCase(
        "latency-over-deadline",
        {"mode": "latency", "delayMs": 1600},
        504,
        "gateway-timeout",
        timed=True,
        routes=("recommendations",),
    ),
    FaultCase(
        "slow-body",
        {"mode": "slow-body", "bytesPerSecond": 40},
        504,
        "gateway-timeout",
        timed=True,
        routes=("recommendations",),
    ),
]

# Faults under which the stub still answers, in time: the route answers 200.
PASSING_CASES = [
    FaultCase("healthy", {"mode": "healthy"}, 200, ""),
    FaultCase("latency-within-deadline", {"mode": "latency", "delayMs": 300}, 200, ""),
]

SetFault = Callable[[str, dict[str, Any]], Awaitable[None]]


def test_every_fault_mode_has_a_case_through_the_gateway() -> None:
    """A new fault mode needs its case here (one line in FAULT_CASES or PASSING_CASES)."""
    covered = {case.spec["mode"] for case in FAULT_CASES + PASSING_CASES}
    assert covered == set(Mode)


@pytest.fixture
async def pet(api: Api) -> str:
    return str((await api.create_pet(age=2))["id"])


@pytest.fixture
async def set_fault(api: Api, pet: str) -> AsyncIterator[SetFault]:
    """Switch a fault on for a route's stub; afterwards every stub is healthy and every route
    answers 200 again (waiting out an open circuit against a deadline)."""
    touched: list[str] = []

    async def switch(route: str, spec: dict[str, Any]) -> None:
        touched.append(route)
        reply = await api.send(
            "PUT", "/admin/faults", auth="none", json=spec, base=api.suite.url(ROUTES[route])
        )
        assert reply.status == 200, reply

    yield switch
    for route in touched:
        reply = await api.send(
            "DELETE", "/admin/faults", auth="none", base=api.suite.url(ROUTES[route])
        )
        assert reply.status == 200, reply
    for route in touched:
        await wait_for_200(api, f"/v1/pets/{pet}/{route}")


async def wait_for_200(api: Api, path: str) -> Reply:
    return await wait_until(
        lambda: api.send("GET", path),
        lambda reply: reply.status == 200,
        within=RECOVERY_SECONDS,
        interval=0.2,
        what=f"200 from {path}",
    )


async def stub_requests(api: Api, route: str) -> int:
    reply = await api.send("GET", "/admin/faults", auth="none", base=api.suite.url(ROUTES[route]))
    assert reply.status == 200, reply
    return int(reply.json()["counters"]["requests"])


@pytest.mark.parametrize(
    ("case", "route"),
    [
        pytest.param(case, route, id=f"{route}-{case.id}")
        for case in FAULT_CASES
        for route in case.routes
    ],
)
async def test_upstream_failure(
    api: Api, pet: str, set_fault: SetFault, case: FaultCase, route: str
) -> None:
    await set_fault(route, case.spec)
    reply = await api.send("GET", f"/v1/pets/{pet}/{route}")
    body = await check_problem(api, reply, status=case.status, slug=case.slug)
    if case.retry_after is not None:
        assert reply.headers["Retry-After"] == str(case.retry_after), reply
        assert body["retryAfter"] == case.retry_after, body
    if case.timed:
        deadline = DEADLINES[route]
        assert deadline - 0.05 <= reply.elapsed <= deadline + MARGIN, reply.elapsed
    else:
        assert reply.elapsed < 0.5, reply.elapsed


@pytest.mark.parametrize(
    ("case", "route"),
    [
        pytest.param(case, route, id=f"{route}-{case.id}")
        for case in PASSING_CASES
        for route in case.routes
    ],
)
async def test_upstream_answer_under_a_passing_fault(
    api: Api, pet: str, set_fault: SetFault, case: FaultCase, route: str
) -> None:
    await set_fault(route, case.spec)
    reply = await api.send("GET", f"/v1/pets/{pet}/{route}")
    assert reply.status == case.status, reply
    assert reply.headers["Content-Type"].startswith("application/json"), reply
    assert isinstance(reply.json(), dict), reply
    assert reply.elapsed < DEADLINES[route], reply.elapsed


async def test_open_circuit_answers_503_without_calling(
    api: Api, pet: str, set_fault: SetFault
) -> None:
    route = "recommendations"
    path = f"/v1/pets/{pet}/{route}"
    await set_fault(route, {"mode": "error", "status": 500})
    for _ in range(5):  # CIRCUIT_FAILURE_THRESHOLD consecutive failures
        reply = await api.send("GET", path)
        assert reply.status == 502, reply
    calls = await stub_requests(api, route)
    reply = await api.send("GET", path)
    body = await check_problem(api, reply, status=503, slug="circuit-open")
    assert 1 <= body["retryAfter"] <= 10, body
    assert reply.elapsed < 0.1, reply.elapsed
    assert await stub_requests(api, route) == calls  # the stub was not called
    # Healthy again: once Retry-After has passed, one trial call closes the circuit.
    await api.send("DELETE", "/admin/faults", auth="none", base=api.suite.url(ROUTES[route]))
    opened = time.monotonic()
    await wait_for_200(api, path)
    assert time.monotonic() - opened <= body["retryAfter"] + 1
