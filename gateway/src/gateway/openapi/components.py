"""Shared components: response headers and request parameters."""

from gateway.openapi.base import Schema, ref
from service_kit.auth import REALM
from service_kit.contract.preferences import USER_ID_MAX

# RFC 9110 If-Match / If-None-Match: `*`, or a comma-separated list of (weak) entity tags.
_TAG = r'(W/)?"[\x21\x23-\x7E]*"'
ENTITY_TAGS = rf"^(\*|{_TAG}([ \t]*,[ \t]*{_TAG})*)$"
# 1-255 visible ASCII characters, spaces inside, optionally as a quoted string (not `""`).
IDEMPOTENCY_KEY = (
    r"^([\x21-\x7E]|[\x21\x23-\x7E][\x20-\x7E]{0,253}[\x21-\x7E]"
    r'|"[\x20-\x7E]{0,253}[\x21\x23-\x7E]|"[\x20-\x7E]{1,253}")$'
)


def _header(description: str, schema: Schema, *, required: bool = False) -> Schema:
    header: Schema = {"description": description, "schema": schema}
    if required:
        header["required"] = True
    return header


INT = {"type": "integer", "minimum": 0}
STR = {"type": "string"}
HEADERS: dict[str, Schema] = {
    "X-Request-ID": _header(
        "The request's trace id (also `traceId` in problems).", STR, required=True
    ),
    "X-RateLimit-Limit": _header("Requests allowed per window.", INT),
    "X-RateLimit-Remaining": _header("Requests left in the current window.", INT),
    "X-RateLimit-Reset": _header("When the window resets (epoch seconds).", INT),
    "RateLimit-Policy": _header('IETF draft policy, e.g. `"default";q=1000;w=3600`.', STR),
    "RateLimit": _header('IETF draft state, e.g. `"default";r=998;t=3540`.', STR),
    "Retry-After": _header("Seconds to wait before retrying.", INT, required=True),
    "Location": _header("URL of the created resource (or of the status).", STR, required=True),
    "ETag": _header('The resource version as a strong entity tag, e.g. `"3"`.', STR, required=True),
    "Link": _header('RFC 8288 links, e.g. the `rel="next"` page.', STR),
    "Allow": _header("The methods the resource supports.", STR, required=True),
    "Idempotent-Replayed": _header("`true` when this is the stored first answer.", STR),
    "WWW-Authenticate": _header(
        f"`{REALM}` (RFC 6750 error when a token was bad).", STR, required=True
    ),
}

RATE_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "RateLimit-Policy",
    "RateLimit",
)


def _param(where: str, name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": description,
    }


def parameters() -> dict[str, Schema]:
    uuid = {"type": "string", "format": "uuid"}
    return {
        "PetId": _param("path", "petId", uuid, "The pet's id (a UUID)."),
        "RecordId": _param("path", "recordId", uuid, "The medical record's id (a UUID)."),
        "UserId": _param(
            "path",
            "userId",
            {"type": "string", "minLength": 1, "maxLength": USER_ID_MAX},
            "The user id (the token's `sub`).",
        ),
        "Limit": _param(
            "query",
            "limit",
            {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            "Page size.",
        ),
        "Cursor": _param(
            "query",
            "cursor",
            {"type": "string", "pattern": "^[A-Za-z0-9_-]{22}$"},
            "`nextCursor` of the previous page.",
        ),
        "SpeciesFilter": _param(
            "query", "species", ref("schemas", "Species"), "Only this species."
        ),
        "StatusFilter": _param("query", "status", ref("schemas", "PetStatus"), "Only this status."),
        "IfMatch": _param(
            "header",
            "If-Match",
            {"type": "string", "pattern": ENTITY_TAGS},
            'Entity tag of the version you changed, e.g. `"3"` (or `*`, or a list); '
            "a malformed one is 400.",
        ),
        "IfNoneMatch": _param(
            "header",
            "If-None-Match",
            {"type": "string", "pattern": ENTITY_TAGS},
            "Entity tag you hold; 304 when it is current. A malformed one is 400.",
        ),
        "IdempotencyKey": _param(
            "header",
            "Idempotency-Key",
            {"type": "string", "pattern": IDEMPOTENCY_KEY},
            "Same key, same body: the first answer again. 1-255 visible ASCII characters "
            "(spaces inside), optionally in double quotes; a malformed one is 400.",
        ),
    }
