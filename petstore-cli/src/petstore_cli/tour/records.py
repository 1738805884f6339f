"""Tour steps of the medical records: 202 Accepted, then polling the status to COMPLETED."""

import asyncio
import time
import uuid

from petstore_cli.tour.core import Reply, Tour, has

RECORD = {"type": "VACCINATION", "date": "2026-01-15", "vaccine": "RABIES"}


async def final_status(
    t: Tour, status_url: str, within: float, token: str | None = None
) -> tuple[Reply | None, str | None]:
    """Poll a record's status while it is PROCESSING, as often as its Retry-After asks;
    the last answer and its status."""
    deadline = time.monotonic() + within
    reply = None
    while time.monotonic() < deadline:
        reply = await t.call("GET", status_url, token=token or t.rw)
        if reply.status != 200 or (
            isinstance(reply.body, dict) and reply.body.get("status") != "PROCESSING"
        ):
            break
        await asyncio.sleep(_seconds(reply.headers.get("Retry-After")))
    final = reply.body.get("status") if reply and isinstance(reply.body, dict) else None
    return reply, final


async def records(t: Tour) -> None:
    if not t.pet:
        return
    path = f"/v1/pets/{t.pet['id']}/medical-records"
    accepted = await t.step(
        "medical record accepted",
        "POST",
        path,
        202,
        ("Location",),
        has("status", "PROCESSING"),
        token=t.rw,
        json_body=RECORD,
    )
    await t.step(
        "record invalid",
        "POST",
        path,
        422,
        token=t.rw,
        json_body={"type": "VACCINATION", "date": "someday"},
    )
    if accepted is None or accepted.status != 202:
        return
    reply, final = await final_status(t, accepted.headers["Location"], within=15)
    t.note(
        "record processed (polling)",
        final == "COMPLETED",
        "200 COMPLETED",
        f"{reply.status if reply else '-'} {final}",
    )
    if final == "COMPLETED" and reply is not None and isinstance(reply.body, dict):
        await t.step("processed record", "GET", str(reply.body.get("resultUrl")), 200, token=t.rw)
    await t.step(
        "unknown record", "GET", f"/v1/medical-records/{uuid.uuid4()}/status", 404, token=t.rw
    )


def _seconds(retry_after: str | None) -> float:
    try:
        return min(max(float(retry_after or 0.5), 0.1), 5.0)
    except ValueError:
        return 0.5
