"""Every step kind, through the real gateway, pets service and weather stub."""

import hashlib
import uuid
from typing import Any

import orjson
import pytest

from tests.sessions.client import DROPPED, Faults, one_rule, pets_named, wait_for

PET = {"name": "Rex", "species": "DOG"}


async def test_respond_renders_the_status_as_the_api_does(faults: Faults) -> None:
    pet = await faults.create_pet()
    sid = (
        await faults.start(
            one_rule(
                {"respond": 429, "retryAfter": 7},
                {"respond": 405},
                {"respond": 401},
                {"respond": 503},
                {"respond": 500},
                {"respond": 418},
                route="/v1/pets/{id}",
            )
        )
    )["id"]
    path = f"/v1/pets/{pet['id']}"
    limited = await faults.send("GET", path, session=sid)
    assert limited.status == 429
    assert limited.headers["Retry-After"] == "7"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert int(limited.headers["X-RateLimit-Reset"]) >= 7
    assert "RateLimit" in limited.headers
    assert "RateLimit-Policy" in limited.headers
    body = limited.json()
    assert body["type"].endswith("/rate-limit-exceeded")
    assert body["retryAfter"] == 7
    assert body["instance"] == path
    assert body["status"] == 429
    not_allowed = await faults.send("GET", path, session=sid)
    assert not_allowed.status == 405
    real = await faults.send("POST", path, body=PET)  # the API's own 405 on this route
    assert real.headers["Allow"] == "GET, HEAD, PUT, PATCH, DELETE"
    assert not_allowed.headers["Allow"] == "PUT, PATCH, DELETE"  # as if GET were not served
    assert not_allowed.json()["type"].endswith("/method-not-allowed")
    unauthorized = await faults.send("GET", path, session=sid)
    assert unauthorized.status == 401
    assert 'error="invalid_token"' in unauthorized.headers["WWW-Authenticate"]
    unavailable = await faults.send("GET", path, session=sid)
    assert unavailable.status == 503
    assert "Retry-After" not in unavailable.headers  # none was scripted
    assert "retryAfter" not in unavailable.json()
    internal = await faults.send("GET", path, session=sid)
    assert (internal.status, internal.json()["type"].rsplit("/", 1)[1]) == (500, "internal-error")
    teapot = await faults.send("GET", path, session=sid)
    assert teapot.status == 418
    assert teapot.json()["status"] == 418
    for answer in (limited, not_allowed, unauthorized, unavailable, internal, teapot):
        assert answer.headers["Content-Type"].startswith("application/problem+json")
        assert not any("fault" in name.lower() for name in answer.headers)  # no marker
        assert b"fault" not in answer.body.lower()
        assert sid.encode() not in answer.body
    served = await faults.send("GET", path, session=sid)  # then: pass
    assert served.status == 200


async def test_latency_waits_then_serves_within_the_route_deadline(faults: Faults) -> None:
    pet = await faults.create_pet()
    sid = (
        await faults.start(
            {
                "rules": [
                    {"route": "/v1/pets/{petId}", "steps": [{"latencyMs": 400, "jitterMs": 100}]},
                    {"route": "/v1/pets/{petId}/weather", "steps": [{"latencyMs": 4000}]},
                ]
            }
        )
    )["id"]
    slow = await faults.send("GET", f"/v1/pets/{pet['id']}", session=sid)
    assert slow.status == 200
    assert slow.json()["id"] == pet["id"]
    assert slow.elapsed >= 0.4
    late = await faults.send("GET", f"/v1/pets/{pet['id']}/weather", session=sid)
    assert late.status == 504  # the weather route's 2 s deadline, not the 4 s scripted
    assert late.json()["type"].endswith("/gateway-timeout")
    assert 1.9 <= late.elapsed < 3.5
    entries = await faults.journal(sid, count=1)
    waited = int(entries[0]["fault"].split()[1])
    assert 400 <= waited <= 500
    assert entries[0]["durationMs"] >= waited
    assert entries[1]["fault"] == "latencyMs 4000"
    assert entries[1]["status"] == 504


async def test_hang_answers_nothing_then_closes(faults: Faults) -> None:
    sid = (await faults.start(one_rule({"hang": {"ms": 600}}, {"hang": {}}, method="GET")))["id"]
    hung = await faults.send("GET", "/v1/pets", session=sid)
    assert hung.status == DROPPED
    assert hung.elapsed >= 0.6
    gave_up = await faults.send("GET", "/v1/pets", session=sid, client_timeout=0.5)
    assert gave_up.status == DROPPED
    assert gave_up.elapsed < 5
    # The gateway sees the client leave within a few tens of milliseconds.
    entries = await wait_for(lambda: _journal_of(faults, sid, 2))
    assert [(e["fault"], e["status"], e["clientClosed"]) for e in entries] == [
        ("hang 600", 0, False),
        ("hang 30000", 0, True),  # the default, and the client hung up first
    ]
    assert entries[0]["durationMs"] >= 600
    assert entries[1]["durationMs"] < 5000  # long before the 30 s hang would have ended


