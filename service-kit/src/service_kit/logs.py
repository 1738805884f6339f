"""Structured JSON logging that carries the current trace id."""

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

import orjson

from service_kit.tracing import current_trace_id

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None)))


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
            "traceId": current_trace_id.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class QuietRepeats(logging.Filter):
    """A client library that keeps retrying a lost connection logs the same error several
    times a second (aiokafka: each reconnect while the broker is down). Each message of those
    loggers passes at most once per ``every`` seconds; the next one that passes carries
    ``repeated``: how many were left out meanwhile."""

    MAX_KEYS = 256

    def __init__(
        self,
        prefixes: tuple[str, ...] = ("aiokafka",),
        every: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.prefixes = prefixes
        self.every = every
        self.clock = clock
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self.prefixes):
            return True
        key = (record.name, str(record.msg))  # the template: other arguments, same message
        now = self.clock()
        passed, left_out = self._seen.get(key, (None, 0))
        if passed is not None and now - passed < self.every:
            self._seen[key] = (passed, left_out + 1)
            return False
        if len(self._seen) >= self.MAX_KEYS:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if left_out:
            record.repeated = left_out
        return True


def setup_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(QuietRepeats())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiohttp's access log costs CPU on every request; metrics cover it.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
