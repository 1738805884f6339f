"""The 202 pipeline (docs/medical-records.md) and Idempotency-Key, through the gateway, the
broker and the records worker of the running suite (records take 500 ms each there: see
conftest)."""

import asyncio
import uuid
from typing import Any

import pytest

from tests.e2e.client import Api, Reply, check_common, check_problem
from tests.e2e.records import VACCINATION, poll_until_final, submit


async def test_accepted_record_is_processed_and_served(api: Api) -> None:
    pet = (await api.create_pet())["id"]
    accepted = await submit(api, pet, VACCINATION)
    assert accepted.status == 202, accepted
    check_common(accepted, rate_limited=True)
    body = accepted.json()
    status_url = f"/v1/medical-records/{body['id']}/status"
    assert body == {"id": body["id"], "status": "PROCESSING", "statusUrl": status_url}
    assert accepted.headers["Location"] == status_url

    first = await api.send("GET", status_url)  # the worker needs 500 ms: still PROCESSING
    assert first.status == 200, first
    assert first.json()["status"] == "PROCESSING", first
    assert first.headers["Retry-After"] == "1", first
    early = await api.send("GET", f"/v1/medical-records/{body['id']}")
    await check_problem(api, early, status=404, slug="not-found")

    final = await poll_until_final(api, status_url)
    done = final.json()
    assert done["status"] == "COMPLETED", done
    assert done["petId"] == pet
    assert "Retry-After" not in final.headers, final
    record = await api.send("GET", done["resultUrl"])
    assert record.status == 200, record
    check_common(record, rate_limited=True)
    result = record.json()
    assert (result["id"], result["petId"], result["vaccine"]) == (body["id"], pet, "Rabies")
    assert "nextDueDate" in result, result


async def test_record_that_cannot_be_processed_ends_failed(api: Api) -> None:
    pet = (await api.create_pet())["id"]
    accepted = await submit(api, pet, VACCINATION | {"vaccine": "Unicorn Dust"})
    assert accepted.status == 202, accepted
    record_id = accepted.json()["id"]
    final = await poll_until_final(api, accepted.headers["Location"])
    done = final.json()
    assert done["status"] == "FAILED", done
    problem = done["problem"]
    assert problem["type"] == api.problem_base + "record-processing-failed", problem
    assert problem["status"] == 422, problem
    assert problem["errors"], problem
    missing = await api.send("GET", f"/v1/medical-records/{record_id}")
    await check_problem(api, missing, status=404, slug="not-found")


IDEMPOTENT_POSTS = [
    pytest.param("/v1/pets", {"name": "Rex", "species": "DOG"}, id="pet"),
    pytest.param("/v1/pets/{pet}/medical-records", VACCINATION, id="medical-record"),
]


async def first_answer(api: Api, path: str, body: dict[str, Any], key: str) -> tuple[str, Reply]:
    path = path.format(pet=(await api.create_pet())["id"])
    first = await api.send("POST", path, json=body, headers={"Idempotency-Key": key})
    assert first.status in (201, 202), first
    if first.status == 201:
        api.created.append(first.json()["id"])
    return path, first


@pytest.mark.parametrize(("path", "body"), IDEMPOTENT_POSTS)
async def test_same_key_same_body_replays_the_first_answer(
    api: Api, path: str, body: dict[str, Any]
) -> None:
    key = str(uuid.uuid4())
    path, first = await first_answer(api, path, body, key)
    # The same request, byte for byte, as a retry sends it.
    again = await api.send("POST", path, json=body, headers={"Idempotency-Key": key})
    assert again.status == first.status, again
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true", again
    check_common(again, rate_limited=True)


@pytest.mark.parametrize(("path", "body"), IDEMPOTENT_POSTS)
async def test_same_key_other_body_is_422(api: Api, path: str, body: dict[str, Any]) -> None:
    key = str(uuid.uuid4())
    path, _ = await first_answer(api, path, body, key)
    other = await api.send(
        "POST", path, json=body | {"notes": "changed"}, headers={"Idempotency-Key": key}
    )
    assert other.status == 422, other
    assert other.json()["type"] == api.problem_base + "idempotency-key-reused", other
    await check_problem(
        api, other, status=422, slug="idempotency-key-reused", fields=frozenset({"Idempotency-Key"})
    )
    # The same JSON spelled otherwise is another request: the key covers the body's bytes.
    reordered = await api.send(
        "POST", path, json=dict(reversed(body.items())), headers={"Idempotency-Key": key}
    )
    assert reordered.status == 422, reordered


async def test_same_key_while_the_first_request_runs_is_409(api: Api) -> None:
    """Reachable when a second request with the key arrives during the first one's produce."""
    pet = (await api.create_pet())["id"]
    for _ in range(10):
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        replies = await asyncio.gather(
            *(
                api.send(
                    "POST", f"/v1/pets/{pet}/medical-records", json=VACCINATION, headers=headers
                )
                for _ in range(6)
            )
        )
        busy = [r for r in replies if r.status == 409]
        assert all(r.status in (202, 409) for r in replies), replies
        assert len({r.json()["id"] for r in replies if r.status == 202}) == 1, replies
        if busy:
            body = await check_problem(api, busy[0], status=409, slug="request-in-flight")
            assert busy[0].headers["Retry-After"] == "1", busy[0]
            assert body["retryAfter"] == 1, body
            return
    pytest.fail("ten bursts of six concurrent POSTs never met a request in flight")