async def test_reset_before_drops_without_forwarding(faults: Faults) -> None:
    sid = (await faults.start(one_rule({"reset": "before"}, method="POST")))["id"]
    name = f"never-{uuid.uuid4().hex[:8]}"
    dropped = await faults.send("POST", "/v1/pets", body={**PET, "name": name}, session=sid)
    assert dropped.status == DROPPED
    assert await pets_named(faults, name) == []


@pytest.mark.parametrize("with_key", [True, False], ids=["idempotency-key", "no-key"])
async def test_reset_after_commit_and_the_retry(faults: Faults, with_key: bool) -> None:
    """The write happens, the answer is lost; a retry with the same Idempotency-Key gets the
    first answer again, one without a key creates a second pet."""
    sid = (await faults.start(one_rule({"reset": "after-commit"}, method="POST")))["id"]
    name = f"once-{uuid.uuid4().hex[:8]}"
    headers = {"Idempotency-Key": f"create-{name}"} if with_key else {}
    body = {**PET, "name": name}
    lost = await faults.send("POST", "/v1/pets", body=body, session=sid, headers=headers)
    assert lost.status == DROPPED
    retried = await faults.send("POST", "/v1/pets", body=body, session=sid, headers=headers)
    assert retried.status == 201, retried
    created = await pets_named(faults, name)
    assert len(created) == (1 if with_key else 2)
    assert retried.json()["id"] in [pet["id"] for pet in created]
    entries = await faults.journal(sid, count=2)
    assert [(e["status"], e["fault"]) for e in entries] == [(0, "reset after-commit"), (201, None)]
    assert entries[1]["response"]["location"] == f"/v1/pets/{retried.json()['id']}"
    digest = hashlib.sha256(orjson.dumps(body)).hexdigest()
    assert {e["request"]["bodySha256"] for e in entries} == {digest}


async def test_truncate_sends_part_of_the_body(faults: Faults) -> None:
    pet = await faults.create_pet()
    sid = (await faults.start(one_rule({"truncate": True}, {"truncate": True})))["id"]
    cut = await faults.send("GET", f"/v1/pets/{pet['id']}", session=sid)
    assert cut.status == DROPPED
    assert cut.error == "ClientPayloadError"
    deleted = await faults.send("DELETE", f"/v1/pets/{pet['id']}", session=sid)  # 204: no body
    assert deleted.status == DROPPED
    entries = await faults.journal(sid, count=2)
    assert [(e["status"], e["fault"]) for e in entries] == [(200, "truncate"), (204, "truncate")]
    gone = await faults.send("GET", f"/v1/pets/{pet['id']}")
    assert gone.status == 404  # the delete was forwarded


async def test_garbage_is_a_200_that_is_not_json(faults: Faults) -> None:
    sid = (await faults.start(one_rule({"garbage": True})))["id"]
    answer = await faults.send("GET", "/v1/pets", session=sid)
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(answer.body)


async def test_slow_body_dribbles_the_real_answer(faults: Faults) -> None:
    pet = await faults.create_pet()
    sid = (await faults.start(one_rule({"slowBody": {"bytesPerSecond": 400}})))["id"]
    answer = await faults.send("GET", f"/v1/pets/{pet['id']}", session=sid)
    assert answer.status == 200
    assert answer.json()["id"] == pet["id"]
    assert answer.elapsed >= 0.8 * len(answer.body) / 400
    entry = (await faults.journal(sid, count=1))[0]
    assert entry["fault"] == "slowBody 400"
    assert entry["status"] == 200
    assert entry["durationMs"] >= 800 * len(answer.body) / 400
    assert entry["response"]["etag"] == answer.headers["ETag"]


async def test_pass_serves_normally_as_a_step(faults: Faults) -> None:
    sid = (await faults.start(one_rule({"pass": True, "times": 2}, {"respond": 502})))["id"]
    statuses = [(await faults.send("GET", "/v1/pets", session=sid)).status for _ in range(4)]
    assert statuses == [200, 200, 502, 200]
    read = (await faults.read(sid)).json()
    assert [step["fired"] for step in read["rules"][0]["steps"]] == [2, 1]
    faults_fired = [e["fault"] for e in await faults.journal(sid, count=4)]
    assert faults_fired == [None, None, "respond 502", None]


async def _journal_of(faults: Faults, sid: str, count: int) -> list[dict[str, Any]] | None:
    entries = await faults.journal(sid)
    return entries if len(entries) >= count else None
