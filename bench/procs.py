"""Child processes the benchmark starts (stopped by PID, always), and their CPU time."""

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def parse_stat(text: str) -> tuple[int, float]:
    """(parent pid, utime + stime in seconds) from the text of /proc/<pid>/stat.

    The command name (field 2) is in parentheses and may itself hold spaces or parentheses,
    so the fields are counted from the last ')'.
    """
    rest = text[text.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state): ppid is field 4, utime field 14, stime field 15.
    ppid = int(rest[1])
    ticks = int(rest[11]) + int(rest[12])
    return ppid, ticks / CLOCK_TICKS


def parse_machine_stat(text: str) -> float:
    """Busy CPU seconds of the whole machine (all cores) from the text of /proc/stat."""
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[1:9])
            return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
    raise ValueError("no cpu line in /proc/stat")


def machine_busy_seconds() -> float:
    try:
        return parse_machine_stat(Path("/proc/stat").read_text())
    except (OSError, ValueError):
        return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) a live process has used; 0 once it is gone."""
    try:
        return parse_stat(Path(f"/proc/{pid}/stat").read_text())[1]
    except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
        return 0.0


def total_cpu(pids: Sequence[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def children_of(pid: int) -> list[int]:
    """PIDs whose parent is ``pid`` (e.g. nginx's worker under its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid, _ = parse_stat((entry / "stat").read_text())
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append(int(entry.name))
    return sorted(found)


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path | None

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, lines: int = 15) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


class Children:
    """Every process the benchmark started; ``stop_all`` ends each one by its own PID."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._children: list[Child] = []

    def start(self, name: str, argv: Sequence[str], env: dict[str, str] | None = None) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                list(argv),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                # Own session: a Ctrl-C in the terminal reaches only the benchmark, which then
                # stops its children in order instead of racing their own shutdown.
                start_new_session=True,
            )
        child = Child(name, proc, log_path)
        self._children.append(child)
        return child

    def stop(self, child: Child, timeout: float = 10.0) -> None:
        if child.alive:
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(signal.SIGTERM)
            try:
                child.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    child.proc.kill()
                child.proc.wait(5)
        if child in self._children:
            self._children.remove(child)

    def stop_all(self) -> None:
        for child in reversed(list(self._children)):
            self.stop(child)
