"""The building blocks every part of the OpenAPI document uses: media types, refs, sections."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"


def ref(kind: str, name: str) -> Schema:
    return {"$ref": f"#/components/{kind}/{name}"}


@dataclass(frozen=True)
class Section:
    """A group of paths and the components only they use, added to the document as a whole.

    A new part of the API (its own module) writes one function returning a ``Section`` and
    adds it to ``gateway.openapi.SECTIONS``; a path or component name given twice is an error.
    """

    paths: dict[str, Schema]
    schemas: dict[str, Schema] = field(default_factory=dict)
    parameters: dict[str, Schema] = field(default_factory=dict)


SectionBuilder = Callable[[], Section]
