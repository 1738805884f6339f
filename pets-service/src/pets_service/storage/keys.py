"""Every Redis key the pets service writes, built in one place and always with the prefix."""

import hashlib
from dataclasses import dataclass

from service_kit.medical_records import processing_key, record_key


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str

    def pet(self, pet_id: str) -> str:
        """A string: the pet's version, a newline, then its JSON document."""
        return f"{self.prefix}pet:{pet_id}"

    def pet_memberships(self, pet_id: str) -> str:
        """A string: the index keys the pet is listed in, one per line."""
        return f"{self.prefix}pet:{pet_id}:indexes"

    def pet_index(self, species: str | None = None, status: str | None = None) -> str:
        """A sorted set of pet ids (all scores 0, so ordered by id) for one filter combination."""
        return f"{self.prefix}pets:index:{species or '*'}:{status or '*'}"

    def pet_indexes(self, species: str, status: str) -> list[str]:
        """Every index a pet of this species and status belongs to."""
        return [
            self.pet_index(),
            self.pet_index(species=species),
            self.pet_index(status=status),
            self.pet_index(species, status),
        ]

    def preferences(self, user_id: str) -> str:
        return f"{self.prefix}preferences:{user_id}"

    def medical_record(self, record_id: str) -> str:
        """A hash: a medical record's status entry (layout shared with the records worker)."""
        return record_key(self.prefix, record_id)

    def records_processing(self) -> str:
        """A sorted set: ids of records still PROCESSING, scored by when last published."""
        return processing_key(self.prefix)

    def idempotency(self, caller: str, key: str) -> str:
        """A string: an Idempotency-Key's claim, then its first answer. The caller and the
        key are hashed, so any key a client sends makes a short, safe Redis key."""
        digest = hashlib.sha256(f"{caller}\n{key}".encode()).hexdigest()
        return f"{self.prefix}idempotency:{digest}"
