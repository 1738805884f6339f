"""CPU time from /proc, the children of a process, and stopping what was started."""

import os
import sys
import time
from pathlib import Path

import pytest
from bench.procs import (
    CLOCK_TICKS,
    Children,
    children_of,
    cpu_seconds,
    machine_busy_seconds,
    parse_machine_stat,
    parse_stat,
)


def test_stat_fields_are_counted_from_the_last_parenthesis() -> None:
    # A command name may hold spaces and parentheses: "(a) b (c)".
    fields = ["S", "77"] + ["0"] * 9 + [str(3 * CLOCK_TICKS), str(CLOCK_TICKS)] + ["0"] * 30
    text = "1234 ((a) b (c)) " + " ".join(fields)
    assert parse_stat(text) == (77, 4.0)


def test_machine_busy_time_leaves_out_idle_and_iowait() -> None:
    t = CLOCK_TICKS
    text = f"cpu  {t} {t} {t} {100 * t} {50 * t} {t} {t} {t} 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\n"
    assert parse_machine_stat(text) == 6.0
    with pytest.raises(ValueError, match="no cpu line"):
        parse_machine_stat("intr 1 2 3\n")
    assert machine_busy_seconds() > 0


def test_cpu_seconds_grows_while_a_process_works() -> None:
    before = cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:
        pass
    assert cpu_seconds(os.getpid()) >= before + 0.03


def test_a_process_that_is_gone_has_no_cpu_time() -> None:
    assert cpu_seconds(2**22 + 12345) == 0.0


def test_children_are_found_and_stopped_by_pid(tmp_path: Path) -> None:
    children = Children(tmp_path / "logs")
    parent = children.start(
        "parent",
        [sys.executable, "-c",
         "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', "
         "'import time; time.sleep(60)']); print('up', flush=True); time.sleep(60)"],
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not children_of(parent.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    grandchildren = children_of(parent.pid)
    assert len(grandchildren) == 1
    assert parent.alive
    children.stop_all()
    assert parent.proc.poll() is not None
    assert parent.log_path is not None
    assert parent.log_path.read_text() == "up\n"
    # The grandchild is not ours to stop: only what the benchmark started itself.
    os.kill(grandchildren[0], 9)


def test_a_child_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    children = Children(tmp_path)
    child = children.start(
        "stubborn",
        [sys.executable, "-c",
         "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
         "print('ready', flush=True); time.sleep(60)"],
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while "ready" not in child.tail() and time.monotonic() < deadline:
        time.sleep(0.05)
    children.stop(child, timeout=0.5)
    assert child.proc.returncode == -9


@pytest.mark.parametrize("lines", [1, 3])
def test_tail_gives_the_last_lines(tmp_path: Path, lines: int) -> None:
    children = Children(tmp_path)
    child = children.start("printer", [sys.executable, "-c", "print('a\\nb\\nc')"])
    child.proc.wait(10)
    assert child.tail(lines) == "\n".join(["a", "b", "c"][-lines:])
