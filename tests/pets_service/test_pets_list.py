"""GET /v1/pets: cursor pages in creation order, filters, Link: rel="next", 400 and 422."""

from typing import Any

import pytest
from yarl import URL

from tests.pets_service.helpers import Client, create_pet, error_fields, problem


async def list_all(client: Client, headers: dict[str, str], url: str) -> list[dict[str, Any]]:
    """Follow Link: rel="next" from ``url`` to the last page; return every item."""
    items: list[dict[str, Any]] = []
    for _ in range(100):
        resp = await client.get(url, headers=headers)
        assert resp.status == 200, await resp.text()
        page = await resp.json()
        items.extend(page["items"])
        if page["nextCursor"] is None:
            assert "Link" not in resp.headers
            return items
        link = resp.headers["Link"]
        assert link.startswith("</v1/pets?")
        assert link.endswith('>; rel="next"')
        url = link[1 : link.index(">")]
        assert URL(url).query["cursor"] == page["nextCursor"]
    raise AssertionError("pagination never ended")


async def test_empty_store_is_an_empty_page(client: Client, reader: dict[str, str]) -> None:
    resp = await client.get("/v1/pets", headers=reader)
    assert resp.status == 200
    assert resp.content_type == "application/json"
    assert await resp.json() == {"items": [], "nextCursor": None}
    assert "Link" not in resp.headers


async def test_pages_walk_every_pet_once_in_creation_order(
    client: Client, rw: dict[str, str]
) -> None:
    created = [await create_pet(client, rw, name=f"pet{i}") for i in range(7)]
    resp = await client.get("/v1/pets?limit=3", headers=rw)
    first = await resp.json()
    assert [p["id"] for p in first["items"]] == [p["id"] for p in created[:3]]
    assert isinstance(first["nextCursor"], str)
    assert first["items"][0] == created[0]
    items = await list_all(client, rw, "/v1/pets?limit=3")
    assert [p["id"] for p in items] == [p["id"] for p in created]


async def test_default_page_is_twenty_and_limit_is_at_most_100(
    client: Client, rw: dict[str, str]
) -> None:
    for i in range(21):
        await create_pet(client, rw, name=f"p{i}")
    page = await (await client.get("/v1/pets", headers=rw)).json()
    assert len(page["items"]) == 20
    assert page["nextCursor"] is not None
    page = await (await client.get("/v1/pets?limit=100", headers=rw)).json()
    assert len(page["items"]) == 21
    assert page["nextCursor"] is None


async def test_filters_follow_every_write(client: Client, rw: dict[str, str]) -> None:
    dog = await create_pet(client, rw, name="Dog", species="DOG")
    cat = await create_pet(client, rw, name="Cat", species="CAT", status="ADOPTED")
    bird = await create_pet(client, rw, name="Bird", species="BIRD", status="ADOPTED")

    async def names(query: str) -> list[str]:
        return [p["name"] for p in await list_all(client, rw, f"/v1/pets?limit=1&{query}")]

    assert await names("species=CAT") == ["Cat"]
    assert await names("status=ADOPTED") == ["Cat", "Bird"]
    assert await names("species=BIRD&status=ADOPTED") == ["Bird"]
    assert await names("species=DOG&status=ADOPTED") == []
    # A write moves the pet between indexes atomically.
    await client.patch(f"/v1/pets/{dog['id']}", json={"status": "ADOPTED"}, headers=rw)
    await client.put(f"/v1/pets/{cat['id']}", json={"name": "Cat", "species": "FISH"}, headers=rw)
    assert await names("status=ADOPTED") == ["Dog", "Bird"]
    assert await names("species=CAT") == []
    assert await names("species=FISH&status=AVAILABLE") == ["Cat"]
    await client.delete(f"/v1/pets/{bird['id']}", headers=rw)
    assert await names("status=ADOPTED") == ["Dog"]
    assert await names("") == ["Dog", "Cat"]


async def test_a_pet_deleted_mid_walk_is_skipped(client: Client, rw: dict[str, str]) -> None:
    pets = [await create_pet(client, rw, name=f"p{i}") for i in range(4)]
    page = await (await client.get("/v1/pets?limit=2", headers=rw)).json()
    await client.delete(f"/v1/pets/{pets[1]['id']}", headers=rw)
    await client.delete(f"/v1/pets/{pets[2]['id']}", headers=rw)
    rest = await list_all(client, rw, f"/v1/pets?limit=2&cursor={page['nextCursor']}")
    assert [p["name"] for p in rest] == ["p3"]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("limit=abc", ["limit"]),
        ("limit=2.5", ["limit"]),
        ("limit=", ["limit"]),
        ("cursor=garbage", ["cursor"]),
        ("cursor=", ["cursor"]),
        ("cursor=" + "A" * 23, ["cursor"]),
        ("limit=5&limit=6", ["limit"]),
        ("sort=name", ["sort"]),
        ("page=2&limit=x", ["limit", "page"]),
    ],
)
async def test_unparseable_query_is_400(
    client: Client, reader: dict[str, str], query: str, fields: list[str]
) -> None:
    resp = await client.get(f"/v1/pets?{query}", headers=reader)
    assert error_fields(await problem(resp, 400, "bad-request")) == fields


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("limit=0", ["limit"]),
        ("limit=-1", ["limit"]),
        ("limit=101", ["limit"]),
        ("limit=99999999999999999999", ["limit"]),
        ("species=LION", ["species"]),
        ("species=dog", ["species"]),
        ("status=SOLD", ["status"]),
        ("species=&status=", ["species", "status"]),
    ],
)
async def test_out_of_range_query_is_422(
    client: Client, reader: dict[str, str], query: str, fields: list[str]
) -> None:
    resp = await client.get(f"/v1/pets?{query}", headers=reader)
    assert error_fields(await problem(resp, 422, "validation-error")) == fields
