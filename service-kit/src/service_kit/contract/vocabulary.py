"""The pet vocabulary every part shares, pydantic-free so that any service may import it
(the recommendations stub's catalogue is keyed by species)."""

from enum import StrEnum


class Species(StrEnum):
    DOG = "DOG"
    CAT = "CAT"
    BIRD = "BIRD"
    RABBIT = "RABBIT"
    FISH = "FISH"
    REPTILE = "REPTILE"
    OTHER = "OTHER"


class PetStatus(StrEnum):
    AVAILABLE = "AVAILABLE"
    PENDING = "PENDING"
    ADOPTED = "ADOPTED"
