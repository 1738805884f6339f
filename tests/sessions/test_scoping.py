"""Who meets a session's faults: its header, its match.sub, nobody else; and for how long."""

import asyncio
import uuid
from collections import Counter
from typing import Any

import redis.asyncio as aioredis

from tests.resilience.harness import Suite
from tests.sessions.client import Faults, one_rule, wait_for

FAIL = one_rule({"respond": 503, "retryAfter": 1}, then="hold")


async def test_match_sub_scopes_by_the_verified_subject(faults: Faults) -> None:
    sub = f"alice-{uuid.uuid4().hex[:8]}"
    created = await faults.start({**FAIL, "match": {"sub": sub}})
    alice = faults.token("read:pets", sub=sub)
    bob = faults.token("read:pets", sub=f"bob-{uuid.uuid4().hex[:8]}")
    assert (await faults.send("GET", "/v1/pets", token=alice)).status == 503
    assert (await faults.send("GET", "/v1/pets", token=bob)).status == 200
    # A bad token is never matched by its claimed subject: the real 401.
    forged = faults.token("read:pets", sub=sub, secret="another-secret-of-at-least-32-bytes!!")
    assert (await faults.send("GET", "/v1/pets", token=forged)).status == 401
    # A second live session for the same subject would make a request belong to two.
    taken = await faults.send(
        "POST", "/admin/fault-sessions", token=faults.admin, body={**FAIL, "match": {"sub": sub}}
    )
    assert taken.status == 409, taken
    assert taken.json()["type"].endswith("/fault-session-subject-taken")
    assert created["id"] in taken.json()["detail"]
    # The header wins over the subject.
    other = (await faults.start(one_rule({"respond": 502}, then="hold")))["id"]
    assert (await faults.send("GET", "/v1/pets", token=alice, session=other)).status == 502
    entries = await faults.journal(created["id"], count=1)
    assert [e["status"] for e in entries] == [503]  # only alice's own request


async def test_sessions_and_plain_traffic_in_parallel_never_cross(faults: Faults) -> None:
    slow = (await faults.start(one_rule({"respond": 503, "retryAfter": 1}, then="hold")))["id"]
    fast = (await faults.start(one_rule({"respond": 404}, {"pass": True}, then="repeat")))["id"]

    async def run(session: str | None, count: int) -> Counter[int]:
        seen: Counter[int] = Counter()
        for _ in range(count):
            seen[(await faults.send("GET", "/v1/pets", session=session)).status] += 1
        return seen

    results = await asyncio.gather(
        *(run(slow, 10) for _ in range(3)),
        *(run(fast, 10) for _ in range(3)),
        *(run(None, 10) for _ in range(3)),
    )
    assert all(r == Counter({503: 10}) for r in results[:3]), results
    assert sum(results[3:6], Counter()) == Counter({404: 15, 200: 15}), results
    assert all(r == Counter({200: 10}) for r in results[6:]), results
    assert len(await faults.journal(slow, count=30)) == 30
    assert len(await faults.journal(fast, count=30)) == 30
    seqs = [e["seq"] for e in await faults.journal(fast)]
    assert seqs == list(range(1, 31))


async def test_ttl_removes_the_session_its_counters_and_journal(
    faults: Faults, suite: Suite
) -> None:
    created = await faults.start({**FAIL, "ttlSeconds": 1})
    sid = created["id"]
    assert (await faults.send("GET", "/v1/pets", session=sid)).status == 503
    redis = aioredis.Redis(port=suite.redis.port)
    try:
        pattern = f"sessions:faults:s:{sid}*"
        assert len([k async for k in redis.scan_iter(match=pattern)]) >= 3
        await asyncio.sleep(1.2)
        unknown = await faults.send("GET", "/v1/pets", session=sid)
        assert unknown.status == 400
        assert unknown.json()["type"].endswith("/fault-session-unknown")
        assert (await faults.read(sid)).status == 404
        assert (await faults.read(sid, "/journal")).status == 404
        assert [k async for k in redis.scan_iter(match=pattern)] == []
        listed = await faults.send("GET", "/admin/fault-sessions", token=faults.admin)
        assert sid not in [item["id"] for item in listed.json()["items"]]
    finally:
        await redis.aclose()


async def test_a_second_replica_applies_and_journals_the_same_session(
    faults: Faults, suite: Suite
) -> None:
    from petstore_cli.embedded import free_port

    second = suite.add_part(
        "gateway-2", "gateway", "GATEWAY_PORT", GATEWAY_METRICS_PORT=str(free_port())
    )
    sub = f"carol-{uuid.uuid4().hex[:8]}"
    carol = faults.token("read:pets", sub=sub)
    script = one_rule({"respond": 503, "retryAfter": 1, "times": 3}, {"respond": 502})
    created = await faults.start({**script, "match": {"sub": sub}})
    sid = created["id"]
    # The header works on the other replica at once (it asks Redis for an id it does not
    # know); the subject as soon as that replica's view has caught up.
    first = await faults.send("GET", "/v1/pets", session=sid, base=second.url)
    assert first.status == 503
    assert await wait_for(lambda: _matched(faults, carol, second.url))
    rest = [
        (await faults.send("GET", "/v1/pets", token=carol, base=base)).status
        for base in (faults.base, second.url, faults.base)
    ]
    # One script across both: three 503s in all (the second went to the wait above), a 502,
    # then served (then: pass).
    assert rest == [503, 502, 200]
    for base in (faults.base, second.url):
        entries = await wait_for(lambda b=base: _all_of(faults, sid, 5, b))  # type: ignore[misc]
        assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
        assert [e["status"] for e in entries] == [503, 503, 503, 502, 200]
    ended = await faults.send(
        "DELETE", f"/admin/fault-sessions/{sid}", token=faults.admin, base=second.url
    )
    assert ended.status == 204
    assert await wait_for(lambda: _served(faults, carol, faults.base))


async def _matched(faults: Faults, token: str, base: str) -> bool:
    return (await faults.send("GET", "/v1/pets", token=token, base=base)).status == 503


async def _served(faults: Faults, token: str, base: str) -> bool:
    return (await faults.send("GET", "/v1/pets", token=token, base=base)).status == 200


async def _all_of(faults: Faults, sid: str, count: int, base: str) -> list[dict[str, Any]] | None:
    entries = await faults.journal(sid, base=base)
    return entries if len(entries) >= count else None


async def test_without_redis_a_session_request_is_503_not_served_fault_free(
    faults: Faults, suite: Suite
) -> None:
    sid = (await faults.start(FAIL))["id"]
    suite.redis.stop()
    try:
        answer = await faults.send("GET", "/v1/pets", session=sid)
        assert answer.status == 503
        assert answer.headers["Retry-After"] == "5"
        assert "Fault sessions cannot be read now" in answer.json()["detail"]
        listed = await faults.send("GET", "/admin/fault-sessions", token=faults.admin)
        assert listed.status == 503
    finally:
        suite.heal()
        # Redis came back empty: the services' connections recover on their next use.
        assert await wait_for(lambda: _served(faults, faults.rw, faults.base), within=15)
