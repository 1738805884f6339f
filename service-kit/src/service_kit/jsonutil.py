"""Fast JSON encoding and the JSON responses every service sends."""

from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"


def json_response(
    body: Any,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    content_type: str = JSON,
) -> web.Response:
    return web.Response(
        body=orjson.dumps(body), status=status, headers=headers, content_type=content_type
    )
