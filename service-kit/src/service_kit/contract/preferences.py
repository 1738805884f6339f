"""A user's preferences: one whole document, absent fields at their defaults."""

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, Strict, StringConstraints

from service_kit.contract.fields import ContractModel, Flag, messages
from service_kit.contract.pets import Species

# The path's user id (the token's ``sub``): documented (gateway.openapi.components) and
# enforced (pets_service.views) with the same bound.
USER_ID_MAX = 128


class Units(StrEnum):
    METRIC = "metric"
    IMPERIAL = "imperial"


class Theme(StrEnum):
    LIGHT = "light"
    DARK = "dark"
    SYSTEM = "system"


Language = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}$"),
    Field(description="A language tag such as `en` or `pt-BR`."),
    messages(any="Must be a language tag such as 'en' or 'pt-BR'."),
]
SpeciesList = Annotated[
    list[Species],
    Field(json_schema_extra={"uniqueItems": True}, description="Each species at most once."),
    messages(list_type="Must be an array of species."),
]


class Preferences(
    ContractModel,
    json_schema_extra={
        "examples": [
            {
                "preferredSpecies": ["CAT"],
                "newsletter": False,
                "language": "en",
                "units": "metric",
                "emailNotifications": True,
                "theme": "dark",
            }
        ]
    },
):
    """The whole document: PUT replaces it, GET answers it."""

    preferredSpecies: Annotated[SpeciesList, Field(default_factory=list)]
    newsletter: Flag = False
    language: Language = "en"
    units: Units = Units.METRIC
    emailNotifications: Flag = False
    theme: Theme = Theme.SYSTEM


def duplicate_species(body: dict[str, Any]) -> list[tuple[str, str]]:
    """``uniqueItems`` as the API reports it: each repeat, at its index."""
    value = body.get("preferredSpecies")
    if not isinstance(value, list):
        return []
    seen: set[Any] = set()
    repeats = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or item not in Species.__members__:
            continue
        if item in seen:
            repeats.append((f"preferredSpecies[{index}]", f"{item} is listed twice."))
        else:
            seen.add(item)
    return repeats
