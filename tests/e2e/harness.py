"""The whole suite as real processes, started by the same launcher as `make run`; or, with
PETSTORE_E2E_STATE naming a state file, a suite already running (the compose stack)."""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petstore_cli.embedded import port_open

START_TIMEOUT = 90.0
# A running suite's state file (`petstore run --state-file`, `make compose-up`'s): the
# end-to-end tests then target that suite instead of starting one.
EXTERNAL_STATE_VAR = "PETSTORE_E2E_STATE"


@dataclass
class RunningSuite:
    proc: subprocess.Popen[bytes] | None  # None: a suite this harness did not start
    state: dict[str, Any]
    output: Path
    state_file: Path

    @property
    def gateway(self) -> str:
        return str(self.state["gateway"])

    def url(self, service: str) -> str:
        return str(self.state["services"][service])

    @property
    def rw_token(self) -> str:
        return str(self.state["tokens"]["readWrite"])

    @property
    def admin_token(self) -> str:
        return str(self.state["tokens"]["admin"])

    @property
    def pids(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.state["pids"].items()}

    def ports(self) -> list[int]:
        """Every port of the suite: the services' and the embedded Redis and broker's."""
        ports = [int(url.rsplit(":", 1)[1]) for url in self.state["services"].values()]
        return ports + [
            int(p["port"])
            for n, p in self.state.get("parts", {}).items()
            if n in ("redis", "kafka")
        ]

    def reload(self) -> dict[str, Any]:
        """The state file again: the launcher rewrites it whenever a part (re)starts."""
        self.state = json.loads(self.state_file.read_text())
        return self.state

    def every_pid(self) -> list[int]:
        """Every process the launcher ran, restarts included."""
        return [pid for part in self.reload()["parts"].values() for pid in part["pids"]]

    def stop(self, timeout: float = 30.0) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return int(self.proc.returncode)


def start_suite(workdir: Path, extra_env: dict[str, str] | None = None) -> RunningSuite:
    """`petstore run --free-ports`, waiting until every service reports ready.

    Tried a second time when a port it chose was taken before its part could bind it: on a
    busy machine another process's outgoing connection can get that port meanwhile.
    """
    try:
        return _start_suite(workdir, extra_env)
    except RuntimeError as exc:
        if "address already in use" not in str(exc):
            raise
    return _start_suite(workdir, extra_env)


def _start_suite(workdir: Path, extra_env: dict[str, str] | None) -> RunningSuite:
    state_file = workdir / "state.json"
    output = workdir / "launcher.out"
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "REDIS_URL",
            "KAFKA_BOOTSTRAP_SERVERS",
            "PETS_SERVICE_URL",
            "WEATHER_URL",
            "RECOMMENDATIONS_URL",
            "PROBLEM_BASE_URL",
        }
    }
    # `petstore chaos` finds this suite's launcher here (tests pass the same variable).
    env["PETSTORE_CONTROL_SOCKET"] = str(workdir / "control.sock")
    env.update(extra_env or {})
    with output.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "petstore_cli",
                "run",
                "--free-ports",
                "--state-file",
                str(state_file),
                "--log-dir",
                str(workdir / "logs"),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not state_file.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
            raise RuntimeError("suite did not start:\n" + output.read_text()[-4000:])
        time.sleep(0.1)
    return RunningSuite(proc, json.loads(state_file.read_text()), output, state_file)


def attach_suite(state_file: Path) -> RunningSuite:
    """A suite that is already running, as its state file describes it (URLs, tokens, env)."""
    return RunningSuite(None, json.loads(state_file.read_text()), state_file, state_file)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def ports_free(ports: list[int]) -> bool:
    return not any(port_open(p) for p in ports)
