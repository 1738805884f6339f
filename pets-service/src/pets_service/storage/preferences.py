"""User preferences in Redis: one JSON document per user id."""

from redis.asyncio import Redis

from pets_service.storage import as_bytes, translate_errors
from pets_service.storage.keys import Keys


class PreferenceStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    @translate_errors
    async def get(self, user_id: str) -> bytes | None:
        doc = await self._redis.get(self._keys.preferences(user_id))
        return as_bytes(doc) if doc is not None else None

    @translate_errors
    async def put(self, user_id: str, doc: bytes) -> None:
        await self._redis.set(self._keys.preferences(user_id), doc)
