"""The hits of one tick in one script call, against a real Redis-protocol server: the same
counts as one call per hit (the script run once per key, in order), NOSCRIPT recovered."""

import asyncio

from gateway.hits import HitBatcher
from gateway.resp import RespClient


async def test_a_tick_of_hits_is_one_call_with_exact_counts(
    redis_url: str, key_prefix: str
) -> None:
    batches: list[int] = []
    client = RespClient(redis_url, timeout=1.0)
    hits = HitBatcher(client, batches.append)
    a, b = f"{key_prefix}hits:a", f"{key_prefix}hits:b"
    try:
        counted = await asyncio.gather(
            *(hits.count(a if i % 3 else b, 7, 60_000) for i in range(15))
        )
        assert batches == [15]
        on_a = [c for i, c in enumerate(counted) if i % 3]
        on_b = [c for i, c in enumerate(counted) if not i % 3]
        assert [(c.allowed, c.hits) for c in on_a] == [(True, n) for n in range(1, 8)] + [
            (False, 7),
            (False, 7),
            (False, 7),
        ]
        assert [(c.allowed, c.hits) for c in on_b] == [(True, n) for n in range(1, 6)]
        assert all(0 < c.ttl_ms <= 60_000 for c in counted)
        assert len({c.now_ms for c in counted}) == 1  # one call, one clock reading
        # One call per hit, the way it was counted before, agrees: the next one is refused.
        alone = await hits.count(a, 7, 60_000)
        assert (alone.allowed, alone.hits, batches) == (False, 7, [15, 1])
        assert int(await client.execute("GET", a)) == 7
    finally:
        await client.execute("DEL", a, b)
        await client.close()


async def test_noscript_loads_the_script_and_counts_once(redis_url: str, key_prefix: str) -> None:
    client = RespClient(redis_url, timeout=1.0)
    hits = HitBatcher(client)
    key = f"{key_prefix}hits:flushed"
    try:
        await client.execute("SCRIPT", "FLUSH")
        counted = await asyncio.gather(hits.count(key, 5, 60_000), hits.count(key, 5, 60_000))
        assert [c.hits for c in counted] == [1, 2]
        assert int(await client.execute("GET", key)) == 2
    finally:
        await client.execute("DEL", key)
        await client.close()


async def test_two_policies_in_one_tick_are_two_calls(redis_url: str, key_prefix: str) -> None:
    batches: list[int] = []
    client = RespClient(redis_url, timeout=1.0)
    hits = HitBatcher(client, batches.append)
    key = f"{key_prefix}hits:two"
    try:
        first, second = await asyncio.gather(hits.count(key, 1, 60_000), hits.count(key, 2, 60_000))
        assert (first.allowed, second.allowed, second.hits) == (True, True, 2)
        assert batches == [1, 1]
    finally:
        await client.execute("DEL", key)
        await client.close()
