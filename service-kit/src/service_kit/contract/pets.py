"""Pets: the writable fields a client sends, and the pet the API answers with.

A new optional pet field is one line in ``PetFields`` (its type says how it is validated and
documented): the PUT, POST and PATCH bodies and the answered ``Pet`` inherit it, the OpenAPI
schemas are generated from these models, and the stored document is dumped from ``Pet``.
"""

import types
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import Field, create_model
from pydantic.fields import FieldInfo
from pydantic.json_schema import SkipJsonSchema

from service_kit.contract.fields import ContractModel, DateTime, Integer, OmitNull, Text, Uuid
from service_kit.contract.vocabulary import PetStatus as PetStatus
from service_kit.contract.vocabulary import Species as Species

NAME_MAX = 100
BREED_MAX = 100
AGE_MAX = 200  # years; the oldest tortoises on record stay below it
READ_ONLY = ("createdAt", "updatedAt", "version")

Name = Annotated[str, Text(NAME_MAX), Field(description="1-100 characters, not blank.")]
Breed = Annotated[str, Text(BREED_MAX)]
Age = Annotated[
    int,
    Integer(0, AGE_MAX),
    Field(description="Whole years; an integral number such as 3.0 counts."),
]


class PetFields(ContractModel):
    """The fields a client writes and reads back: a new optional field is one line here."""

    read_only: ClassVar[tuple[str, ...]] = READ_ONLY

    name: Name
    species: Species
    breed: Breed | None = None
    age: Age | None = None


class PetReplace(PetFields):
    """A PUT body, the whole pet (an absent or null optional field is unset)."""

    status: Annotated[
        PetStatus | None, Field(description="Absent: AVAILABLE (null too, in a POST or PUT).")
    ] = PetStatus.AVAILABLE
    # PUT and PATCH bodies may repeat the pet's id, never change it (422): the path names it,
    # so only a POST's body documents one.
    id: SkipJsonSchema[Uuid] = None  # type: ignore[assignment]

    @property
    def pet_status(self) -> PetStatus:
        return self.status or PetStatus.AVAILABLE

    def document(
        self, pet_id: str, *, created_at: str, updated_at: str, version: int
    ) -> dict[str, Any]:
        """The pet as stored and answered; unset optional fields are left out."""
        fields = self.model_dump(exclude={"id", "status"})
        status = self.status or PetStatus.AVAILABLE
        pet = Pet.model_construct(
            **fields,
            id=pet_id,
            status=status,
            createdAt=created_at,
            updatedAt=updated_at,
            version=version,
        )
        return pet.model_dump(mode="json", exclude_none=True)


class PetCreate(PetReplace):
    """A POST body: a pet, with the id the client chose, if any."""

    id: Annotated[Uuid, Field(description="Optional; made by the server if absent.")] = None  # type: ignore[assignment]


# Fields a merge patch cannot remove (null): those a pet always has.
NOT_REMOVABLE = tuple(
    name for name, info in PetReplace.model_fields.items() if info.is_required() or info.default
)


def _patch_field(name: str, info: FieldInfo) -> tuple[Any, Any]:
    annotation = info.rebuild_annotation()
    if name in NOT_REMOVABLE:  # null is refused with its own message, and not documented
        if get_origin(annotation) in (Union, types.UnionType):
            kinds = [kind for kind in get_args(annotation) if kind is not type(None)]
            annotation = kinds[0] if len(kinds) == 1 else annotation
        annotation = Annotated[annotation | None, OmitNull]
    return annotation, Field(default=None, description=info.description)


PetMergePatch: type[ContractModel] = create_model(  # type: ignore[call-overload]
    "PetMergePatch",
    __base__=PetFields.__base__,
    __doc__="A JSON merge patch (RFC 7396): null removes an optional field; the rest replace.",
    read_only=(ClassVar[tuple[str, ...]], READ_ONLY),
    **{name: _patch_field(name, info) for name, info in PetReplace.model_fields.items()},
)


PET_EXAMPLE = {
    "name": "Rex",
    "species": "DOG",
    "breed": "Collie",
    "age": 3,
    "id": "0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11",
    "status": "AVAILABLE",
    "createdAt": "2025-01-02T10:00:00.000Z",
    "updatedAt": "2025-01-02T10:00:00.000Z",
    "version": 1,
}


class Pet(PetFields, json_schema_extra={"examples": [PET_EXAMPLE]}):
    """A pet as the API answers with it; unset optional fields are left out."""

    id: Uuid
    status: PetStatus
    createdAt: DateTime
    updatedAt: DateTime
    version: Annotated[int, Field(ge=1)]


class PetPage(
    ContractModel,
    json_schema_extra={
        "examples": [{"items": [PET_EXAMPLE], "nextCursor": "AZD3pIweTMOdKltvHgwqEQ"}]
    },
):
    items: list[Pet]
    nextCursor: str | None
