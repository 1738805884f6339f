"""Pets: the writable fields a client sends, and the pet the API answers with.

A new optional pet field is one line in ``PetWrite`` (its type says how it is validated and
documented); ``Pet`` inherits it, the OpenAPI schemas follow, and so does the stored document.
"""

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from service_kit.contract.fields import ContractModel, Uuid, integer, text


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


NAME_MAX = 100
BREED_MAX = 100
AGE_MAX = 200  # years; the oldest tortoises on record stay below it
READ_ONLY = ("createdAt", "updatedAt", "version")

Name = Annotated[text(NAME_MAX), Field(description="1-100 characters, not blank.")]
Breed = text(BREED_MAX)
Age = Annotated[
    integer(0, AGE_MAX), Field(description="Whole years; an integral number such as 3.0 counts.")
]


class PetWrite(ContractModel):
    """The fields a client writes (PUT: all of them; an absent or null optional one is unset)."""

    read_only: ClassVar[tuple[str, ...]] = READ_ONLY

    name: Name
    species: Species
    status: Annotated[PetStatus | None, Field(description="Absent or null: AVAILABLE.")] = (
        PetStatus.AVAILABLE
    )
    breed: Breed | None = None
    age: Age | None = None
    # PUT and PATCH bodies may repeat the pet's id, never change it (422): the path names it,
    # so only a POST's body documents one.
    id: SkipJsonSchema[Uuid | None] = None


class PetCreate(PetWrite):
    id: Annotated[Uuid | None, Field(description="Optional; made by the server if absent.")] = (
        None
    )


class PetMergePatch(ContractModel):
    """A JSON merge patch (RFC 7396): null removes an optional field; the rest replace."""

    read_only: ClassVar[tuple[str, ...]] = READ_ONLY

    name: Name | SkipJsonSchema[None] = None
    species: Species | SkipJsonSchema[None] = None
    status: PetStatus | SkipJsonSchema[None] = None
    breed: Breed | None = None
    age: Age | None = None
    id: SkipJsonSchema[Uuid | None] = None


class Pet(ContractModel):
    """A pet as the API answers with it; unset optional fields are left out."""

    id: Uuid
    name: Name
    species: Species
    breed: Breed | SkipJsonSchema[None] = None
    age: Age | SkipJsonSchema[None] = None
    status: PetStatus
    createdAt: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    updatedAt: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    version: Annotated[int, Field(ge=1)]


class PetPage(ContractModel):
    items: list[Pet]
    nextCursor: str | None
