"""LOG_FORMAT: JSON lines for machines, a short coloured line for a person at a terminal,
``auto`` choosing by whether stderr is a terminal (a real pseudo-terminal here)."""

import io
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import orjson
import pytest

from petstore_cli.embedded import free_port, wait_port
from service_kit.logs import JsonFormatter, formatter_for
from service_kit.logs_console import ConsoleFormatter, render_json
from service_kit.tracing import current_trace_id

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def event(message: str = "record %s stored", *args: object, **fields: object) -> logging.LogRecord:
    record = logging.LogRecord(
        "pets_service.records", logging.WARNING, __file__, 1, message, args, None
    )
    record.__dict__.update(fields)
    return record


@pytest.fixture
def traced() -> Iterator[None]:
    token = current_trace_id.set(TRACE)
    yield
    current_trace_id.reset(token)


@pytest.mark.usefixtures("traced")
def test_json_is_one_object_per_event_with_the_trace_id_and_the_fields() -> None:
    line = JsonFormatter("pets-service").format(event("record %s stored", "r-1", petId="p-9"))
    entry = orjson.loads(line)
    assert entry["msg"] == "record r-1 stored"
    assert (entry["level"], entry["service"], entry["traceId"]) == (
        "warning",
        "pets-service",
        TRACE,
    )
    assert entry["petId"] == "p-9"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["ts"])


@pytest.mark.usefixtures("traced")
def test_console_is_one_short_line_time_service_level_message_fields_trace() -> None:
    line = ConsoleFormatter("pets-service", colour=False).format(
        event("record %s stored", "r-1", petId="p-9", note="two words")
    )
    assert "\n" not in line
    assert "\x1b" not in line
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d\.\d{3}  pets-service +WARNING  record r-1 stored  "
        rf"petId=p-9 note='two words'  traceId={TRACE}",
        line,
    ), line


@pytest.mark.usefixtures("traced")
def test_console_colours_the_level_only_for_a_terminal() -> None:
    record = event("slow upstream")  # one record: both lines show the same time
    coloured = ConsoleFormatter("gateway", colour=True).format(record)
    assert "\x1b[33mWARNING" in coloured  # yellow
    plain = ConsoleFormatter("gateway", colour=False).format(record)
    assert ANSI.sub("", coloured) == plain


def test_console_has_no_trace_outside_a_request_and_shows_an_error_s_trace() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = ConsoleFormatter("gateway", colour=False).format(record)
    first, *rest = line.splitlines()
    assert first.endswith("ERROR    failed"), first
    assert rest[-1] == "RuntimeError: boom"


def test_auto_is_console_on_a_terminal_and_json_elsewhere() -> None:
    leader, follower = os.openpty()
    with open(follower, "w") as terminal, open(leader, "rb", buffering=0):
        chosen = formatter_for("gateway", "auto", terminal)
        assert isinstance(chosen, ConsoleFormatter)
        assert chosen.colour
        assert isinstance(formatter_for("gateway", "json", terminal), JsonFormatter)
    piped = io.StringIO()
    assert isinstance(formatter_for("gateway", "auto", piped), JsonFormatter)
    forced = formatter_for("gateway", "console", piped)
    assert isinstance(forced, ConsoleFormatter)
    assert not forced.colour


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_a_service_logs_in_the_format_log_format_names(log_format: str) -> None:
    port = free_port()
    env = {**os.environ, "WEATHER_STUB_PORT": str(port), "LOG_FORMAT": log_format}
    proc = subprocess.Popen(
        [sys.executable, "-m", "weather_stub"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_port(port, proc, 15.0)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    listening = next(line for line in err.decode().splitlines() if "listening" in line)
    if log_format == "json":
        entry = orjson.loads(listening)
        assert (entry["service"], entry["msg"], entry["port"]) == (
            "weather-stub",
            "listening",
            port,
        )
    else:
        assert re.fullmatch(
            rf"\d\d:\d\d:\d\d\.\d{{3}}  weather-stub +INFO     listening  host=127\.0\.0\.1 "
            rf"port={port}",
            listening,
        ), listening


@pytest.mark.usefixtures("traced")
def test_a_json_line_renders_as_the_console_line_of_the_same_event() -> None:
    record = event("record %s stored", "r-1", petId="p-9")
    as_json = JsonFormatter("pets-service").format(record)
    direct = ConsoleFormatter("pets-service", colour=False).format(record)
    assert render_json(as_json, colour=False) == direct
    assert render_json("Traceback (most recent call last):", colour=False) is None
    assert render_json('{"not": "a log line"}', colour=False) is None
