"""The article's own example requests, and the bounds the OpenAPI document states."""

import pytest

from service_kit.problems import AlreadyExists
from tests.pets_service.helpers import Client, bearer, create_pet, error_fields, problem
from tests.support import TokenFactory


async def test_an_existing_id_is_409_before_field_validation(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw)
    # The article's body: no species, so it would be 422 if the id were free.
    resp = await client.post("/v1/pets", json={"id": pet["id"], "name": "Max"}, headers=rw)
    await problem(resp, 409, AlreadyExists.slug)
    upper = pet["id"].upper()
    resp = await client.post("/v1/pets", json={"id": upper, "name": "Max"}, headers=rw)
    await problem(resp, 409, AlreadyExists.slug)
    assert (await (await client.get(f"/v1/pets/{pet['id']}", headers=rw)).json()) == pet


async def test_a_free_id_with_bad_fields_is_still_422(client: Client, rw: dict[str, str]) -> None:
    body = {"id": "0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11", "name": "Max"}
    resp = await client.post("/v1/pets", json=body, headers=rw)
    assert error_fields(await problem(resp, 422, "validation-error")) == ["species"]


async def test_a_pet_id_that_is_not_a_uuid_is_404(client: Client, rw: dict[str, str]) -> None:
    await problem(await client.get("/v1/pets/invalid-id", headers=rw), 404, "not-found")


@pytest.mark.parametrize(("sent", "stored"), [(16.0, 16), (0.0, 0), (1e2, 100)])
async def test_an_integral_number_is_an_integer(
    client: Client, rw: dict[str, str], sent: float, stored: int
) -> None:
    pet = await create_pet(client, rw, age=sent)
    assert pet["age"] == stored
    assert isinstance(pet["age"], int)


async def test_a_user_id_over_128_characters_is_422(client: Client, token: TokenFactory) -> None:
    admin = bearer(token("admin", sub="root"))
    for length, status in ((128, 204), (129, 422), (5000, 422)):
        url = f"/v1/users/{'u' * length}/preferences"
        resp = await client.put(url, json={"theme": "dark"}, headers=admin)
        if status == 204:
            assert resp.status == 204, await resp.text()
            assert (await client.get(url, headers=admin)).status == 200
            continue
        body = await problem(resp, 422, "validation-error")
        assert body["errors"] == [
            {"field": "userId", "message": "Must be at most 128 characters long."}
        ]
        await problem(await client.get(url, headers=admin), 422, "validation-error")
