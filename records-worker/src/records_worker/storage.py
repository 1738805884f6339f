"""The only code of the worker that talks to Redis: reading a status, finishing a record once."""

import enum

from redis.asyncio import Redis

from service_kit.medical_records import (
    F_EFFECTS,
    F_STATUS,
    F_UPDATED_AT,
    RecordStatus,
    processing_key,
    record_key,
)

# KEYS: record, processing set  ARGV: id, new status, field, value, updatedAt
# The status check and the write are one atomic step, so however many copies of a record
# are delivered (redelivery after a crash, republishing), only the first has an effect.
_FINISH = f"""
local status = redis.call('HGET', KEYS[1], '{F_STATUS}')
if not status then return -1 end
if status ~= '{RecordStatus.PROCESSING}' then return 0 end
redis.call('HSET', KEYS[1], '{F_STATUS}', ARGV[2], ARGV[3], ARGV[4], '{F_UPDATED_AT}', ARGV[5])
redis.call('HINCRBY', KEYS[1], '{F_EFFECTS}', 1)
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
"""


class Finish(enum.Enum):
    APPLIED = 1
    ALREADY_DONE = 0
    WITHDRAWN = -1  # no status entry: the POST answered 503 and removed it


class RecordStore:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._finish = redis.register_script(_FINISH)

    async def ping(self) -> None:
        await self._redis.ping()

    async def status(self, record_id: str) -> str | None:
        value = await self._redis.hget(record_key(self._prefix, record_id), F_STATUS)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else value

    async def finish(
        self, record_id: str, status: RecordStatus, field: str, value: bytes, updated_at: str
    ) -> Finish:
        """Write the outcome and count the effect, only if the record is still PROCESSING."""
        outcome = await self._finish(
            keys=[record_key(self._prefix, record_id), processing_key(self._prefix)],
            args=[record_id, str(status), field, value, updated_at],
        )
        return Finish(int(outcome))

    async def close(self) -> None:
        await self._redis.aclose(close_connection_pool=True)
