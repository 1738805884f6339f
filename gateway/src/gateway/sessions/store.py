"""The only module of fault sessions that talks to Redis: documents, counters, the journal.

Every key of a session expires at the session's end (PEXPIREAT on each write), so the
session, its step counters and its journal vanish together. Counters that several gateway
replicas share (the exchange ``seq``, each rule's matching requests, each step's ``fired``)
change only inside Lua scripts, atomically.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple

import orjson
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random

from gateway.storage import StorageUnavailable

CREATE = """
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[6])
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[7]) then return '!full' end
if ARGV[4] ~= '' then
  if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
    return redis.call('GET', KEYS[2])
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
redis.call('INCR', KEYS[4])
return false
"""
# One exchange begins: its seq in the session, and (for a rule) the request's index among
# those the rule met. Nothing when the session has ended.
BEGIN = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local seq = redis.call('INCR', KEYS[2])
redis.call('PEXPIREAT', KEYS[2], ARGV[1])
local count = -1
if ARGV[2] ~= '' then
  count = redis.call('HINCRBY', KEYS[3], ARGV[2], 1) - 1
  redis.call('PEXPIREAT', KEYS[3], ARGV[1])
end
return {seq, count}
"""
# A batch of journal entries and fired counts; dropped if the session has ended meanwhile.
APPEND = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = tonumber(ARGV[2])
if n > 0 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 3, 2 + n))
  redis.call('PEXPIREAT', KEYS[2], ARGV[1])
end
if #ARGV > 2 + n then
  for i = 3 + n, #ARGV, 2 do redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1]) end
  redis.call('PEXPIREAT', KEYS[3], ARGV[1])
end
return 1
"""
DELETE = """
local gone = redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('ZREM', KEYS[6], ARGV[1])
if KEYS[7] and redis.call('GET', KEYS[7]) == ARGV[1] then redis.call('DEL', KEYS[7]) end
redis.call('INCR', KEYS[8])
return gone
"""


# Live sessions at most, over all replicas: each is re-read by every replica when any
# changes, and each journal may hold up to its cap of entries.
MAX_LIVE = 1000
FULL = "!full"


class Began(NamedTuple):
    seq: int
    hits: int  # the rule's matching requests before this one; -1 when no rule applies


class SessionStore:
    def __init__(self, client: aioredis.Redis, prefix: str, timeout: float) -> None:
        self._client = client
        self._timeout = timeout
        self.prefix = f"{prefix}faults:"
        self._version = self.prefix + "version"
        self._index = self.prefix + "index"
        self._create = client.register_script(CREATE)
        self._begin = client.register_script(BEGIN)
        self._append = client.register_script(APPEND)
        self._delete = client.register_script(DELETE)

    def _key(self, session_id: str, part: str = "") -> str:
        return f"{self.prefix}s:{session_id}{':' + part if part else ''}"

    async def create(
        self, doc: dict[str, Any], sub: str | None, now_ms: int, limit: int = MAX_LIVE
    ) -> str | None:
        """Store a new session. Instead: the id of the live session holding ``sub``, or
        FULL when ``limit`` sessions live already."""
        ttl_ms = doc["ttlSeconds"] * 1000
        keys = [self._key(doc["id"]), f"{self.prefix}sub:{sub}", self._index, self._version]
        args = [orjson.dumps(doc), doc["id"], ttl_ms, sub or "", now_ms + ttl_ms, now_ms, limit]
        holder = await self._call(lambda: self._create(keys=keys, args=args))
        return None if holder is None else holder.decode()

    async def version(self) -> int:
        return int(await self._call(lambda: self._client.get(self._version)) or 0)

    async def live_ids(self, now_ms: int) -> list[str]:
        ids = await self._call(lambda: self._client.zrangebyscore(self._index, now_ms, "+inf"))
        return [each.decode() for each in ids]

    async def documents(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        raws = await self._call(lambda: self._client.mget([self._key(each) for each in ids]))
        return [orjson.loads(raw) for raw in raws if raw is not None]

    async def document(self, session_id: str) -> dict[str, Any] | None:
        raw = await self._call(lambda: self._client.get(self._key(session_id)))
        return None if raw is None else dict(orjson.loads(raw))

    async def fired(self, session_id: str) -> dict[str, int]:
        raw = await self._call(lambda: self._client.hgetall(self._key(session_id, "fired")))
        return {k.decode(): int(v) for k, v in raw.items()}

    async def delete(self, session_id: str, sub: str | None) -> bool:
        parts = ("", "seq", "hits", "fired", "journal")
        keys = [self._key(session_id, part) for part in parts]
        keys += [self._index, f"{self.prefix}sub:{sub}" if sub else "", self._version]
        if not sub:
            keys[6] = keys[7]  # no claim to release: the version key reads as never equal
        return int(await self._call(lambda: self._delete(keys=keys, args=[session_id]))) > 0

    async def begin(self, session_id: str, rule: int | None, expires_ms: int) -> Began | None:
        keys = [self._key(session_id), self._key(session_id, "seq"), self._key(session_id, "hits")]
        args = [expires_ms, "" if rule is None else rule]
        reply = await self._call(lambda: self._begin(keys=keys, args=args))
        return None if reply is None else Began(int(reply[0]), int(reply[1]))

    async def append(
        self, session_id: str, expires_ms: int, entries: list[bytes], fired: dict[str, int]
    ) -> None:
        keys = [
            self._key(session_id),
            self._key(session_id, "journal"),
            self._key(session_id, "fired"),
        ]
        args: list[Any] = [expires_ms, len(entries), *entries]
        for name, count in fired.items():
            args += [name, count]
        await self._call(lambda: self._append(keys=keys, args=args))

    async def journal(self, session_id: str) -> tuple[list[dict[str, Any]], int]:
        """The stored entries by seq, and the number of exchanges the session has seen."""
        raws, seq = await self._call(lambda: self._pipeline_journal(session_id))
        entries = sorted((orjson.loads(raw) for raw in raws), key=lambda e: int(e["seq"]))
        return entries, int(seq or 0)

    async def _pipeline_journal(self, session_id: str) -> Any:
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.lrange(self._key(session_id, "journal"), 0, -1)
            pipe.get(self._key(session_id, "seq"))
            return await pipe.execute()

    async def _call(self, command: Callable[[], Awaitable[Any]]) -> Any:
        """One command within the timeout; sent again once if its pooled connection had
        died (Redis restarted): the next one is new."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(2),
            wait=wait_random(0, 0.02),
            retry=retry_if_exception_type(RedisConnectionError),
            reraise=True,
        )
        try:
            async with asyncio.timeout(self._timeout):
                async for attempt in retrying:
                    with attempt:
                        return await command()
        except (RedisError, OSError, TimeoutError) as exc:
            raise StorageUnavailable(type(exc).__name__) from exc
        raise AssertionError("unreachable: tenacity returns or re-raises")  # pragma: no cover
