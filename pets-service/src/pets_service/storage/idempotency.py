"""Idempotency-Key entries: claimed while the first request runs, then its answer, for a while.

One string key per (caller, key) holds a JSON document: ``{"state": "in-flight", ...}`` with
a random token while the first request runs (with a short expiry, so a crash mid-request
does not block the key for long), then ``{"state": "done", ...}`` with the answer for the
retention period. Completing and releasing check the token, so a request whose claim
expired never overwrites the request that claimed the key after it.
"""

from typing import Any, cast

import orjson
from redis.asyncio import Redis

from pets_service.storage import as_bytes, translate_errors
from pets_service.storage.keys import Keys

# KEYS: entry  ARGV: token, new value ('' to delete), ttl ms
_REPLACE_OWN = """
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if cjson.decode(current)['token'] ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
"""


class IdempotencyStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._replace_own = redis.register_script(_REPLACE_OWN)

    @translate_errors
    async def claim(
        self, caller: str, key: str, entry: dict[str, Any], ttl_ms: int
    ) -> dict[str, Any] | None:
        """Store ``entry`` if the key is free and return None; else return what is stored."""
        existing = await self._redis.set(
            self._keys.idempotency(caller, key), orjson.dumps(entry), nx=True, px=ttl_ms, get=True
        )
        if existing is None:
            return None
        stored: dict[str, Any] = orjson.loads(as_bytes(cast(bytes, existing)))
        return stored

    @translate_errors
    async def complete(
        self, caller: str, key: str, token: str, entry: dict[str, Any], ttl_ms: int
    ) -> bool:
        done = await self._replace_own(
            keys=[self._keys.idempotency(caller, key)], args=[token, orjson.dumps(entry), ttl_ms]
        )
        return bool(done)

    @translate_errors
    async def release(self, caller: str, key: str, token: str) -> None:
        await self._replace_own(keys=[self._keys.idempotency(caller, key)], args=[token, "", 0])
