"""Submitting a medical record through the running suite and polling its status to the end."""

from typing import Any

from tests.e2e.client import Api, Reply, check_common
from tests.support import wait_until

DEADLINE = 20.0
VACCINATION = {"type": "VACCINATION", "date": "2025-03-01", "vaccine": "Rabies"}


async def submit(api: Api, pet: str, record: dict[str, Any], key: str | None = None) -> Reply:
    headers = {"Idempotency-Key": key} if key else {}
    return await api.send("POST", f"/v1/pets/{pet}/medical-records", json=record, headers=headers)


async def poll_until_final(api: Api, status_url: str) -> Reply:
    async def status() -> Reply:
        reply = await api.send("GET", status_url)
        assert reply.status == 200, reply
        check_common(reply, rate_limited=True)
        if reply.json()["status"] == "PROCESSING":
            assert reply.headers["Retry-After"] == "1", reply
        return reply

    return await wait_until(
        status,
        lambda reply: reply.json()["status"] != "PROCESSING",
        within=DEADLINE,
        interval=0.1,
        what="a final status",
    )
