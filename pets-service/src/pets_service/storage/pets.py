"""Pets in Redis: one hash per pet plus id-ordered indexes, changed only by atomic scripts.

A pet's hash holds ``doc`` (its JSON representation, served as is), ``version`` and
``idx`` (the index keys it is listed in, so a write can unlist it from the old ones).
Indexes are sorted sets with every score 0, so ZRANGE BYLEX walks them in id order:
a page costs the same however many pets exist.
"""

from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis

from pets_service.storage import as_bytes, translate_errors
from pets_service.storage.keys import Keys

# KEYS: pet, indexes...  ARGV: id, doc, version, idx
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'version', ARGV[3], 'idx', ARGV[4])
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[1]) end
return 1
"""

# KEYS: pet, new indexes...  ARGV: id, expected version, doc, new version, idx
# Returns -1 when the pet is gone, 0 when written, else the current (unexpected) version.
_REPLACE = """
local current = redis.call('HGET', KEYS[1], 'version')
if not current then return -1 end
if current ~= ARGV[2] then return tonumber(current) end
local old = redis.call('HGET', KEYS[1], 'idx') or ''
for key in string.gmatch(old, '[^\\n]+') do redis.call('ZREM', key, ARGV[1]) end
redis.call('HSET', KEYS[1], 'doc', ARGV[3], 'version', ARGV[4], 'idx', ARGV[5])
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[1]) end
return 0
"""

# KEYS: pet  ARGV: id, '1' to check the version (else '0'), then the versions allowed.
# Returns -1 when the pet is gone, 0 when deleted, else the current (unexpected) version.
_DELETE = """
local current = redis.call('HGET', KEYS[1], 'version')
if not current then return -1 end
if ARGV[2] == '1' then
  local allowed = false
  for i = 3, #ARGV do if ARGV[i] == current then allowed = true end end
  if not allowed then return tonumber(current) end
end
local old = redis.call('HGET', KEYS[1], 'idx') or ''
for key in string.gmatch(old, '[^\\n]+') do redis.call('ZREM', key, ARGV[1]) end
redis.call('DEL', KEYS[1])
return 0
"""


@dataclass(frozen=True, slots=True)
class StoredPet:
    version: int
    doc: bytes


@dataclass(frozen=True, slots=True)
class WriteResult:
    """``current_version`` is None when the pet does not exist (any more)."""

    done: bool
    current_version: int | None


@dataclass(frozen=True, slots=True)
class Page:
    docs: list[bytes]
    last_id: str | None  # set when more pets follow; the next page starts after it


class PetStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._create = redis.register_script(_CREATE)
        self._replace = redis.register_script(_REPLACE)
        self._delete = redis.register_script(_DELETE)

    @translate_errors
    async def get(self, pet_id: str) -> StoredPet | None:
        version, doc = await self._redis.hmget(self._keys.pet(pet_id), ["version", "doc"])
        if version is None or doc is None:
            return None
        return StoredPet(int(version), as_bytes(doc))

    @translate_errors
    async def create(self, pet_id: str, doc: bytes, *, species: str, status: str) -> bool:
        """Store a new pet at version 1; False when the id is taken."""
        indexes = self._keys.pet_indexes(species, status)
        created = await self._create(
            keys=[self._keys.pet(pet_id), *indexes], args=[pet_id, doc, 1, "\n".join(indexes)]
        )
        return bool(created)

    @translate_errors
    async def replace(
        self, pet_id: str, doc: bytes, *, expected_version: int, species: str, status: str
    ) -> WriteResult:
        """Write ``doc`` as version ``expected_version + 1`` if the pet is still at
        ``expected_version`` (compare-and-set, with its index memberships)."""
        indexes = self._keys.pet_indexes(species, status)
        outcome = await self._replace(
            keys=[self._keys.pet(pet_id), *indexes],
            args=[pet_id, expected_version, doc, expected_version + 1, "\n".join(indexes)],
        )
        return _result(int(outcome), expected_version + 1)

    @translate_errors
    async def delete(
        self, pet_id: str, allowed_versions: frozenset[int] | None = None
    ) -> WriteResult:
        """Delete the pet; when ``allowed_versions`` is given, only at one of them."""
        check = ["0"] if allowed_versions is None else ["1", *map(str, sorted(allowed_versions))]
        outcome = await self._delete(keys=[self._keys.pet(pet_id)], args=[pet_id, *check])
        return _result(int(outcome), None)

    @translate_errors
    async def page(
        self, *, species: str | None, status: str | None, after: str | None, limit: int
    ) -> Page:
        """Up to ``limit`` pets in id order, after the id ``after``, matching the filters."""
        found = await self._redis.zrange(
            self._keys.pet_index(species, status),
            f"({after}" if after else "-",
            "+",
            bylex=True,
            offset=0,
            num=limit + 1,
        )
        ids = [pet_id.decode() for pet_id in cast(list[bytes], found)]
        more = len(ids) > limit
        ids = ids[:limit]
        docs: list[bytes | None] = []
        if ids:
            async with self._redis.pipeline(transaction=False) as pipe:
                for pet_id in ids:
                    pipe.hget(self._keys.pet(pet_id), "doc")
                docs = await pipe.execute()
        # A pet deleted between the two calls is simply left out of the page.
        return Page([doc for doc in docs if doc is not None], ids[-1] if more else None)


def _result(outcome: int, new_version: int | None) -> WriteResult:
    if outcome == 0:
        return WriteResult(True, new_version)
    if outcome < 0:
        return WriteResult(False, None)
    return WriteResult(False, outcome)
