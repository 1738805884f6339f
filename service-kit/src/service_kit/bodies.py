"""Reading a JSON object from a request body: 415, 413 and 400 problems, never a 500."""

from typing import Any

import orjson
from aiohttp import web

from service_kit.problems import BadRequest, FieldError, PayloadTooLarge, UnsupportedMediaType

DEFAULT_MAX_BODY = 64 * 1024
# JSON nested deeper than this is refused with 400 (docs/architecture.md): no API document
# comes close, and deeper values break code that walks or re-serializes them (orjson writes
# at most 254 levels, where it reads 1024).
MAX_JSON_DEPTH = 64
# The body once read, so that a second reader (an Idempotency-Key check, then the handler)
# gets the same bytes instead of an exhausted stream.
RAW_BODY = web.RequestKey("raw_body", bytes)


def is_json_type(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


async def read_body(request: web.Request, max_bytes: int = DEFAULT_MAX_BODY) -> bytes:
    """The whole body, refusing anything past ``max_bytes`` with 413 before buffering it."""
    if RAW_BODY in request:
        cached = request[RAW_BODY]
        if len(cached) > max_bytes:
            raise PayloadTooLarge(f"The request body exceeds the limit of {max_bytes} bytes.")
        return cached
    length = request.content_length
    if length is not None and length > max_bytes:
        raise PayloadTooLarge(f"The request body exceeds the limit of {max_bytes} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"The request body exceeds the limit of {max_bytes} bytes.")
        chunks.append(chunk)
    body = b"".join(chunks)
    request[RAW_BODY] = body
    return body


async def read_json_object(
    request: web.Request, max_bytes: int = DEFAULT_MAX_BODY
) -> dict[str, Any]:
    if not is_json_type(request.content_type):
        raise UnsupportedMediaType(
            f"Expected 'application/json', got '{request.content_type or 'nothing'}'."
        )
    raw = await read_body(request, max_bytes)
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(
            "The request body is not valid JSON.",
            errors=[FieldError("body", f"Malformed JSON: {exc.msg}.")],
        ) from None
    if too_deep(value, MAX_JSON_DEPTH):
        raise BadRequest(
            f"The request body is nested deeper than {MAX_JSON_DEPTH} levels.",
            errors=[FieldError("body", f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")],
        )
    if not isinstance(value, dict):
        raise BadRequest(
            "The request body must be a JSON object.",
            errors=[FieldError("body", f"Expected an object, got {_json_kind(value)}.")],
        )
    return value


def too_deep(value: object, limit: int) -> bool:
    """Whether ``value`` has containers nested more than ``limit`` deep (``{}`` is 1)."""
    if not isinstance(value, dict | list):
        return False
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null"
