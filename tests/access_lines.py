"""The access log of an app under test, as the JSON lines a service would write."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from service_kit.logs import JsonFormatter


@contextmanager
def access_lines(level: int = logging.INFO) -> Iterator[list[dict[str, Any]]]:
    """Capture the ``access`` logger at ``level`` (set before the app starts: it is read
    then); the list fills with the parsed lines when the block ends."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("under-test"))
    logger = logging.getLogger("access")
    saved = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    lines: list[dict[str, Any]] = []
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)
        lines.extend(orjson.loads(line) for line in stream.getvalue().splitlines())
