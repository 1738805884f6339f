"""The OpenAPI 3.1 document of the whole public API, as served at /openapi.json.

Each part of the API is one module with a ``section()`` function (its paths and the
components only they use); ``SECTIONS`` lists them in the order the document shows them.
To document a new group of routes, write its module and add its ``section`` here.
"""

from typing import Any

from gateway.openapi import admin, console, fault_sessions, pets, public, records, upstream, users
from gateway.openapi.base import SectionBuilder
from gateway.openapi.document import build

SECTIONS: tuple[SectionBuilder, ...] = (
    pets.section,
    records.section,
    upstream.section,
    users.section,
    admin.section,
    console.section,
    fault_sessions.section,
    public.section,
)


def document(type_base: str) -> dict[str, Any]:
    return build(type_base, SECTIONS)
