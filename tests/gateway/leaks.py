"""What no reply may contain: stack traces, file paths, upstream error bodies."""

import dataclasses
import re
from typing import Any

import orjson
from multidict import CIMultiDictProxy

from tests.gateway.fakes import CANARY, SECRET_PATH


@dataclasses.dataclass(frozen=True)
class Reply:
    method: str
    path: str
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


RECORDED: list[Reply] = []

LEAK_PATTERNS = [
    re.compile(p)
    for p in (
        r"Traceback \(most recent call last\)",
        r'File \\?"[^"]+\\?", line \d+',
        r"(?<![\w.])/(?:app|home|usr|srv|work|tmp|opt|var|root)/[\w./-]+",
        r"[\w.-]+/[\w.-]+\.py\b",
        r"site-packages",
        r"[A-Za-z]:\\\\",
        re.escape(CANARY),
        re.escape(SECRET_PATH),
        r"\b(?:aiohttp|redis|asyncio)\.[a-z_]+\.[A-Z]\w+(?:Error|Exception)\b",
    )
]


def scan(replies: list[Reply]) -> list[str]:
    """Every leak found, as 'METHOD path -> status: pattern'."""
    found = []
    for reply in replies:
        texts = [reply.body.decode("utf-8", "replace")]
        texts += [f"{k}: {v}" for k, v in reply.headers.items()]
        for pattern in LEAK_PATTERNS:
            if any(pattern.search(text) for text in texts):
                found.append(f"{reply.method} {reply.path} -> {reply.status}: {pattern.pattern}")
    return found
