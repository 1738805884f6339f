"""Concurrent writes: compare-and-set on the version means one winner per If-Match."""

import asyncio
from collections import Counter

from tests.pets_service.helpers import Client, create_pet


async def test_twenty_concurrent_puts_with_the_same_if_match_have_one_winner(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"

    async def put(i: int) -> tuple[int, int | None]:
        resp = await client.put(
            url, json={"name": f"writer{i}", "species": "CAT"}, headers={**rw, "If-Match": '"1"'}
        )
        body = await resp.json(content_type=None)
        return resp.status, body.get("currentVersion")

    results = await asyncio.gather(*(put(i) for i in range(20)))
    assert Counter(status for status, _ in results) == {200: 1, 409: 19}
    assert {version for status, version in results if status == 409} == {2}
    final = await (await client.get(url, headers=rw)).json()
    assert final["version"] == 2
    assert final["name"].startswith("writer")


async def test_concurrent_unconditional_patches_all_land(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw, age=0)
    url = f"/v1/pets/{pet['id']}"
    statuses = await asyncio.gather(
        *(client.patch(url, json={"age": i}, headers=rw) for i in range(20))
    )
    assert [resp.status for resp in statuses] == [200] * 20
    versions = sorted([(await resp.json())["version"] for resp in statuses])
    assert versions == list(range(2, 22))  # every write got its own version
    final = await (await client.get(url, headers=rw)).json()
    assert final["version"] == 21


async def test_concurrent_creates_with_one_id_have_one_winner(
    client: Client, rw: dict[str, str]
) -> None:
    pet_id = "0190a9a4-3c1e-7000-8000-000000000001"
    responses = await asyncio.gather(
        *(
            client.post(
                "/v1/pets", json={"id": pet_id, "name": f"n{i}", "species": "DOG"}, headers=rw
            )
            for i in range(10)
        )
    )
    assert Counter(resp.status for resp in responses) == {201: 1, 409: 9}
    page = await (await client.get("/v1/pets", headers=rw)).json()
    assert [p["id"] for p in page["items"]] == [pet_id]
