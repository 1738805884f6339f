"""Services as real processes, started through their console scripts on free ports."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from petstore_cli.embedded import free_port

BIN = Path(sys.executable).parent


@dataclass
class Process:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"{self.name} exited with {self.proc.returncode}: {self.tail()}"
                )
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"{self.name} not healthy within {timeout}s: {self.tail()}")

    def terminate(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start(script: str, port_variable: str, env: dict[str, str], log: Path) -> Process:
    """Start ``script`` with ``env`` on a free port and wait until /healthz answers."""
    port = free_port()
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [str(BIN / script)],
            env={**os.environ, **env, port_variable: str(port), "BIND_HOST": "127.0.0.1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    process = Process(script, port, proc, log)
    try:
        process.wait_healthy()
    except BaseException:
        process.kill()
        raise
    return process
