"""The document is built from sections: a new group of routes is one function in one list."""

import pytest

from gateway.openapi import SECTIONS, document
from gateway.openapi.base import Section
from gateway.openapi.document import build
from gateway.openapi.responses import admin_operation, ok


def _extra() -> Section:
    return Section(
        paths={
            "/admin/widgets": {
                "get": admin_operation(
                    "listWidgets", "Widgets", {200: ok("Widgets.", {"type": "object"})}
                )
            }
        },
        schemas={"Widget": {"type": "object"}},
    )


def test_an_added_section_brings_its_paths_and_schemas() -> None:
    doc = build("http://x/problems/", (*SECTIONS, _extra))
    assert doc["paths"]["/admin/widgets"]["get"]["operationId"] == "listWidgets"
    assert set(doc["paths"]["/admin/widgets"]["get"]["responses"]) == {
        "200",
        "401",
        "403",
        "405",
        "406",
        "429",
        "500",
        "501",
        "503",
    }
    assert doc["components"]["schemas"]["Widget"] == {"type": "object"}
    assert set(document("http://x/problems/")["paths"]) < set(doc["paths"])


def test_a_path_or_schema_defined_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="path defined twice"):
        build("http://x/problems/", (*SECTIONS, SECTIONS[0]))
    with pytest.raises(ValueError, match="schema defined twice"):
        build("http://x/", (lambda: Section(paths={}, schemas={"Problem": {}}),))
