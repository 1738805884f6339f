"""Checking replies against the OpenAPI document the gateway serves."""

import re
from functools import cache
from typing import Any

import orjson
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from gateway.openapi import document
from tests.gateway.leaks import Reply

BASE = "http://petstore.test/problems/"


@cache
def spec() -> dict[str, Any]:
    # The served bytes, so what is checked is what clients get.
    loaded: dict[str, Any] = orjson.loads(orjson.dumps(document(BASE)))
    return loaded


@cache
def _registry() -> Any:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    return Registry().with_resource("urn:petstore-openapi", resource)


def validator(schema: dict[str, Any]) -> Any:
    rebased = orjson.loads(orjson.dumps(schema).replace(b'"#/', b'"urn:petstore-openapi#/'))
    return Draft202012Validator(
        rebased, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def template_of(path: str) -> str | None:
    """The document's path template that ``path`` (without query) falls under."""
    template: str
    for template in spec()["paths"]:
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def check_reply(reply: Reply) -> list[str]:
    """What in ``reply`` the document does not describe (empty when it conforms)."""
    path = reply.path.partition("?")[0]
    template = template_of(path)
    if template is None:
        return [f"{path}: not in the document"]
    operation = spec()["paths"][template].get(reply.method.lower())
    if operation is None:
        return [] if reply.status == 405 else [f"{reply.method} {template}: not documented"]
    responses = operation["responses"]
    response = responses.get(str(reply.status)) or responses.get(f"{reply.status // 100}XX")
    if response is None:
        return [f"{reply.method} {template}: status {reply.status} not documented"]
    problems = []
    for name, header in response.get("headers", {}).items():
        resolved = _resolve(header)
        if resolved.get("required") and name not in reply.headers:
            problems.append(f"{reply.method} {template} {reply.status}: no {name} header")
        integer = resolved["schema"].get("type") == "integer"
        if integer and name in reply.headers and not reply.headers[name].isdigit():
            problems.append(f"{name}: {reply.headers[name]!r} is not an integer")
    content = response.get("content")
    media = reply.headers.get("Content-Type", "").partition(";")[0].strip()
    if content is None:
        if reply.body:
            problems.append(f"{reply.method} {template} {reply.status}: unexpected body")
        return problems
    if media not in content:
        return [*problems, f"{reply.method} {template} {reply.status}: {media} not documented"]
    if media.endswith("json"):
        errors = validator(content[media]["schema"]).iter_errors(reply.json())
        problems += [f"{reply.method} {template} {reply.status}: {e.message}" for e in errors]
    return problems


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node
