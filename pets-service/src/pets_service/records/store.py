"""Medical records in Redis: the status entry of each record and the set of unfinished ones.

The layout is shared with the records worker (service_kit.medical_records): one hash per
record, and a sorted set of the ids still PROCESSING scored by when each was accepted or
last republished. An id enters that set in the same atomic write as its status entry, so no
accepted record can miss the republisher; a record the broker refused (503) leaves both.
"""

from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis

from pets_service.storage import as_bytes, translate_errors
from pets_service.storage.keys import Keys
from service_kit.medical_records import (
    F_CREATED_AT,
    F_ID,
    F_OWNER,
    F_PAYLOAD,
    F_PET_ID,
    F_PROBLEM,
    F_RESULT,
    F_STATUS,
    F_TRACE_ID,
    F_UPDATED_AT,
    RecordStatus,
)

# KEYS: processing set  ARGV: published before (score), now, how many
# Claiming moves each stale id's score to now, so concurrent replicas do not both publish it.
_CLAIM_STALE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids
"""

_READ = [F_STATUS, F_PET_ID, F_OWNER, F_CREATED_AT, F_UPDATED_AT, F_RESULT, F_PROBLEM]


@dataclass(frozen=True, slots=True)
class StoredRecord:
    id: str
    status: RecordStatus
    pet_id: str
    owner: str  # the token subject that posted it
    created_at: str
    updated_at: str
    result: bytes | None
    problem: bytes | None


@dataclass(frozen=True, slots=True)
class Unfinished:
    """What republishing needs: the payload as first published and its trace id."""

    pet_id: str
    payload: bytes
    trace_id: str


class RecordStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._claim_stale = redis.register_script(_CLAIM_STALE)

    @translate_errors
    async def accept(
        self,
        record_id: str,
        pet_id: str,
        payload: bytes,
        *,
        owner: str,
        created_at: str,
        trace_id: str,
        at: float,
    ) -> None:
        """The PROCESSING entry and the id in the processing set, in one atomic write
        before the record is published: nothing after the broker's acknowledgement can fail
        and leave a 202 that the republisher does not cover."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                self._keys.medical_record(record_id),
                mapping={
                    F_ID: record_id,
                    F_PET_ID: pet_id,
                    F_OWNER: owner,
                    F_STATUS: str(RecordStatus.PROCESSING),
                    F_CREATED_AT: created_at,
                    F_UPDATED_AT: created_at,
                    F_PAYLOAD: payload,
                    F_TRACE_ID: trace_id,
                },
            )
            pipe.zadd(self._keys.records_processing(), {record_id: at})
            await pipe.execute()

    @translate_errors
    async def withdraw(self, record_id: str) -> None:
        """Forget a record the broker did not take (the client was answered 503)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._keys.medical_record(record_id))
            pipe.zrem(self._keys.records_processing(), record_id)
            await pipe.execute()

    @translate_errors
    async def get(self, record_id: str) -> StoredRecord | None:
        values = await self._redis.hmget(self._keys.medical_record(record_id), _READ)
        status, pet_id, owner, created_at, updated_at, result, problem = values
        if status is None or as_bytes(status).decode() not in RecordStatus.__members__:
            return None
        return StoredRecord(
            id=record_id,
            status=RecordStatus(as_bytes(status).decode()),
            pet_id=_text(pet_id),
            owner=_text(owner),
            created_at=_text(created_at),
            updated_at=_text(updated_at),
            result=None if result is None else as_bytes(result),
            problem=None if problem is None else as_bytes(problem),
        )

    @translate_errors
    async def claim_stale(self, published_before: float, now: float, limit: int) -> list[str]:
        ids = await self._claim_stale(
            keys=[self._keys.records_processing()], args=[published_before, now, limit]
        )
        return [_text(record_id) for record_id in cast(list[bytes], ids)]

    @translate_errors
    async def unfinished(self, record_id: str) -> Unfinished | None:
        """The record to publish again, or None (and out of the set) when it is finished."""
        status, pet_id, payload, trace_id = await self._redis.hmget(
            self._keys.medical_record(record_id), [F_STATUS, F_PET_ID, F_PAYLOAD, F_TRACE_ID]
        )
        if status is None or _text(status) != RecordStatus.PROCESSING or payload is None:
            await self._redis.zrem(self._keys.records_processing(), record_id)
            return None
        return Unfinished(_text(pet_id), as_bytes(payload), _text(trace_id))


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value
