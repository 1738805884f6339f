"""Every Redis key the pets service writes, built in one place and always with the prefix."""

from dataclasses import dataclass


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
