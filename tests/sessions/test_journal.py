"""The journal: every field, oldest first, the client that left, and the cap."""

import time
from typing import Any

import redis.asyncio as aioredis

from gateway.sessions.journal import Journal, read_view
from gateway.sessions.store import FULL, SessionStore
from tests.sessions.client import DROPPED, Faults, one_rule, pets_named, wait_for

FIELDS = {
    "seq",
    "at",
    "t",
    "method",
    "path",
    "route",
    "status",
    "durationMs",
    "fault",
    "request",
    "response",
    "clientClosed",
}


async def test_every_field_of_every_exchange_oldest_first(faults: Faults) -> None:
    pet = await faults.create_pet()
    created = await faults.start(
        one_rule({"respond": 503, "retryAfter": 3}, route="/v1/pets/{petId}")
    )
    sid = created["id"]
    path = f"/v1/pets/{pet['id']}?fields=all"
    conditional = {"If-None-Match": '"1"', "If-Match": '"1"'}
    first = await faults.send("GET", path, session=sid, headers=conditional)
    assert first.status == 503
    second = await faults.send("GET", f"/v1/pets/{pet['id']}", session=sid)
    assert second.status == 200
    entries = await faults.journal(sid, count=2)
    assert [set(e) for e in entries] == [FIELDS, FIELDS]
    one, two = entries
    assert (one["seq"], two["seq"]) == (1, 2)
    assert one["path"] == path
    assert one["route"] == "/v1/pets/{petId}"
    assert one["fault"] == "respond 503"
    assert one["request"] == {
        "idempotencyKey": None,
        "ifMatch": '"1"',
        "ifNoneMatch": '"1"',
        "bodySha256": None,
    }
    assert one["response"] == {"retryAfter": 3, "etag": None, "location": None}
    assert two["response"]["etag"] == second.headers["ETag"]
    assert one["at"].endswith("Z")
    assert one["at"] <= two["at"]
    assert 0 <= one["t"] <= two["t"]
    assert two["clientClosed"] is False


async def test_a_client_that_leaves_first_is_journaled_as_closed(faults: Faults) -> None:
    sid = (await faults.start(one_rule({"latencyMs": 3000}, method="POST")))["id"]
    name = f"left-{int(time.time() * 1000)}"
    left = await faults.send(
        "POST", "/v1/pets", body={"name": name, "species": "CAT"}, session=sid, client_timeout=0.4
    )
    assert left.status == DROPPED

    async def closed() -> list[dict[str, object]] | None:
        entries = await faults.journal(sid)
        return entries or None

    entries = await wait_for(closed)
    assert [(e["status"], e["clientClosed"], e["fault"]) for e in entries] == [
        (0, True, "latencyMs 3000")
    ]
    assert entries[0]["durationMs"] < 3000  # noticed when the client left, not at the end
    assert await pets_named(faults, name) == []  # it left before the request was forwarded


async def test_the_cap_keeps_the_first_entries_and_says_truncated(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> None:
    store = SessionStore(redis_client, key_prefix, timeout=2.0)
    journal = Journal(store, cap=3)
    now = int(time.time() * 1000)
    sid = "fs_" + "a" * 32
    doc: dict[str, Any] = {"id": sid, "ttlSeconds": 60, "rules": []}
    assert await store.create(doc, None, now) is None
    for _ in range(5):
        began = await store.begin(sid, 0, now + 60_000)
        assert began is not None
        journal.record(sid, now + 60_000, {"seq": began.seq, "status": 200})
        journal.count_fired(sid, now + 60_000, 0, 0)
    await journal.flush()
    entries, seen = await store.journal(sid)
    assert read_view(entries, seen, journal.cap) == {
        "entries": [
            {"seq": 1, "status": 200},
            {"seq": 2, "status": 200},
            {"seq": 3, "status": 200},
        ],
        "truncated": True,
    }
    assert await store.fired(sid) == {"0.0": 5}  # counted past the cap all the same
    assert await store.delete(sid, None)
    assert await store.journal(sid) == ([], 0)


async def test_live_sessions_are_capped(key_prefix: str, redis_client: aioredis.Redis) -> None:
    store = SessionStore(redis_client, key_prefix, timeout=2.0)
    now = int(time.time() * 1000)

    def doc(n: int, ttl: int = 60) -> dict[str, Any]:
        return {"id": f"fs_{n:032x}", "ttlSeconds": ttl, "rules": []}

    assert await store.create(doc(1), None, now, limit=2) is None
    assert await store.create(doc(2), None, now, limit=2) is None
    assert await store.create(doc(3), None, now, limit=2) == FULL
    assert await store.delete(doc(1)["id"], None)
    assert await store.create(doc(3), None, now, limit=2) is None
    # An expired session no longer counts, even before Redis has dropped its index entry.
    assert await store.create(doc(4), None, now + 61_000, limit=2) is None


async def test_a_body_over_the_limit_is_413_and_journaled(faults: Faults) -> None:
    sid = (await faults.start(one_rule({"respond": 503}, method="POST")))["id"]
    big = {"name": "x" * 70_000, "species": "DOG"}  # past MAX_BODY_BYTES (64 KiB)
    answer = await faults.send("POST", "/v1/pets", body=big, session=sid)
    assert answer.status == 413
    entries = await faults.journal(sid, count=1)
    assert [(e["status"], e["request"]["bodySha256"]) for e in entries] == [(413, None)]
