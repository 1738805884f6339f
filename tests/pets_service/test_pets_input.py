"""Every bad body gets its 4xx problem, none a 500, and nothing is written to Redis."""

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis

from tests.pets_service.helpers import Client, create_pet, error_fields, problem


async def keys_of(redis_client: aioredis.Redis, key_prefix: str) -> set[bytes]:
    return {key async for key in redis_client.scan_iter(match=f"{key_prefix}*")}


@pytest.fixture
async def no_writes(redis_client: aioredis.Redis, key_prefix: str) -> AsyncIterator[None]:
    """Asserts the test left Redis exactly as it found it."""
    before = await keys_of(redis_client, key_prefix)
    yield
    assert await keys_of(redis_client, key_prefix) == before


INVALID_BODIES: list[tuple[dict[str, Any], list[str]]] = [
    ({"species": "DOG"}, ["name"]),
    ({"name": "", "species": "DOG"}, ["name"]),
    ({"name": "   ", "species": "DOG"}, ["name"]),
    ({"name": "x" * 101, "species": "DOG"}, ["name"]),
    ({"name": 7, "species": "DOG"}, ["name"]),
    ({"name": "Rex"}, ["species"]),
    ({"name": "Rex", "species": "LION"}, ["species"]),
    ({"name": "Rex", "species": "dog"}, ["species"]),
    ({"name": "Rex", "species": ["DOG"]}, ["species"]),
    ({"name": "Rex", "species": "DOG", "age": -1}, ["age"]),
    ({"name": "Rex", "species": "DOG", "age": 1.5}, ["age"]),
    ({"name": "Rex", "species": "DOG", "age": True}, ["age"]),
    ({"name": "Rex", "species": "DOG", "age": "3"}, ["age"]),
    ({"name": "Rex", "species": "DOG", "age": 201}, ["age"]),
    ({"name": "Rex", "species": "DOG", "breed": ""}, ["breed"]),
    ({"name": "Rex", "species": "DOG", "breed": "b" * 101}, ["breed"]),
    ({"name": "Rex", "species": "DOG", "status": "SOLD"}, ["status"]),
    ({"name": "Rex", "species": "DOG", "id": "not-a-uuid"}, ["id"]),
    ({"name": "Rex", "species": "DOG", "id": 42}, ["id"]),
    ({"name": "Rex", "species": "DOG", "colour": "brown"}, ["colour"]),
    ({"name": "Rex", "species": "DOG", "version": 1}, ["version"]),
    ({"name": "Rex", "species": "DOG", "createdAt": "2020-01-01T00:00:00Z"}, ["createdAt"]),
    ({"name": "Rex", "species": "DOG", "updatedAt": "2020-01-01T00:00:00Z"}, ["updatedAt"]),
    (
        {"name": "", "species": "LION", "age": -3, "status": 1, "extra": None},
        ["age", "extra", "name", "species", "status"],
    ),
    ({}, ["name", "species"]),
]


@pytest.mark.parametrize(("payload", "fields"), INVALID_BODIES)
@pytest.mark.usefixtures("no_writes")
async def test_invalid_pet_is_422_listing_every_failing_field(
    client: Client, rw: dict[str, str], payload: dict[str, Any], fields: list[str]
) -> None:
    resp = await client.post("/v1/pets", json=payload, headers=rw)
    body = await problem(resp, 422, "validation-error")
    assert error_fields(body) == fields
    assert all(error["message"] for error in body["errors"])


@pytest.mark.parametrize(("payload", "fields"), INVALID_BODIES[:18])
async def test_invalid_replacement_is_422_and_changes_nothing(
    client: Client, rw: dict[str, str], payload: dict[str, Any], fields: list[str]
) -> None:
    pet = await create_pet(client, rw)
    resp = await client.put(f"/v1/pets/{pet['id']}", json=payload, headers=rw)
    assert error_fields(await problem(resp, 422, "validation-error")) == fields
    assert await (await client.get(f"/v1/pets/{pet['id']}", headers=rw)).json() == pet


UNREADABLE: list[tuple[bytes, str, int, str]] = [
    (b'{"name": "Rex", ', "application/json", 400, "bad-request"),
    (b"not json at all", "application/json", 400, "bad-request"),
    (b"", "application/json", 400, "bad-request"),
    (b'[{"name": "Rex", "species": "DOG"}]', "application/json", 400, "bad-request"),
    (b'"Rex"', "application/json", 400, "bad-request"),
    (b"null", "application/json", 400, "bad-request"),
    (b'{"name": "\\ud800", "species": "DOG"}', "application/json", 400, "bad-request"),
    (b'{"name": "Rex", "species": "DOG"}', "text/plain", 415, "unsupported-media-type"),
    (
        b'{"name": "Rex", "species": "DOG"}',
        "application/x-www-form-urlencoded",
        415,
        "unsupported-media-type",
    ),
    (b"\xff\xfe\x00", "application/json", 400, "bad-request"),
]


@pytest.mark.parametrize(("raw", "content_type", "status", "slug"), UNREADABLE)
@pytest.mark.usefixtures("no_writes")
async def test_unreadable_bodies_are_4xx_problems(
    client: Client, rw: dict[str, str], raw: bytes, content_type: str, status: int, slug: str
) -> None:
    resp = await client.post("/v1/pets", data=raw, headers={**rw, "Content-Type": content_type})
    body = await problem(resp, status, slug)
    if status == 400:
        assert error_fields(body) == ["body"]


@pytest.mark.usefixtures("no_writes")
async def test_missing_content_type_is_415(client: Client, rw: dict[str, str]) -> None:
    resp = await client.post("/v1/pets", data=b'{"name": "Rex", "species": "DOG"}', headers=rw)
    await problem(resp, 415, "unsupported-media-type")


@pytest.mark.usefixtures("no_writes")
async def test_body_past_the_limit_is_413(client: Client, rw: dict[str, str]) -> None:
    huge = orjson.dumps({"name": "Rex", "species": "DOG", "breed": "x" * 70_000})
    resp = await client.post(
        "/v1/pets", data=huge, headers={**rw, "Content-Type": "application/json"}
    )
    await problem(resp, 413, "payload-too-large")


@pytest.mark.usefixtures("no_writes")
async def test_chunked_body_past_the_limit_is_413(client: Client, rw: dict[str, str]) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "Rex", "species": "DOG", "breed": "'
        for _ in range(20):
            yield b"x" * 4096
        yield b'"}'

    resp = await client.post(
        "/v1/pets", data=chunks(), headers={**rw, "Content-Type": "application/json"}
    )
    await problem(resp, 413, "payload-too-large")


async def test_bad_bodies_on_put_and_patch_are_4xx_and_change_nothing(
    client: Client, rw: dict[str, str]
) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"
    for method in ("PUT", "PATCH"):
        for raw, content_type, status in (
            (b"{", "application/json", 400),
            (b"[]", "application/json", 400),
            (b"{}", "text/plain", 415),
            (b'{"name": "' + b"x" * 70_000 + b'"}', "application/json", 413),
        ):
            resp = await client.request(
                method, url, data=raw, headers={**rw, "Content-Type": content_type}
            )
            assert resp.status == status, (method, raw[:10], await resp.text())
            assert resp.content_type == "application/problem+json"
    assert await (await client.get(url, headers=rw)).json() == pet
