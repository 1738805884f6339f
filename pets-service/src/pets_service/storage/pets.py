"""Pets in Redis: one string per pet plus id-ordered indexes, changed only by atomic scripts.

A pet's value is its version, a newline, then its JSON representation (served as is), so
one GET (or one MGET for many pets) reads both. A second key lists the indexes the pet is
in, so a write can unlist it from the old ones. Indexes are sorted sets with every score 0:
ZRANGE BYLEX walks them in id order, and a page costs the same however many pets exist.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from pets_service.storage import translate_errors, unavailable
from pets_service.storage.keys import Keys
from service_kit.batching import TickBatcher

# KEYS: pet, memberships, indexes...  ARGV: id, value, memberships
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[1]) end
return 1
"""

# KEYS: pet, memberships, new indexes...  ARGV: id, expected version, value, memberships
# Returns -1 when the pet is gone, 0 when written, else the current (unexpected) version.
_REPLACE = """
local value = redis.call('GET', KEYS[1])
if not value then return -1 end
local current = string.match(value, '^(%d+)\\n')
if current ~= ARGV[2] then return tonumber(current) end
local old = redis.call('GET', KEYS[2]) or ''
for key in string.gmatch(old, '[^\\n]+') do redis.call('ZREM', key, ARGV[1]) end
redis.call('SET', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], ARGV[4])
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[1]) end
return 0
"""

# KEYS: pet, memberships  ARGV: id, '1' to check the version (else '0'), allowed versions...
# Returns -1 when the pet is gone, 0 when deleted, else the current (unexpected) version.
_DELETE = """
local value = redis.call('GET', KEYS[1])
if not value then return -1 end
local current = string.match(value, '^(%d+)\\n')
if ARGV[2] == '1' then
  local allowed = false
  for i = 3, #ARGV do if ARGV[i] == current then allowed = true end end
  if not allowed then return tonumber(current) end
end
local old = redis.call('GET', KEYS[2]) or ''
for key in string.gmatch(old, '[^\\n]+') do redis.call('ZREM', key, ARGV[1]) end
redis.call('DEL', KEYS[1], KEYS[2])
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


def _stored(value: bytes | None) -> StoredPet | None:
    if value is None:
        return None
    version, _, doc = value.partition(b"\n")
    return StoredPet(int(version), doc)


def _value(version: int, doc: bytes) -> bytes:
    return b"%d\n%b" % (version, doc)


class PetStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._create = redis.register_script(_CREATE)
        self._replace = redis.register_script(_REPLACE)
        self._delete = redis.register_script(_DELETE)
        # Reads made in the same tick by concurrent requests go out as one MGET.
        self._reads: TickBatcher[str, bytes | None] = TickBatcher(self._mget)

    async def close(self) -> None:
        await self._reads.close()

    async def _mget(self, keys: Sequence[str]) -> list[bytes | None]:
        return cast(list[bytes | None], await self._redis.mget(keys))

    async def get(self, pet_id: str) -> StoredPet | None:
        # The hot path: no decorator frame, one batched MGET shared with concurrent reads.
        try:
            value = await self._reads.submit(self._keys.pet(pet_id))
        except RedisError as exc:
            raise unavailable(exc) from None
        return _stored(value)

    @translate_errors
    async def create(self, pet_id: str, doc: bytes, *, species: str, status: str) -> bool:
        """Store a new pet at version 1; False when the id is taken."""
        indexes = self._keys.pet_indexes(species, status)
        created = await self._create(
            keys=[self._keys.pet(pet_id), self._keys.pet_memberships(pet_id), *indexes],
            args=[pet_id, _value(1, doc), "\n".join(indexes)],
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
            keys=[self._keys.pet(pet_id), self._keys.pet_memberships(pet_id), *indexes],
            args=[pet_id, expected_version, _value(expected_version + 1, doc), "\n".join(indexes)],
        )
        return _result(int(outcome), expected_version + 1)

    @translate_errors
    async def delete(
        self, pet_id: str, allowed_versions: frozenset[int] | None = None
    ) -> WriteResult:
        """Delete the pet; when ``allowed_versions`` is given, only at one of them."""
        check = ["0"] if allowed_versions is None else ["1", *map(str, sorted(allowed_versions))]
        outcome = await self._delete(
            keys=[self._keys.pet(pet_id), self._keys.pet_memberships(pet_id)],
            args=[pet_id, *check],
        )
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
        values = await self._mget([self._keys.pet(pet_id) for pet_id in ids]) if ids else []
        # A pet deleted between the two calls is simply left out of the page.
        pets = [_stored(value) for value in values]
        return Page([pet.doc for pet in pets if pet is not None], ids[-1] if more else None)


def _result(outcome: int, new_version: int | None) -> WriteResult:
    if outcome == 0:
        return WriteResult(True, new_version)
    if outcome < 0:
        return WriteResult(False, None)
    return WriteResult(False, outcome)
