"""The launcher's restart policy: capped doubling delays, reset when stable, giving up."""

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from petstore_cli.parts import Part
from petstore_cli.restarts import Backoff, describe_exit


async def until(condition: Callable[[], bool], within: float = 20.0) -> None:
    for _ in range(int(within / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not in time")


def test_delays_double_up_to_the_cap() -> None:
    backoff = Backoff(limit=100)
    delays = [backoff.after_exit(now=i * 100.0, uptime=1.0) for i in range(7)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert backoff.restarts == 7


def test_a_part_that_stayed_up_starts_from_the_first_delay_again() -> None:
    backoff = Backoff()
    assert backoff.after_exit(now=0.0, uptime=1.0) == 0.5
    assert backoff.after_exit(now=1.0, uptime=1.0) == 1.0
    assert backoff.after_exit(now=100.0, uptime=30.0) == 0.5


def test_five_crashes_within_a_minute_give_up() -> None:
    backoff = Backoff()
    assert all(backoff.after_exit(now=float(i), uptime=0.1) is not None for i in range(4))
    assert backoff.after_exit(now=4.0, uptime=0.1) is None


def test_crashes_spread_over_more_than_a_minute_do_not() -> None:
    backoff = Backoff()
    assert all(backoff.after_exit(now=i * 20.0, uptime=0.1) is not None for i in range(10))


def test_kills_are_restarted_without_counting_as_crashes() -> None:
    backoff = Backoff()
    assert all(
        backoff.after_exit(now=float(i), uptime=0.1, counted=False) is not None for i in range(20)
    )


@pytest.mark.parametrize(
    ("code", "text"),
    [(1, "exited with code 1"), (0, "exited with code 0"), (-9, "was killed by SIGKILL")],
)
def test_exit_statuses_read_as_words(code: int, text: str) -> None:
    assert describe_exit(code) == text


async def test_a_part_that_always_crashes_is_given_up_on(tmp_path: Path) -> None:
    said: list[str] = []
    argv = [sys.executable, "-c", "import sys; print('bad setting: FOO'); sys.exit(3)"]
    part = Part("crasher", argv, port=1, log_path=tmp_path / "crasher.log", say=said.append)
    part.backoff = Backoff(first=0.01, cap=0.05)
    task = asyncio.create_task(part.supervise())
    await until(lambda: part.given_up)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert len(part.pids) == 5
    restarts = [line for line in said if "restarting in" in line]
    assert len(restarts) == 4
    assert restarts[0].startswith("petstore run: crasher exited with code 3 after ")
    assert "giving up on it, the rest keep running" in said[4]
    assert "    bad setting: FOO" in said
    assert part.state == "given up"


async def test_a_killed_part_comes_back(tmp_path: Path) -> None:
    said: list[str] = []
    argv = [sys.executable, "-c", "import time; time.sleep(60)"]
    part = Part("sleeper", argv, port=1, log_path=tmp_path / "sleeper.log", say=said.append)
    part.backoff = Backoff(first=0.01)
    task = asyncio.create_task(part.supervise())
    try:
        await until(lambda: part.running)
        assert part.proc is not None
        first = part.proc.pid
        part.mark_killed(first)
        part.proc.kill()
        await until(lambda: part.running and part.pids[-1] != first)
        assert len(said) == 1
        assert said[0].startswith("petstore run: sleeper was killed by SIGKILL after ")
        assert part.backoff.restarts == 1
        assert not part.backoff.crashes
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await part.terminate()
    assert not part.running
