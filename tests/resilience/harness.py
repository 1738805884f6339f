"""The suite as separate processes on free ports, each of which a test may kill or restart.

`petstore run` stops everything when one child dies, so these tests start each part here
instead, with the environment of `petstore_cli.plan.make_plan(..., free_ports=True)` and
the embedded Redis and Kafka of `petstore_cli.embedded` (restarted on the same port).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from petstore_cli.embedded import Server, free_port, kafka_server, redis_server
from petstore_cli.plan import Plan, make_plan
from tests.support import TEST_SECRET

# On top of petstore_cli/suite.env. Each value is small so a fault and its recovery fit in a
# few seconds; docs/resilience.md says why each is what it is.
SUITE_SETTINGS = {
    "PETSTORE_JWT_SECRET": TEST_SECRET,
    "REDIS_KEY_PREFIX": "resilience:",
    "RATE_LIMIT": "1000000000",  # the load test sends ~10,000 requests as one subject
    "SHUTDOWN_TIMEOUT_SECONDS": "5",
    "CIRCUIT_FAILURE_THRESHOLD": "5",
    "CIRCUIT_RESET_SECONDS": "2",
    "RECORD_REPUBLISH_AFTER_SECONDS": "2",
    "KAFKA_TIMEOUT_MS": "2000",  # a broker outage answers 503 well inside PETS_TIMEOUT_MS
}

READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0

# Addresses and ports come from the plan, faults from the tests: never from the caller's shell.
_NOT_INHERITED = frozenset(
    {
        "REDIS_URL",
        "KAFKA_BOOTSTRAP_SERVERS",
        "PETS_SERVICE_URL",
        "WEATHER_URL",
        "RECOMMENDATIONS_URL",
        "PROBLEM_BASE_URL",
        "STUB_FAULT",
        "WEATHER_STUB_FAULT",
        "RECOMMENDATIONS_STUB_FAULT",
        "EMBEDDED_REDIS_PORT",
        "EMBEDDED_KAFKA_PORT",
    }
)


class HarnessError(AssertionError):
    """A part did not start, did not become ready, or did not stop."""


@dataclass
class Part:
    """One service process (`python -m <module>`) on a fixed port, restartable on that port."""

    name: str
    module: str
    port: int
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    # Set when the harness signalled the process, so an exit nobody asked for shows up.
    signalled: bool = False
    paused: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise HarnessError(f"{self.name} is not running")
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        if self.alive:
            raise HarnessError(f"{self.name} is already running (pid {self.pid})")
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", self.module],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.signalled = self.paused = False

    def wait_ready(self, timeout: float = READY_TIMEOUT, path: str = "/readyz") -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc is None or self.proc.poll() is not None:
                code = None if self.proc is None else self.proc.returncode
                raise HarnessError(f"{self.name} exited ({code}) before ready:\n{self.tail()}")
            with (
                contextlib.suppress(urllib.error.URLError, OSError),
                urllib.request.urlopen(self.url + path, timeout=1) as resp,
            ):
                if resp.status == 200:
                    return
            if time.monotonic() > deadline:
                raise HarnessError(f"{self.name} not ready within {timeout:.0f}s:\n{self.tail()}")
            time.sleep(0.05)

    def send(self, sig: signal.Signals) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.signalled = True
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(sig)

    def kill(self) -> None:
        """SIGKILL and reap."""
        self.send(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(5)
        self.paused = False

    def terminate(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM and wait for the exit; returns the exit code (SIGKILL past ``timeout``)."""
        if self.paused:
            self.resume()
        self.send(signal.SIGTERM)
        if self.proc is None:
            raise HarnessError(f"{self.name} was never started")
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise HarnessError(f"{self.name} ignored SIGTERM for {timeout:.0f}s") from None

    def pause(self) -> None:
        """SIGSTOP: the process holds its sockets but does nothing (a stalled consumer)."""
        self.send(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        self.send(signal.SIGCONT)
        self.paused = False

    def restart(self, timeout: float = READY_TIMEOUT) -> None:
        """Start again on the same port (after a kill or an exit) and wait until ready."""
        if self.alive:
            self.terminate()
        self.start()
        self.wait_ready(timeout)

    def rss_kb(self) -> int:
        return rss_kb(self.pid)

    def tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def rss_kb(pid: int) -> int:
    """VmRSS of a live process, in KiB (from /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise HarnessError(f"no VmRSS for pid {pid}")


@dataclass
class Suite:
    """Redis, Kafka and the five services, started and healed by name."""

    plan: Plan
    workdir: Path
    redis: Server
    kafka: Server
    parts: dict[str, Part] = field(default_factory=dict)
    extras: dict[str, Part] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {**self.plan.env, "PYTHONUNBUFFERED": "1", "BIND_HOST": "127.0.0.1"}

    @property
    def gateway(self) -> str:
        return self.parts["gateway"].url

    @property
    def metrics(self) -> str:
        """The gateway's GET /metrics, on its internal port."""
        return f"http://127.0.0.1:{self.plan.metrics_port}/metrics"

    def part(self, name: str) -> Part:
        found = self.parts.get(name) or self.extras.get(name)
        if found is None:
            raise HarnessError(f"no part named {name!r}")
        return found

    def start(self) -> None:
        self.redis.start()
        self.kafka.start()
        for part in self.parts.values():  # all at once: start-up is mostly imports
            part.start()
        self.wait_ready(self.parts.values())

    def wait_ready(self, parts: Iterable[Part], timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        for part in parts:
            part.wait_ready(max(1.0, deadline - time.monotonic()))

    def add_part(self, name: str, module: str, port_var: str, **overrides: str) -> Part:
        """Another instance of a service (e.g. a second gateway) on a free port of its own."""
        port = free_port()
        # A gateway's internal metrics port is its own too.
        env = {**self.env, port_var: str(port), "GATEWAY_METRICS_PORT": str(free_port())}
        env.update(overrides)
        part = Part(name, module, port, env, self.workdir / f"{name}.log")
        self.extras[name] = part
        part.start()
        part.wait_ready()
        return part

    def remove_part(self, name: str) -> None:
        part = self.extras.pop(name)
        if part.alive:
            part.terminate()

    def pids(self) -> dict[str, int]:
        return {name: part.pid for name, part in self.parts.items() if part.alive}

    def unexpected_exits(self) -> list[str]:
        """Parts that exited although no test signalled them, with their last log lines."""
        return [
            f"{part.name} exited with {part.proc.returncode}:\n{part.tail()}"
            for part in [*self.parts.values(), *self.extras.values()]
            if part.proc is not None and part.proc.poll() is not None and not part.signalled
        ]

    def heal(self) -> None:
        """Everything running, resumed and ready again, extras gone: the state tests start from."""
        for name in list(self.extras):
            self.remove_part(name)
        for server in (self.redis, self.kafka):
            if not server.running:
                server.start()
        for part in self.parts.values():
            if part.paused:
                part.resume()
            if not part.alive:
                part.start()
        self.wait_ready(self.parts.values())

    def stop(self) -> None:
        for name in list(self.extras):
            with contextlib.suppress(HarnessError):
                self.remove_part(name)
        for part in reversed(list(self.parts.values())):
            if part.alive:
                with contextlib.suppress(HarnessError):
                    part.terminate()
        self.kafka.stop()
        self.redis.stop()


def build_suite(workdir: Path, overrides: Mapping[str, str]) -> Suite:
    """The plan for free ports, with ``overrides`` on top of the shared suite settings."""
    environ = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    plan = make_plan({**environ, **overrides}, free_ports=True)
    if plan.embedded_redis_port is None or plan.embedded_kafka_port is None:
        raise HarnessError("the plan did not choose embedded Redis and Kafka")
    suite = Suite(
        plan=plan,
        workdir=workdir,
        redis=redis_server(plan.embedded_redis_port, workdir / "redis.log"),
        kafka=kafka_server(plan.embedded_kafka_port, workdir / "kafka.log"),
    )
    for spec in plan.services:
        env = suite.env
        suite.parts[spec.name] = Part(
            spec.name, spec.module, spec.port, env, workdir / f"{spec.name}.log"
        )
    return suite
