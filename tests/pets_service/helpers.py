"""What the pets-service tests share: problem assertions and small request helpers."""

from typing import Any

from aiohttp import web
from aiohttp.client import ClientResponse
from aiohttp.test_utils import TestClient

BASE = "http://problems.test/problems/"
Client = TestClient[web.Request, web.Application]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def problem(resp: ClientResponse, status: int, slug: str) -> dict[str, Any]:
    """Assert ``resp`` is an RFC 9457 problem of this status and type; return its body."""
    text = await resp.text()
    assert resp.status == status, text
    assert resp.content_type == "application/problem+json"
    for leak in ("Traceback", 'File "', "/src/", "site-packages"):
        assert leak not in text
    body: dict[str, Any] = await resp.json(content_type=None)
    assert body["type"] == BASE + slug
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == resp.url.path
    assert body["traceId"] == resp.headers["X-Request-ID"]
    return body


def error_fields(body: dict[str, Any]) -> list[str]:
    return sorted(error["field"] for error in body["errors"])


async def create_pet(client: Client, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    payload = {"name": "Rex", "species": "DOG", **fields}
    resp = await client.post("/v1/pets", json=payload, headers=headers)
    assert resp.status == 201, await resp.text()
    pet: dict[str, Any] = await resp.json()
    return pet
