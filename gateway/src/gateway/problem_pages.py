"""Readable pages for every problem ``type`` URL (RFC 9457 §3.1.1), from the shared registry."""

import html
from typing import Any

from service_kit.problems import REGISTRY, ProblemType

EXAMPLE_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"

# Extension members and headers that come with each status (docs/architecture.md).
_EXTRAS: dict[int, dict[str, Any]] = {
    400: {"errors": [{"field": "body", "message": "Malformed JSON: unexpected character."}]},
    403: {"requiredScope": "write:pets"},
    405: {"allowedMethods": ["GET", "HEAD", "PUT", "PATCH", "DELETE"]},
    422: {"errors": [{"field": "species", "message": "Must be one of DOG, CAT, BIRD, ..."}]},
    429: {"retryAfter": 1800},
    503: {"retryAfter": 300},
}
_SLUG_EXTRAS: dict[str, dict[str, Any]] = {
    "conflict": {"currentVersion": 4},
    "idempotency-key-reused": {},
}
_HEADERS: dict[int, list[str]] = {
    401: ['WWW-Authenticate: Bearer realm="PetStore API", error="invalid_token"'],
    403: ['WWW-Authenticate: Bearer realm="PetStore API", error="insufficient_scope", ...'],
    405: ["Allow: GET, HEAD, PUT, PATCH, DELETE"],
    429: [
        "Retry-After: 1800",
        "X-RateLimit-Limit: 1000",
        "X-RateLimit-Remaining: 0",
        "X-RateLimit-Reset: 1767225600",
    ],
    503: ["Retry-After: 300"],
}


def example_body(problem: ProblemType, type_base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_base + problem.slug,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.description.split(":")[0].split(".")[0] + ".",
        "instance": "/v1/pets/0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11",
        "traceId": EXAMPLE_TRACE_ID,
    }
    extras = _SLUG_EXTRAS.get(problem.slug, _EXTRAS.get(problem.status, {}))
    body.update(extras)
    return body


def problem_json(problem: ProblemType, type_base: str) -> dict[str, Any]:
    return {
        "type": type_base + problem.slug,
        "slug": problem.slug,
        "title": problem.title,
        "status": problem.status,
        "description": problem.description,
        "advice": problem.advice,
        "example": example_body(problem, type_base),
    }


def all_problems() -> list[ProblemType]:
    return sorted(REGISTRY.values(), key=lambda p: (p.status, p.slug))


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1b1b1b}code,pre{background:#f4f4f4;border-radius:4px}"
    "pre{padding:1rem;overflow-x:auto}td,th{padding:.3rem .8rem;text-align:left;"
    "vertical-align:top}.status{font-weight:bold}"
)


def _page(title: str, content: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{content}</body></html>"
    )


def render_problem(problem: ProblemType, type_base: str, example: str) -> str:
    e = html.escape
    headers = _HEADERS.get(problem.status, [])
    header_html = (
        "<h2>Headers that come with it</h2><pre>" + e("\n".join(headers)) + "</pre>"
        if headers
        else ""
    )
    content = (
        f'<p><a href="/problems">All problem types</a></p>'
        f"<h1>{e(problem.title)}</h1>"
        f'<p class="status">HTTP {problem.status} &middot; '
        f"<code>{e(type_base + problem.slug)}</code></p>"
        f"<h2>When it happens</h2><p>{e(problem.description)}</p>"
        f"<h2>How a client should react</h2><p>{e(problem.advice)}</p>"
        f"{header_html}"
        "<h2>Example</h2><pre>Content-Type: application/problem+json\n\n"
        f"{e(example)}</pre>"
    )
    return _page(f"{problem.title} ({problem.status})", content)


def render_index(problems: list[ProblemType]) -> str:
    e = html.escape
    rows = "".join(
        f'<tr><td class="status">{p.status}</td>'
        f'<td><a href="/problems/{e(p.slug)}">{e(p.title)}</a></td>'
        f"<td>{e(p.description)}</td></tr>"
        for p in problems
    )
    content = (
        "<h1>Petstore API problem types</h1>"
        "<p>Every error of the API is an <code>application/problem+json</code> document "
        "(RFC 9457) whose <code>type</code> links to one of these pages.</p>"
        f"<table><tr><th>Status</th><th>Problem</th><th>When</th></tr>{rows}</table>"
    )
    return _page("Petstore API problem types", content)
