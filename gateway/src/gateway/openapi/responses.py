"""Responses and operations: the problem answers every operation shares, and their headers."""

from gateway.openapi.base import JSON, PROBLEM_JSON, Schema, ref
from gateway.openapi.components import HEADERS, RATE_HEADERS

# (status, description, extra headers, required extension members)
_PROBLEMS: dict[int, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    400: ("Unparseable request: bad JSON, a query parameter of the wrong type.", (), ("errors",)),
    401: ("Missing, malformed, expired or badly signed token.", ("WWW-Authenticate",), ()),
    403: (
        "The token lacks the scope (`requiredScope`) or identity.",
        ("WWW-Authenticate",),
        ("requiredScope",),
    ),
    404: ("No such resource.", (), ()),
    405: (
        "The resource does not serve this method: `Allow` and `allowedMethods` list those it does.",
        ("Allow",),
        ("allowedMethods",),
    ),
    406: ("`Accept` admits neither application/json nor application/problem+json.", (), ()),
    409: ("Conflict: the id exists, or If-Match is stale (`currentVersion`).", (), ()),
    413: ("The body is larger than MAX_BODY_BYTES.", (), ()),
    415: ("The body is not application/json.", (), ()),
    422: ("Validation error: every failing field is in `errors`.", (), ("errors",)),
    429: ("Rate limit exceeded.", ("Retry-After",), ("retryAfter",)),
    500: ("Unexpected error; the detail is generic and `traceId` identifies it.", (), ()),
    502: (
        "An upstream failed (5xx, reset, refused, malformed); its body is never passed on.",
        (),
        (),
    ),
    503: (
        "Maintenance, an open circuit, a dependency asked to back off, or `overloaded`: "
        "the gateway is at MAX_IN_FLIGHT and answers at once instead of queueing.",
        ("Retry-After",),
        ("retryAfter",),
    ),
    501: ("A method this server does not implement at all (e.g. FOO).", (), ()),
    504: ("An upstream did not answer within the route's deadline.", (), ()),
}


# Headers sent only sometimes on the answers that name them (e.g. `Retry-After` on a
# record's status only while it is PROCESSING; `Link` only when there is a next page).
SOMETIMES = frozenset({"Link", "Idempotent-Replayed", *RATE_HEADERS})


def _header(name: str, required: bool) -> Schema:
    """A reference to the shared header when it is required as it says, else a copy that
    says so (in OpenAPI 3.1 a `$ref`'s siblings are ignored: no `required` beside one)."""
    if HEADERS[name].get("required", False) == required:
        return ref("headers", name)
    return {k: v for k, v in HEADERS[name].items() if k != "required"} | (
        {"required": True} if required else {}
    )


def headers(names: tuple[str, ...], *, rate: bool, sometimes: tuple[str, ...] = ()) -> Schema:
    """``X-Request-ID`` and ``names`` (required unless sent only at times), and the
    rate-limit headers on rate-limited routes."""
    optional = SOMETIMES | set(sometimes)
    all_names = ("X-Request-ID", *names, *(RATE_HEADERS if rate else ()))
    return {name: _header(name, name not in optional) for name in all_names}


def problem(status: int, *, rate: bool = True) -> Schema:
    description, extra, members = _PROBLEMS[status]
    schema: Schema = ref("schemas", "Problem")
    if members:
        schema = {"allOf": [schema, {"required": list(members)}]}
    return {
        "description": description,
        "headers": headers(extra, rate=rate and status != 503),
        "content": {PROBLEM_JSON: {"schema": schema}},
    }


def ok(
    description: str,
    schema: Schema | None,
    *names: str,
    rate: bool = True,
    sometimes: tuple[str, ...] = (),
) -> Schema:
    response: Schema = {
        "description": description,
        "headers": headers(names, rate=rate, sometimes=sometimes),
    }
    if schema is not None:
        response["content"] = {JSON: {"schema": schema}}
    return response


def json_body(name: str, *types: str) -> Schema:
    return {
        "required": True,
        "content": {t: {"schema": ref("schemas", name)} for t in types or (JSON,)},
    }


def stub_refused() -> Schema:
    return {
        "description": "The service behind the route refused the request: its 4xx status.",
        "headers": headers((), rate=True),
        "content": {PROBLEM_JSON: {"schema": ref("schemas", "Problem")}},
    }


def operation(
    op_id: str,
    summary: str,
    responses: dict[int | str, Schema],
    *,
    errors: tuple[int, ...] = (),
    body: Schema | None = None,
    params: tuple[str, ...] = (),
) -> Schema:
    """A /v1 operation: every status the gateway itself may answer is added to ``errors``."""
    codes = sorted({401, 403, 429, 500, 503, *errors})
    op: Schema = {
        "operationId": op_id,
        "summary": summary,
        "security": [{"bearerAuth": []}],
        "responses": {str(k): v for k, v in responses.items()}
        | {str(code): problem(code) for code in codes},
    }
    if params:
        op["parameters"] = [ref("parameters", p) for p in params]
    if body is not None:
        op["requestBody"] = body
    return op


def admin_operation(
    op_id: str,
    summary: str,
    responses: dict[int | str, Schema],
    *,
    errors: tuple[int, ...] = (),
    body: Schema | None = None,
    scope: str = "admin",
) -> Schema:
    """An operation outside /v1 that needs a scope, rate-limited per client IP: 401, 403, 429,
    500, 503 always."""
    codes = sorted({401, 403, 429, 500, 503, *errors})
    op: Schema = {
        "operationId": op_id,
        "summary": summary,
        "security": [{"bearerAuth": [scope]}],
        "responses": {str(k): v for k, v in responses.items()}
        | {str(code): problem(code) for code in codes},
    }
    if body is not None:
        op["requestBody"] = body
    return op
