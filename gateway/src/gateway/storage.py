"""The only module that talks to Redis: rate-limit counters and the maintenance flag.

The rate-limit script runs on the hot path through the pipelined ``RespClient``, once per
event-loop tick for all the tick's hits (``gateway.hits``); the rest
(maintenance flag, readiness ping) through redis-py.
"""

from collections.abc import Callable
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway.hits import Counted, HitBatcher
from gateway.resp import RespClient, RespError

__all__ = ["Counted", "Storage", "StorageUnavailable"]


class StorageUnavailable(Exception):
    """Redis did not answer in time, or refused or dropped the connection."""


class Storage:
    def __init__(
        self,
        client: aioredis.Redis,
        fast: RespClient,
        prefix: str,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self._client = client
        self._hits = HitBatcher(fast, on_batch)
        self._prefix = prefix
        self.maintenance_key = f"{prefix}gateway:maintenance"

    async def count_hit(self, identity: str, limit: int, window_ms: int) -> Counted:
        """Count one request of ``identity`` (with the other hits of this tick, in one call)."""
        key = f"{self._prefix}gateway:ratelimit:{identity}"
        try:
            return await self._hits.count(key, limit, window_ms)
        except (RespError, OSError, TimeoutError, ValueError, TypeError, IndexError) as exc:
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
