"""One short line per log event, for a person at a terminal (LOG_FORMAT=console)."""

import logging
import time
from datetime import datetime
from typing import Any

import orjson

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


def _paint(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{_RESET}" if colour and code else text


def line_of(
    clock: str,
    service: str,
    level: str,
    message: str,
    fields: dict[str, Any],
    trace_id: str,
    *,
    colour: bool,
) -> str:
    """``12:00:01.234  gateway  INFO  message  key=value  traceId=...`` (one layout for
    both the formatter and the launcher's rendering of JSON lines)."""
    parts = [
        _paint(clock, _DIM, colour),
        _paint(f"{service:<16}", _BOLD, colour),
        _paint(f"{level:<7}", _LEVEL_COLOURS.get(level, ""), colour),
        message,
    ]
    extras = " ".join(f"{key}={_value(value)}" for key, value in fields.items())
    if extras:
        parts.append(extras)
    if trace_id and trace_id != "-":
        parts.append(_paint(f"traceId={trace_id}", _DIM, colour))
    return "  ".join(parts)


_JSON_KEYS = frozenset({"ts", "level", "service", "logger", "msg", "traceId", "exc"})


def render_json(text: str, *, colour: bool) -> str | None:
    """The console line for a JSON line a service logged (``JsonFormatter``), or None when
    ``text`` is not one (a traceback printed before logging was set up, say)."""
    try:
        entry = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(entry, dict) or not {"ts", "level", "msg"} <= entry.keys():
        return None
    try:
        when = datetime.fromisoformat(str(entry["ts"])).astimezone()
        clock = when.strftime("%H:%M:%S.") + f"{when.microsecond // 1000:03d}"
    except ValueError:
        clock = str(entry["ts"])
    skipped = _JSON_KEYS | (_ACCESS_FIELDS if entry.get("logger") == "access" else frozenset())
    fields = {key: value for key, value in entry.items() if key not in skipped}
    line = line_of(
        clock,
        str(entry.get("service", "")),
        str(entry["level"]).upper(),
        str(entry["msg"]),
        fields,
        str(entry.get("traceId", "")),
        colour=colour,
    )
    return line + "\n" + str(entry["exc"]) if entry.get("exc") else line


class ConsoleFormatter(logging.Formatter):
    """``12:00:01.234 gateway  INFO  GET /v1/pets 200 3.1 ms  trace=4bf9…  key=value``,
    coloured when ``colour`` (the stream is a terminal)."""

    def __init__(self, service: str, *, colour: bool) -> None:
        super().__init__()
        self.service = service
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        clock = time.strftime("%H:%M:%S", time.localtime(record.created))
        fields = fields_of(record)
        if record.name == "access":
            fields = {k: v for k, v in fields.items() if k not in _ACCESS_FIELDS}
        line = line_of(
            f"{clock}.{int(record.msecs):03d}",
            self.service,
            record.levelname,
            record.getMessage(),
            fields,
            current_trace_id.get(),
            colour=self.colour,
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
