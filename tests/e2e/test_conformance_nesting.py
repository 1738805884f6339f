"""JSON nested past the documented bound (64 levels) is 400 in every service that reads JSON
bodies, and a deeply nested POST with an Idempotency-Key can no longer make the pets service
answer 500 (which the gateway counted against the shared pets circuit)."""

from typing import Any

import orjson
import pytest

from service_kit.bodies import MAX_JSON_DEPTH
from tests.e2e.client import Api, Reply, check_problem
from tests.e2e.harness import RunningSuite

CIRCUIT_THRESHOLD = 5  # the suite's CIRCUIT_FAILURE_THRESHOLD


def nested(depth: int, member: str = "name", **others: Any) -> bytes:
    """A JSON object ``depth`` levels deep, ``{"name": [[...]]}``, as bytes (orjson would
    refuse to write it past 254 levels)."""
    head = orjson.dumps(others)[:-1] + (b"," if others else b"")
    inner = b"[" * (depth - 1) + b"]" * (depth - 1)
    return head + orjson.dumps(member) + b":" + inner + b"}"


JSON = {"Content-Type": "application/json"}


def assert_depth_refused(reply: Reply) -> None:
    assert reply.status == 400, reply
    assert reply.media_type == "application/problem+json", reply
    body = reply.json()
    assert body["errors"][0]["field"] == "body", body
    assert f"deeper than {MAX_JSON_DEPTH} levels" in body["detail"], body


def test_the_helper_nests_as_many_levels_as_asked() -> None:
    assert nested(3) == b'{"name":[[]]}'
    assert orjson.loads(nested(2, "detail", enabled=True)) == {"enabled": True, "detail": []}


@pytest.mark.parametrize("path", ["/v1/pets", "/v1/pets/{pet}/medical-records"])
async def test_deep_json_with_an_idempotency_key_is_400_and_leaves_the_circuit_closed(
    api: Api, path: str
) -> None:
    path = path.format(pet=(await api.create_pet())["id"])
    for attempt in range(CIRCUIT_THRESHOLD + 2):
        headers = JSON | {"Idempotency-Key": f"deep-{attempt}"}
        reply = await api.send("POST", path, data=nested(300), headers=headers)
        await check_problem(api, reply, status=400, slug="bad-request", fields=frozenset({"body"}))
        assert_depth_refused(reply)
    # Nobody else is locked out: the pets circuit never saw a failure.
    listing = await api.send("GET", "/v1/pets", auth="read")
    assert listing.status == 200, listing


async def test_the_bound_is_exact_on_the_pets_service(api: Api) -> None:
    past = await api.send("POST", "/v1/pets", data=nested(MAX_JSON_DEPTH + 1), headers=JSON)
    assert_depth_refused(past)
    at = await api.send("POST", "/v1/pets", data=nested(MAX_JSON_DEPTH), headers=JSON)
    assert at.status == 422, at  # parsed, then refused for its values: a name is a string


async def test_the_gateway_and_the_stubs_refuse_deep_json_too(
    api: Api, suite: RunningSuite
) -> None:
    body = nested(MAX_JSON_DEPTH + 1, "detail", enabled=True)
    maintenance = await api.send("PUT", "/admin/maintenance", auth="admin", data=body, headers=JSON)
    assert_depth_refused(maintenance)
    spec = nested(MAX_JSON_DEPTH + 1, "delayMs", mode="latency")
    for stub in ("weather-stub", "recommendations-stub"):
        fault = await api.send(
            "PUT", "/admin/faults", auth="none", data=spec, headers=JSON, base=suite.url(stub)
        )
        assert_depth_refused(fault)
    assert (await api.send("GET", "/admin/maintenance", auth="admin")).json()["enabled"] is False
