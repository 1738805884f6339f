"""PATCH is a JSON merge patch (RFC 7396): null removes optional fields, never required ones."""

import uuid

from tests.pets_service.helpers import Client, create_pet, error_fields, problem

MERGE_PATCH = "application/merge-patch+json"


async def test_merge_patch_changes_only_what_it_names(client: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(client, rw, breed="Lab", age=3)
    resp = await client.patch(
        f"/v1/pets/{pet['id']}",
        data=b'{"age": 4, "breed": null}',
        headers={**rw, "Content-Type": MERGE_PATCH},
    )
    assert resp.status == 200
    assert resp.headers["ETag"] == '"2"'
    patched = await resp.json()
    assert patched["age"] == 4
    assert "breed" not in patched
    assert patched["name"] == "Rex"
    assert patched["species"] == "DOG"
    assert patched["version"] == 2
    assert patched["createdAt"] == pet["createdAt"]


async def test_plain_json_is_accepted_as_a_merge_patch(client: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(client, rw)
    resp = await client.patch(f"/v1/pets/{pet['id']}", json={"status": "PENDING"}, headers=rw)
    assert resp.status == 200
    assert (await resp.json())["status"] == "PENDING"


async def test_empty_patch_still_bumps_the_version(client: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(client, rw)
    resp = await client.patch(f"/v1/pets/{pet['id']}", json={}, headers=rw)
    assert resp.status == 200
    assert (await resp.json())["version"] == 2


async def test_null_on_required_fields_and_read_only_fields_are_422(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"
    resp = await client.patch(
        url,
        json={
            "name": None,
            "species": None,
            "status": None,
            "id": None,
            "version": 5,
            "createdAt": "2020-01-01T00:00:00Z",
            "colour": "brown",
        },
        headers=rw,
    )
    body = await problem(resp, 422, "validation-error")
    assert error_fields(body) == [
        "colour",
        "createdAt",
        "id",
        "name",
        "species",
        "status",
        "version",
    ]
    resp = await client.patch(url, json={"id": str(uuid.uuid4()), "age": -1}, headers=rw)
    assert error_fields(await problem(resp, 422, "validation-error")) == ["age", "id"]
    assert (await (await client.get(url, headers=rw)).json())["version"] == 1


async def test_patch_with_other_media_types_is_415_with_accept_patch(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw)
    for content_type in ("text/plain", "application/json-patch+json"):
        resp = await client.patch(
            f"/v1/pets/{pet['id']}",
            data=b'{"age": 1}',
            headers={**rw, "Content-Type": content_type},
        )
        await problem(resp, 415, "unsupported-media-type")
        assert resp.headers["Accept-Patch"] == f"application/json, {MERGE_PATCH}"
