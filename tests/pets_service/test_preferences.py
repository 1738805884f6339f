"""PUT/GET /v1/users/{id}/preferences: one's own (or an admin's), validated, 404 until set."""

from typing import Any

import pytest
import redis.asyncio as aioredis

from tests.pets_service.helpers import Client, bearer, error_fields, problem
from tests.support import TokenFactory

URL = "/v1/users/alice/preferences"
FULL = {
    "preferredSpecies": ["CAT", "DOG"],
    "newsletter": True,
    "language": "pt-BR",
    "units": "imperial",
    "emailNotifications": True,
    "theme": "dark",
}


@pytest.fixture
def alice(token: TokenFactory) -> dict[str, str]:
    return bearer(token(sub="alice"))


async def test_preferences_are_404_until_set_then_read_back(
    client: Client, alice: dict[str, str]
) -> None:
    body = await problem(await client.get(URL, headers=alice), 404, "not-found")
    assert "preferences" in body["detail"]
    resp = await client.put(URL, json=FULL, headers=alice)
    assert resp.status == 204
    assert await resp.read() == b""
    resp = await client.get(URL, headers=alice)
    assert resp.status == 200
    assert resp.content_type == "application/json"
    assert await resp.json() == FULL


async def test_absent_fields_take_their_defaults(client: Client, alice: dict[str, str]) -> None:
    assert (await client.put(URL, json={"units": "imperial"}, headers=alice)).status == 204
    assert await (await client.get(URL, headers=alice)).json() == {
        "preferredSpecies": [],
        "newsletter": False,
        "language": "en",
        "units": "imperial",
        "emailNotifications": False,
        "theme": "system",
    }


async def test_someone_else_is_403_and_an_admin_is_allowed(
    client: Client, token: TokenFactory, alice: dict[str, str]
) -> None:
    bob = bearer(token("read:pets", "write:pets", sub="bob"))
    for method in ("GET", "PUT"):
        resp = await client.request(method, URL, json=FULL, headers=bob)
        body = await problem(resp, 403, "forbidden")
        assert body["requiredScope"] == "admin"
        assert 'error="insufficient_scope", scope="admin"' in resp.headers["WWW-Authenticate"]
    admin = bearer(token("admin", sub="root"))
    assert (await client.put(URL, json=FULL, headers=admin)).status == 204
    assert await (await client.get(URL, headers=alice)).json() == FULL
    assert (await client.get(URL, headers=admin)).status == 200


async def test_the_articles_example_body_is_saved_and_read_back(
    client: Client, alice: dict[str, str]
) -> None:
    article = {"emailNotifications": True, "theme": "dark"}
    assert (await client.put(URL, json=article, headers=alice)).status == 204
    saved = await (await client.get(URL, headers=alice)).json()
    assert {k: saved[k] for k in article} == article
    assert saved["units"] == "metric"  # the other fields, at their defaults, beside them


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"theme": "neon"}, ["theme"]),
        ({"colour": "blue"}, ["colour"]),
        ({"emailNotifications": "yes"}, ["emailNotifications"]),
        ({"emailNotifications": 0, "theme": 1}, ["emailNotifications", "theme"]),
        ({"units": "furlongs"}, ["units"]),
        ({"newsletter": "yes"}, ["newsletter"]),
        ({"newsletter": 1}, ["newsletter"]),
        ({"language": "english language"}, ["language"]),
        ({"language": 7}, ["language"]),
        ({"preferredSpecies": "DOG"}, ["preferredSpecies"]),
        (
            {"preferredSpecies": ["DOG", "LION", "DOG"]},
            ["preferredSpecies[1]", "preferredSpecies[2]"],
        ),
        ({"units": None, "newsletter": None}, ["newsletter", "units"]),
    ],
)
async def test_invalid_preferences_are_422_and_not_stored(
    client: Client,
    alice: dict[str, str],
    payload: dict[str, Any],
    fields: list[str],
    redis_client: aioredis.Redis,
    key_prefix: str,
) -> None:
    resp = await client.put(URL, json=payload, headers=alice)
    assert error_fields(await problem(resp, 422, "validation-error")) == fields
    assert await redis_client.exists(f"{key_prefix}preferences:alice") == 0


async def test_unreadable_preferences_are_400_413_415(
    client: Client, alice: dict[str, str]
) -> None:
    for raw, content_type, status in (
        (b"{", "application/json", 400),
        (b"[]", "application/json", 400),
        (b"{}", "text/plain", 415),
        (b'{"language": "' + b"x" * 70_000 + b'"}', "application/json", 413),
    ):
        resp = await client.put(URL, data=raw, headers={**alice, "Content-Type": content_type})
        assert resp.status == status
        assert resp.content_type == "application/problem+json"
    await problem(await client.get(URL, headers=alice), 404, "not-found")
