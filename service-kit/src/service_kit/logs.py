"""Logging that carries the current trace id: JSON lines, or short lines for a terminal."""

import logging
import sys
import time
from collections.abc import Callable
from typing import IO, Any, Literal

import orjson

from service_kit.logs_console import ConsoleFormatter, fields_of
from service_kit.tracing import current_trace_id

LogFormat = Literal["auto", "json", "console"]


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
        entry.update(fields_of(record))
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


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def wants_console(log_format: str, stream: IO[str]) -> bool:
    """The console format: asked for, or ``auto`` and ``stream`` is a terminal."""
    return log_format == "console" or (log_format == "auto" and is_terminal(stream))


def formatter_for(service: str, log_format: LogFormat, stream: IO[str]) -> logging.Formatter:
    """JSON unless asked for the console format, or ``auto`` and ``stream`` is a terminal."""
    if wants_console(log_format, stream):
        return ConsoleFormatter(service, colour=is_terminal(stream))
    return JsonFormatter(service)


def setup_logging(service: str, level: str = "INFO", log_format: LogFormat = "auto") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter_for(service, log_format, sys.stderr))
    handler.addFilter(QuietRepeats())
    # Neither format shows the caller's file and line, the thread or the process: not
    # looking them up makes each record ~20 % cheaper (the "Optimization" of the stdlib's
    # logging HOWTO), which the access line pays once per request.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiohttp's own access log is replaced by service_kit.observe's (one line per request).
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
