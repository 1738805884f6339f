"""Black-box: the real pets service and real Redis behind the gateway. Every reply is also
checked against the OpenAPI document."""

import uuid
from collections.abc import Iterator

import pytest

from tests.gateway.contract import check_reply
from tests.gateway.leaks import RECORDED, Reply
from tests.gateway.support import BASE, Client, GatewayFactory, PetsStarter
from tests.support import TokenFactory, wait_until


@pytest.fixture
async def pets_url(start_pets: PetsStarter) -> str:
    return await start_pets()


@pytest.fixture
async def real(make_gateway: GatewayFactory, pets_url: str) -> Client:
    return await make_gateway(pets_service_url=pets_url)


@pytest.fixture(autouse=True)
def conforms_to_openapi() -> Iterator[None]:
    start = len(RECORDED)
    yield
    mismatches = [m for reply in RECORDED[start:] for m in check_reply(reply)]
    assert not mismatches, mismatches


PET = {"name": "Rex", "species": "DOG", "breed": "Collie", "age": 3}


async def test_pet_lifecycle(real: Client, rw: str) -> None:
    created = await real.request("POST", "/v1/pets", token=rw, json=PET)
    assert created.status == 201
    pet = created.json()
    location = created.headers["Location"]
    assert location == f"/v1/pets/{pet['id']}"
    assert created.headers["ETag"] == '"1"'
    assert created.headers["X-RateLimit-Remaining"] == "999"

    got = await real.get(location, token=rw)
    assert got.status == 200
    assert got.json() == pet
    cached = await real.get(location, token=rw, headers={"If-None-Match": '"1"'})
    assert cached.status == 304
    assert cached.body == b""

    stale = await real.request(
        "PUT", location, token=rw, headers={"If-Match": '"7"'}, json={**PET, "name": "Max"}
    )
    assert stale.status == 409
    assert stale.json()["currentVersion"] == 1
    replaced = await real.request(
        "PUT", location, token=rw, headers={"If-Match": '"1"'}, json={**PET, "name": "Max"}
    )
    assert replaced.status == 200
    assert replaced.headers["ETag"] == '"2"'
    patched = await real.request(
        "PATCH",
        location,
        token=rw,
        data=b'{"age": null}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status == 200
    assert "age" not in patched.json()

    listed = await real.get("/v1/pets?species=DOG&limit=1", token=rw)
    assert listed.status == 200
    assert listed.json()["items"][0]["id"] == pet["id"]

    deleted = await real.request("DELETE", location, token=rw)
    assert deleted.status == 204
    assert deleted.body == b""
    gone = await real.get(location, token=rw)
    assert gone.status == 404
    assert gone.json()["type"] == BASE + "not-found"


async def test_errors_from_the_pets_service(real: Client, rw: str) -> None:
    bad_json = await real.request(
        "POST", "/v1/pets", token=rw, data=b"{", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status == 400
    not_json = await real.request(
        "POST", "/v1/pets", token=rw, data=b"name=x", headers={"Content-Type": "text/plain"}
    )
    assert not_json.status == 415
    invalid = await real.request(
        "POST", "/v1/pets", token=rw, json={"name": "", "species": "DRAGON"}
    )
    assert invalid.status == 422
    assert {e["field"] for e in invalid.json()["errors"]} == {"name", "species"}
    bad_query = await real.get("/v1/pets?limit=abc", token=rw)
    assert bad_query.status == 400
    out_of_range = await real.get("/v1/pets?limit=1000", token=rw)
    assert out_of_range.status == 422
    pet_id = "0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11"
    dup = {**PET, "id": pet_id}
    assert (await real.request("POST", "/v1/pets", token=rw, json=dup)).status == 201
    again = await real.request("POST", "/v1/pets", token=rw, json=dup)
    assert again.status == 409
    assert (await real.request("DELETE", f"/v1/pets/{pet_id}", token=rw)).status == 204


async def test_gateway_answers_before_the_pets_service(
    make_gateway: GatewayFactory, pets_url: str, token: TokenFactory
) -> None:
    real = await make_gateway(pets_service_url=pets_url, max_body_bytes=50)
    too_big = await real.request(
        "POST", "/v1/pets", token=token("write:pets"), json={**PET, "breed": "x" * 60}
    )
    assert too_big.status == 413
    forbidden = await real.request(
        "DELETE", "/v1/pets/0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11", token=token("read:pets")
    )
    assert forbidden.status == 403
    assert forbidden.json()["requiredScope"] == "write:pets"
    not_allowed = await real.request(
        "POST", "/v1/pets/0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11", token=token("write:pets")
    )
    assert not_allowed.status == 405
    assert not_allowed.headers["Allow"] == "GET, HEAD, PUT, PATCH, DELETE"
    unauthorized = await real.get("/v1/pets")
    assert unauthorized.status == 401


async def test_preferences(real: Client, token: TokenFactory) -> None:
    alice = token("read:pets", sub="alice")
    assert (await real.get("/v1/users/alice/preferences", token=alice)).status == 404
    saved = await real.request(
        "PUT",
        "/v1/users/alice/preferences",
        token=alice,
        json={"newsletter": True, "units": "imperial"},
    )
    assert saved.status == 204
    got = await real.get("/v1/users/alice/preferences", token=alice)
    assert got.status == 200
    assert got.json()["units"] == "imperial"
    other = await real.get("/v1/users/alice/preferences", token=token("read:pets", sub="bob"))
    assert other.status == 403
    assert other.json()["requiredScope"] == "admin"
    invalid = await real.request(
        "PUT", "/v1/users/alice/preferences", token=alice, json={"units": "cubits"}
    )
    assert invalid.status == 422


async def test_readiness_follows_the_pets_service(
    make_gateway: GatewayFactory, pets_url: str
) -> None:
    ready = await (await make_gateway(pets_service_url=pets_url)).get("/readyz")
    assert ready.status == 200
    assert ready.json() == {"status": "ready", "checks": {"redis": "ok", "pets-service": "ok"}}
    down = await (await make_gateway(pets_service_url="http://127.0.0.1:9")).get("/readyz")
    assert down.status == 503
    assert down.json()["checks"]["pets-service"] == "unreachable"
    assert int(down.headers["Retry-After"]) >= 1


async def test_medical_record_accepted_through_the_gateway(
    make_gateway: GatewayFactory, start_pets: PetsStarter, kafka_bootstrap: str, rw: str
) -> None:
    topic = f"medical-records-{uuid.uuid4().hex[:8]}"
    url = await start_pets(kafka_bootstrap_servers=kafka_bootstrap, medical_records_topic=topic)
    real = await make_gateway(pets_service_url=url)
    pet = (await real.request("POST", "/v1/pets", token=rw, json=PET)).json()
    record = {"type": "VACCINATION", "date": "2024-05-01", "vaccine": "Rabies"}
    headers = {"Idempotency-Key": f"k-{uuid.uuid4()}"}

    async def post() -> Reply:
        reply = await real.request(
            "POST", f"/v1/pets/{pet['id']}/medical-records", token=rw, json=record, headers=headers
        )
        if reply.status == 503:
            assert int(reply.headers["Retry-After"]) > 0
        return reply

    # The producer connects in the background: 503 + Retry-After until then.
    accepted = await wait_until(post, lambda r: r.status != 503, within=20, interval=0.2)
    assert accepted.status == 202
    body = accepted.json()
    assert body["status"] == "PROCESSING"
    assert accepted.headers["Location"] == body["statusUrl"]
    again = await real.request(
        "POST", f"/v1/pets/{pet['id']}/medical-records", token=rw, json=record, headers=headers
    )
    assert again.status == 202
    assert again.json()["id"] == body["id"]
    status = await real.get(body["statusUrl"], token=rw)
    assert status.status == 200
    assert status.json()["status"] == "PROCESSING"
    assert status.headers["Retry-After"] == "1"
    missing = await real.get(f"/v1/medical-records/{uuid.uuid4()}/status", token=rw)
    assert missing.status == 404
    invalid = await real.request(
        "POST",
        f"/v1/pets/{pet['id']}/medical-records",
        token=rw,
        json={"type": "SURGERY", "date": "2024-05-01"},
    )
    assert invalid.status == 422
