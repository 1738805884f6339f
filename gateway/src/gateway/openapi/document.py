"""The whole document: info, security, and every section's paths and components merged."""

from collections.abc import Iterable
from typing import Any

from gateway.openapi.base import Schema, SectionBuilder
from gateway.openapi.components import HEADERS, parameters
from gateway.openapi.examples import add_problem_examples
from gateway.openapi.methods import add_method_semantics
from service_kit.contract.schemas import component_schemas

_DESCRIPTION = (
    "Every error is `application/problem+json` (RFC 9457) whose `type` resolves to "
    "a page under {type_base}. Every /v1 request: maintenance (503) → token → "
    "rate limit (429) → 401 → 403 → routing (404/405) → handler. Rate limit: a "
    "fixed window per token subject (per client IP without a valid token). "
    "Integers in bodies follow JSON Schema: an integral number such as 3.0 is the "
    "integer 3 (3.5 is 422). Every resource answers OPTIONS (204 + `Allow`) and HEAD "
    "wherever it answers GET; a method it does not serve is 405 + `Allow`, one the server "
    "does not implement at all is 501."
)
_BEARER = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "HS256 JWT: iss petstore, aud petstore-api, "
    "scope read:pets / write:pets / admin.",
}


def _merge(into: dict[str, Schema], new: dict[str, Schema], what: str) -> None:
    clash = into.keys() & new.keys()
    if clash:
        raise ValueError(f"OpenAPI {what} defined twice: {sorted(clash)}")
    into.update(new)


def build(type_base: str, sections: Iterable[SectionBuilder]) -> dict[str, Any]:
    paths: dict[str, Schema] = {}
    schemas: dict[str, Schema] = component_schemas()
    params: dict[str, Schema] = parameters()
    for make in sections:
        section = make()
        _merge(paths, section.paths, "path")
        _merge(schemas, section.schemas, "schema")
        _merge(params, section.parameters, "parameter")
    add_method_semantics(paths)
    add_problem_examples(paths, type_base)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Petstore status-code suite API",
            "version": "1.0.0",
            "description": _DESCRIPTION.format(type_base=type_base),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": HEADERS,
            "parameters": params,
            "securitySchemes": {"bearerAuth": _BEARER},
        },
    }
