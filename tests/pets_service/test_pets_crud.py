"""Pets CRUD: codes, Location, ETag, conditional requests and what Redis holds afterwards."""

import re
import uuid

import redis.asyncio as aioredis

from tests.pets_service.helpers import Client, create_pet, problem

RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


async def test_create_answers_201_with_location_etag_and_the_pet(
    client: Client, rw: dict[str, str]
) -> None:
    resp = await client.post(
        "/v1/pets", json={"name": "Rex", "species": "DOG", "breed": "Lab", "age": 3}, headers=rw
    )
    assert resp.status == 201
    pet = await resp.json()
    assert resp.headers["Location"] == f"/v1/pets/{pet['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert uuid.UUID(pet["id"]).version == 7
    assert pet["name"] == "Rex"
    assert pet["species"] == "DOG"
    assert pet["breed"] == "Lab"
    assert pet["age"] == 3
    assert pet["status"] == "AVAILABLE"
    assert pet["version"] == 1
    assert RFC3339_UTC.fullmatch(pet["createdAt"])
    assert pet["updatedAt"] == pet["createdAt"]


async def test_created_pet_reads_back_with_its_etag(client: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(client, rw, status="PENDING")
    resp = await client.get(f"/v1/pets/{pet['id']}", headers=rw)
    assert resp.status == 200
    assert resp.content_type == "application/json"
    assert resp.headers["ETag"] == '"1"'
    assert await resp.json() == pet


async def test_client_chosen_id_is_kept_and_normalised(client: Client, rw: dict[str, str]) -> None:
    chosen = uuid.uuid4()
    resp = await client.post(
        "/v1/pets", json={"id": str(chosen).upper(), "name": "Tom", "species": "CAT"}, headers=rw
    )
    assert resp.status == 201
    assert (await resp.json())["id"] == str(chosen)
    assert resp.headers["Location"] == f"/v1/pets/{chosen}"
    resp = await client.get(f"/v1/pets/{str(chosen).upper()}", headers=rw)
    assert resp.status == 200


async def test_existing_id_is_409_already_exists(
    client: Client, rw: dict[str, str], redis_client: aioredis.Redis, key_prefix: str
) -> None:
    pet = await create_pet(client, rw, name="First")
    resp = await client.post(
        "/v1/pets", json={"id": pet["id"], "name": "Second", "species": "CAT"}, headers=rw
    )
    body = await problem(resp, 409, "conflict")
    assert pet["id"] in body["detail"]
    stored = await client.get(f"/v1/pets/{pet['id']}", headers=rw)
    assert (await stored.json())["name"] == "First"
    assert await redis_client.zcard(f"{key_prefix}pets:index:CAT:*") == 0


async def test_unknown_and_non_uuid_ids_are_404(client: Client, rw: dict[str, str]) -> None:
    resp = await client.get(f"/v1/pets/{uuid.uuid4()}", headers=rw)
    await problem(resp, 404, "not-found")
    resp = await client.get("/v1/pets/not-a-uuid", headers=rw)
    body = await problem(resp, 404, "not-found")
    assert "UUID" in body["detail"]
    for method in ("PUT", "PATCH", "DELETE"):
        resp = await client.request(method, "/v1/pets/12345", json={}, headers=rw)
        await problem(resp, 404, "not-found")
        resp = await client.request(
            method, f"/v1/pets/{uuid.uuid4()}", json={"name": "x", "species": "DOG"}, headers=rw
        )
        await problem(resp, 404, "not-found")


async def test_if_none_match_gives_304_with_etag_and_no_body(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"
    for header in ('"1"', '"7", "1"', "*", 'W/"1"'):
        resp = await client.get(url, headers={**rw, "If-None-Match": header})
        assert resp.status == 304, header
        assert resp.headers["ETag"] == '"1"'
        assert await resp.read() == b""
    resp = await client.get(url, headers={**rw, "If-None-Match": '"2", "11"'})
    assert resp.status == 200
    assert (await resp.json())["id"] == pet["id"]


async def test_put_replaces_the_whole_pet_and_bumps_the_version(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw, breed="Lab", age=3)
    resp = await client.put(
        f"/v1/pets/{pet['id']}",
        json={"name": "Max", "species": "DOG", "status": "ADOPTED"},
        headers={**rw, "If-Match": '"1"'},
    )
    assert resp.status == 200
    assert resp.headers["ETag"] == '"2"'
    updated = await resp.json()
    assert updated["name"] == "Max"
    assert updated["status"] == "ADOPTED"
    assert "breed" not in updated  # a full replacement drops what the body leaves out
    assert "age" not in updated
    assert updated["version"] == 2
    assert updated["createdAt"] == pet["createdAt"]
    assert RFC3339_UTC.fullmatch(updated["updatedAt"])
    assert updated["updatedAt"] >= pet["updatedAt"]
    resp = await client.get(f"/v1/pets/{pet['id']}", headers=rw)
    assert await resp.json() == updated


async def test_put_may_repeat_the_id_but_not_change_it(client: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"
    resp = await client.put(url, json={"id": pet["id"], "name": "A", "species": "CAT"}, headers=rw)
    assert resp.status == 200
    other = str(uuid.uuid4())
    resp = await client.put(url, json={"id": other, "name": "A", "species": "CAT"}, headers=rw)
    body = await problem(resp, 422, "validation-error")
    assert [e["field"] for e in body["errors"]] == ["id"]


async def test_stale_if_match_is_409_with_current_version(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"
    assert (await client.patch(url, json={"age": 1}, headers=rw)).status == 200
    for method, payload in (
        ("PUT", {"name": "Late", "species": "DOG"}),
        ("PATCH", {"name": "Late"}),
        ("DELETE", None),
    ):
        resp = await client.request(method, url, json=payload, headers={**rw, "If-Match": '"1"'})
        body = await problem(resp, 409, "conflict")
        assert body["currentVersion"] == 2
    # If-Match uses strong comparison: a weak tag never matches.
    resp = await client.patch(url, json={"age": 2}, headers={**rw, "If-Match": 'W/"2"'})
    assert (await problem(resp, 409, "conflict"))["currentVersion"] == 2
    current = await (await client.get(url, headers=rw)).json()
    assert current["name"] == "Rex"
    assert current["version"] == 2


async def test_if_match_star_and_lists_match_the_current_version(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"
    resp = await client.patch(url, json={"age": 1}, headers={**rw, "If-Match": "*"})
    assert resp.status == 200
    resp = await client.patch(url, json={"age": 2}, headers={**rw, "If-Match": '"9", "2"'})
    assert resp.status == 200
    assert resp.headers["ETag"] == '"3"'
    resp = await client.delete(url, headers={**rw, "If-Match": '"3"'})
    assert resp.status == 204


async def test_malformed_if_match_is_400(client: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"
    for method in ("PUT", "PATCH", "DELETE"):
        resp = await client.request(
            method, url, json={"name": "A", "species": "CAT"}, headers={**rw, "If-Match": "1"}
        )
        body = await problem(resp, 400, "bad-request")
        assert [e["field"] for e in body["errors"]] == ["If-Match"]
    resp = await client.get(url, headers={**rw, "If-None-Match": "nope"})
    await problem(resp, 400, "bad-request")
    assert (await (await client.get(url, headers=rw)).json())["version"] == 1


async def test_delete_is_204_empty_then_404_and_leaves_no_keys(
    client: Client, rw: dict[str, str], redis_client: aioredis.Redis, key_prefix: str
) -> None:
    pet = await create_pet(client, rw, status="PENDING")
    url = f"/v1/pets/{pet['id']}"
    resp = await client.delete(url, headers=rw)
    assert resp.status == 204
    assert await resp.read() == b""
    assert "Content-Type" not in resp.headers
    await problem(await client.get(url, headers=rw), 404, "not-found")
    await problem(await client.delete(url, headers=rw), 404, "not-found")
    keys = [key async for key in redis_client.scan_iter(match=f"{key_prefix}*")]
    assert keys == []  # the pet's hash and its four (now empty) indexes are gone
