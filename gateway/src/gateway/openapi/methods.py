"""RFC 9110 method semantics, added to every path of the document: HEAD wherever GET works,
OPTIONS on every resource (204 + Allow), and the answers every operation may get whatever
it is (405 + Allow for a method the resource does not serve, 406, 501 for unknown ones)."""

import re

from gateway.openapi.base import Schema
from gateway.openapi.responses import headers, problem

_METHODS = ("get", "head", "post", "put", "patch", "delete")


def _head(get: Schema) -> Schema:
    responses = {
        status: {k: v for k, v in response.items() if k != "content"}
        if status[0] in "23"
        else response
        for status, response in get["responses"].items()
    }
    return get | {
        "operationId": get["operationId"] + "Head",
        "summary": "Headers only: " + get["summary"][0].lower() + get["summary"][1:],
        "responses": responses,
    }


def _any_value(name: str) -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "Any value: OPTIONS describes the resource, not one item.",
    }


def _options(path: str, item: Schema) -> Schema:
    """/v1 passes the same gate as GET (token, rate limit, scope); elsewhere, no token."""
    served = [m.upper() for m in _METHODS if m in item or (m == "head" and "get" in item)]
    first = next(item[m] for m in _METHODS if m in item)
    gated = path.startswith("/v1/")
    op: Schema = {
        "operationId": first["operationId"] + "Options",
        "summary": f"The methods this resource serves (Allow: {', '.join(served)})",
        "security": first["security"] if gated else [],
        "responses": {
            "204": {
                "description": f"No body; `Allow: {', '.join(served)}`.",
                "headers": headers(("Allow",), rate=path.startswith("/v1/")),
            },
            **{k: v for k, v in first["responses"].items() if gated and k in _GATE},
        },
    }
    names = re.findall(r"\{([^}]+)\}", path)
    if names:
        op["parameters"] = [_any_value(name) for name in names]
    return op


_GATE = ("401", "403", "404", "429", "500", "503")


def _always(path: str) -> dict[str, Schema]:
    rate = path.startswith("/v1/")
    return {
        "405": problem(405, rate=rate),
        "406": problem(406, rate=rate),
        "501": problem(501, rate=False),
    }


def add_method_semantics(paths: dict[str, Schema]) -> None:
    """As service_kit.methods serves them: HEAD for each GET, OPTIONS for each resource."""
    for path, item in paths.items():
        if "get" in item and "head" not in item:
            item["head"] = _head(item["get"])
        if "options" not in item:
            item["options"] = _options(path, item)
        for method in (*_METHODS, "options"):
            if method in item:
                item[method]["responses"] = item[method]["responses"] | _always(path)
