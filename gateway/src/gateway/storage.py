"""The only module that talks to Redis: rate-limit counters and the maintenance flag.

The rate-limit script runs on the hot path through the pipelined ``RespClient``; the rest
(maintenance flag, readiness ping) through redis-py.
"""

import hashlib
from typing import Any, NamedTuple

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway.resp import RespClient, RespError

# Fixed window per identity, opened by its first request and lasting the window (key TTL).
# A call leases a budget of hits for one gateway to admit on its own: the hits waiting now
# (ARGV[3]), or a share of what is left (left / ARGV[5], at most ARGV[4]) if that is more,
# never more than is left. The count is of hits leased, so it never passes the limit: no
# replica can admit more than it leased, and all of them together no more than the limit.
RATE_LIMIT_SCRIPT = """
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local demand = tonumber(ARGV[3])
local most = tonumber(ARGV[4])
local share = tonumber(ARGV[5])
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = limit - count
local granted = 0
if left > 0 then
  granted = math.min(left, math.max(demand, math.min(most, math.floor(left / share))))
  count = redis.call('INCRBY', KEYS[1], granted)
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
local now = redis.call('TIME')
return {granted, count, tonumber(now[1]), tonumber(now[2]), ttl}
"""
RATE_LIMIT_SHA = hashlib.sha1(RATE_LIMIT_SCRIPT.encode()).hexdigest()


class StorageUnavailable(Exception):
    """Redis did not answer in time, or refused or dropped the connection."""


class Lease(NamedTuple):
    """A budget of hits Redis granted one gateway, and the window it belongs to."""

    granted: int  # hits this gateway may admit; 0 once the window is full
    leased: int  # hits leased in the window so far, by every replica, these included
    now_ms: int  # Redis's clock
    ttl_ms: int  # until the window ends


class Storage:
    def __init__(self, client: aioredis.Redis, fast: RespClient, prefix: str) -> None:
        self._client = client
        self._fast = fast
        self._prefix = prefix
        self.maintenance_key = f"{prefix}gateway:maintenance"

    async def lease(
        self, identity: str, limit: int, window_ms: int, demand: int, most: int, share: int
    ) -> Lease:
        """Lease hits of ``identity``'s window (the script above); reloads it on NOSCRIPT."""
        key = f"{self._prefix}gateway:ratelimit:{identity}"
        args = (1, key, limit, window_ms, demand, most, share)
        try:
            try:
                reply = await self._fast.execute("EVALSHA", RATE_LIMIT_SHA, *args)
            except RespError as exc:
                if not str(exc).startswith("NOSCRIPT"):
                    raise
                # NOSCRIPT: the script did not run, so running it (and caching it) is safe.
                reply = await self._fast.execute("EVAL", RATE_LIMIT_SCRIPT, *args)
            granted, count, now_s, now_us, ttl_ms = reply
            now_ms = int(now_s) * 1000 + int(now_us) // 1000
            return Lease(int(granted), int(count), now_ms, int(ttl_ms))
        except (RespError, OSError, TimeoutError, ValueError, TypeError) as exc:
            raise StorageUnavailable(type(exc).__name__) from exc

    async def read_maintenance(self) -> dict[str, Any] | None:
        raw = await self._call(self._client.get(self.maintenance_key))
        if raw is None:
            return None
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None

    async def write_maintenance(self, state: dict[str, Any]) -> None:
        await self._call(self._client.set(self.maintenance_key, orjson.dumps(state)))

    async def ping(self) -> None:
        await self._call(self._client.ping())

    async def _call(self, command: Any) -> Any:
        """``command`` of the bounded client (``service_kit.redis_client``): it ends in time."""
        try:
            return await command
        except (RedisError, OSError, TimeoutError) as exc:
            raise StorageUnavailable(type(exc).__name__) from exc
