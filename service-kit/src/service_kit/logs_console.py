"""One short line per log event, for a person at a terminal (LOG_FORMAT=console)."""

import logging
import time
from typing import Any

from service_kit.tracing import current_trace_id

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_ACCESS_FIELDS = frozenset({"method", "path", "status", "durationMs"})  # already in the message
_RESET, _DIM, _BOLD = "\x1b[0m", "\x1b[2m", "\x1b[1m"
_LEVEL_COLOURS = {
    "DEBUG": "\x1b[34m",  # blue
    "INFO": "\x1b[32m",  # green
    "WARNING": "\x1b[33m",  # yellow
    "ERROR": "\x1b[31m",  # red
    "CRITICAL": "\x1b[1;31m",
}
_MAX_VALUE = 120


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """A record's own fields (the ``extra=`` of the call), without what every record has."""
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in _RESERVED and not key.startswith("_")
    }


def _value(value: Any) -> str:
    text = str(value)
    if len(text) > _MAX_VALUE:
        text = text[: _MAX_VALUE - 1] + "…"
    return repr(text) if any(c.isspace() or not c.isprintable() for c in text) else text


class ConsoleFormatter(logging.Formatter):
    """``12:00:01.234 gateway  INFO  GET /v1/pets 200 3.1 ms  trace=4bf9…  key=value``,
    coloured when ``colour`` (the stream is a terminal)."""

    def __init__(self, service: str, *, colour: bool) -> None:
        super().__init__()
        self.service = service
        self.colour = colour

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.colour else text

    def format(self, record: logging.LogRecord) -> str:
        clock = time.strftime("%H:%M:%S", time.localtime(record.created))
        level = record.levelname
        fields = fields_of(record)
        if record.name == "access":
            fields = {k: v for k, v in fields.items() if k not in _ACCESS_FIELDS}
        parts = [
            self._paint(f"{clock}.{int(record.msecs):03d}", _DIM),
            self._paint(f"{self.service:<16}", _BOLD),
            self._paint(f"{level:<7}", _LEVEL_COLOURS.get(level, "")),
            record.getMessage(),
        ]
        extras = " ".join(f"{key}={_value(value)}" for key, value in fields.items())
        if extras:
            parts.append(extras)
        trace_id = current_trace_id.get()
        if trace_id != "-":
            parts.append(self._paint(f"traceId={trace_id}", _DIM))
        line = "  ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
