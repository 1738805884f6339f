"""`petstore run` shows the services' JSON lines as short lines to a person (auto on a
terminal, or LOG_FORMAT=console), and keeps the JSON lines in the part's log file."""

import io
import re
import sys
from pathlib import Path

import orjson
import pytest

from petstore_cli.parts import Part
from tests.support import until

# A service's log: one JSON line from the real formatter, then a line that is not JSON.
CHILD = """
import logging
from service_kit.logs import setup_logging
setup_logging("weather-stub", "INFO", "json")
logging.getLogger("weather_stub").info("listening", extra={"port": 8082})
print("Traceback (most recent call last):", flush=True)
"""


async def run_part(tmp_path: Path, echo: io.StringIO) -> list[str]:
    log = tmp_path / "weather-stub.log"
    argv = [sys.executable, "-c", CHILD]
    part = Part("weather-stub", argv, port=1, log_path=log, say=print, echo=echo, width=12)
    await part.spawn()
    assert part.proc is not None
    await part.proc.wait()
    await until(lambda: log.exists() and len(log.read_text().splitlines()) == 2, within=10)
    return log.read_text().splitlines()


async def test_console_lines_on_the_screen_json_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "console")
    echo = io.StringIO()
    kept = await run_part(tmp_path, echo)
    assert orjson.loads(kept[0])["msg"] == "listening"
    shown = echo.getvalue().splitlines()
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d\.\d{3}  weather-stub +INFO +listening  port=8082", shown[0]
    )
    assert shown[1] == "weather-stub | Traceback (most recent call last):"


async def test_json_lines_as_they_are_when_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)  # auto, and a StringIO is no terminal
    echo = io.StringIO()
    kept = await run_part(tmp_path, echo)
    assert echo.getvalue().splitlines() == [f"weather-stub | {line}" for line in kept]
