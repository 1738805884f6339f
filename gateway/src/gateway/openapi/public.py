"""What anyone may read without a token: health, readiness, problem pages, docs (metrics are
on the internal port, not in this document)."""

from gateway.openapi.base import JSON, Schema, Section, ref
from gateway.openapi.responses import headers, ok, problem

_HTML = {"text/html": {"schema": {"type": "string"}}}


def _public(op_id: str, summary: str, responses: dict[int, Schema]) -> Schema:
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "security": [],
            "responses": {str(k): v for k, v in responses.items()},
        }
    }


def section() -> Section:
    page = {"description": "An HTML page.", "headers": headers((), rate=False), "content": _HTML}
    problems_list = {
        "description": "Every problem type (HTML, or JSON with `Accept: application/json`).",
        "headers": headers((), rate=False),
        "content": {
            **_HTML,
            JSON: {"schema": {"type": "array", "items": ref("schemas", "ProblemTypeInfo")}},
        },
    }
    one_problem = {
        **problems_list,
        "description": "The problem type's page.",
        "content": {**_HTML, JSON: {"schema": ref("schemas", "ProblemTypeInfo")}},
    }
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    return Section(
        paths={
            "/healthz": _public(
                "healthz", "Alive", {200: ok("Alive.", ref("schemas", "Health"), rate=False)}
            ),
            "/readyz": _public(
                "readyz",
                "Redis and the pets service answer (checked at most once a second; "
                "rate-limited per client IP)",
                {
                    200: ok("Ready.", ref("schemas", "Readiness")),
                    429: problem(429),
                    503: problem(503, rate=False),
                },
            ),
            "/problems": _public("listProblemTypes", "Every problem type", {200: problems_list}),
            "/problems/{slug}": {
                "parameters": [slug],
                **_public(
                    "retrieveProblemType",
                    "The page of one problem type",
                    {200: one_problem, 404: problem(404, rate=False)},
                ),
            },
            "/openapi.json": _public(
                "openapi",
                "This document",
                {200: ok("The OpenAPI document.", {"type": "object"}, rate=False)},
            ),
            "/docs": _public("docs", "This document as an interactive reference", {200: page}),
            "/docs/{asset}": {
                "parameters": [
                    {"name": "asset", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                **_public(
                    "retrieveDocsAsset",
                    "One file of the interactive reference (JavaScript, CSS)",
                    {200: page, 404: problem(404, rate=False)},
                ),
            },
        }
    )
