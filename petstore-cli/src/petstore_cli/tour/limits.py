"""Tour steps of the gate in front of everything: the rate limit (429) and maintenance (503)."""

import asyncio
import uuid

from petstore_cli.tour.core import Tour, has, header
from service_kit.auth import mint_token

RATE_HEADERS = ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
MOST_TO_EXHAUST = 5000


async def rate_limit(t: Tour) -> None:
    flood = mint_token(t.secret, sub=f"tour-flood-{uuid.uuid4().hex[:8]}", scopes=["read:pets"])
    first = await t.call("GET", "/v1/pets?limit=1", token=flood)
    left = int(first.headers.get("X-RateLimit-Remaining", "-1"))
    if not 0 <= left <= MOST_TO_EXHAUST:
        t.note("rate limited", False, "429", "limit too high to exhaust in a tour")
        return
    sem = asyncio.Semaphore(50)

    async def one() -> None:
        async with sem:
            await t.call("GET", "/v1/pets?limit=1", token=flood)

    await asyncio.gather(*(one() for _ in range(left)))
    await t.step(
        "rate limited", "GET", "/v1/pets?limit=1", 429, RATE_HEADERS, has("retryAfter"), token=flood
    )


async def maintenance(t: Tour) -> None:
    admin = "/admin/maintenance"
    try:
        await t.step(
            "maintenance on",
            "PUT",
            admin,
            200,
            token=t.admin,
            json_body={"enabled": True, "retryAfter": 120, "detail": "Tour"},
        )
        await t.step(
            "maintenance needs admin", "PUT", admin, 403, token=t.rw, json_body={"enabled": False}
        )
        await asyncio.sleep(1.2)  # replicas pick the flag up within a second
        await t.step(
            "under maintenance",
            "GET",
            "/v1/pets",
            503,
            ("Retry-After",),
            header("Retry-After", "120"),
            token=t.rw,
        )
        await t.step("health stays up", "GET", "/healthz", 200)
    finally:
        await t.step(
            "maintenance off", "PUT", admin, 200, token=t.admin, json_body={"enabled": False}
        )
        await asyncio.sleep(1.2)
