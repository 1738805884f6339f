"""The tour's --chaos steps: parts of the suite taken down and brought back, as a user would
with `petstore chaos`, and what a client sees meanwhile."""

import asyncio
import uuid
from collections import Counter

from petstore_cli.chaos_compose import ChaosError
from petstore_cli.tour.core import Reply, Tour
from petstore_cli.tour.records import RECORD, final_status
from service_kit.auth import mint_token

IN_FLIGHT = 20


async def chaos(t: Tour, action: str, part: str) -> bool:
    assert t.chaos is not None
    try:
        await asyncio.to_thread(t.chaos, action, part)
    except ChaosError as exc:
        t.note(f"petstore chaos {action} {part}", False, "done", str(exc))
        return False
    t.note(f"petstore chaos {action} {part}", True, "done", "done")
    return True


def fresh(reply: Reply) -> str | None:
    """The retry ran again: no answer of the failed attempt was kept to replay."""
    return "replayed" if reply.headers.get("Idempotent-Replayed") else None


async def redis_down(t: Tour) -> None:
    path = f"/v1/pets/{t.pet['id']}"
    if not await chaos(t, "stop", "redis"):
        return
    try:
        await t.step_until(
            "Redis down: 503", "GET", path, 503, ("Retry-After",), within=10, token=t.rw
        )
    finally:
        await chaos(t, "start", "redis")
    await t.step_until("Redis back: 200", "GET", path, 200, within=30, token=t.rw)


async def broker_down(t: Tour) -> None:
    path = f"/v1/pets/{t.pet['id']}/medical-records"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    if not await chaos(t, "stop", "kafka"):
        return
    try:
        await t.step(
            "broker down: record 503",
            "POST",
            path,
            503,
            ("Retry-After",),
            token=t.rw,
            json_body=RECORD,
            headers=key,
        )
    finally:
        await chaos(t, "start", "kafka")
    accepted = await t.step_until(
        "broker back: same key, fresh 202",
        "POST",
        path,
        202,
        ("Location",),
        within=30,
        check=fresh,
        token=t.rw,
        json_body=RECORD,
        headers=key,
    )
    if accepted is not None and accepted.status == 202:
        _, final = await final_status(t, accepted.headers["Location"], within=30)
        t.note("that record is processed", final == "COMPLETED", "COMPLETED", str(final))


async def worker_killed(t: Tour) -> None:
    path = f"/v1/pets/{t.pet['id']}/medical-records"
    posts = [t.call("POST", path, token=t.rw, json_body=RECORD) for _ in range(IN_FLIGHT)]
    replies = await asyncio.gather(*posts)
    accepted = [r for r in replies if r.status == 202]
    counts = Counter(r.status for r in replies)
    got = ", ".join(f"{n} × {status}" for status, n in sorted(counts.items()))
    t.note("records in flight", len(accepted) == IN_FLIGHT, f"{IN_FLIGHT} × 202", got)
    if not await chaos(t, "kill", "records-worker"):
        return
    finals = await asyncio.gather(
        *(final_status(t, r.headers["Location"], within=60) for r in accepted)
    )
    done = sum(final == "COMPLETED" for _, final in finals)
    t.note(
        "worker killed: all COMPLETED once back",
        done == len(accepted),
        f"{len(accepted)} COMPLETED",
        f"{done} COMPLETED",
    )


async def chaos_steps(t: Tour) -> None:
    if t.chaos is None or not t.pet:
        return
    # A subject of its own: polling through the outages must not meet the tour's rate limit.
    t.rw = mint_token(t.secret, sub="tour-chaos", scopes=["read:pets", "write:pets"])
    await worker_killed(t)
    await redis_down(t)
    await broker_down(t)
