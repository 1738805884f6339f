"""One supervised child process of `petstore run`, restarted like compose's `unless-stopped`."""

import asyncio
import contextlib
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO

from petstore_cli.embedded import die_with_parent, port_open
from petstore_cli.restarts import Backoff, describe_exit
from service_kit.common_settings import LOG_FORMAT
from service_kit.logs import is_terminal, wants_console
from service_kit.logs_console import render_json

STOP_TIMEOUT = 15.0  # SIGTERM, then SIGKILL after this (the services drain for 10 s)
TAIL_LINES = 30


class Part:
    """A child the launcher keeps up: it comes back after an exit nobody asked for, until it
    crashes too often; `stop` holds it down until `start`."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        port: int,
        log_path: Path,
        say: Callable[[str], None],
        echo: IO[str] | None = None,
        width: int = 0,
    ) -> None:
        self.name = name
        self.argv = argv
        self.port = port
        self.log_path = log_path
        self.say = say
        self.echo = echo  # services print their output, prefixed; embedded servers only log it
        self.prefix = f"{name:<{width}} | "
        # The services log JSON lines (the files keep them); a person at a terminal (or one
        # who asks for LOG_FORMAT=console) reads each as a short line instead.
        chosen = os.environ.get(LOG_FORMAT.env) or LOG_FORMAT.default
        self.readable = echo is not None and wants_console(chosen, echo)
        self.colour = echo is not None and is_terminal(echo)
        self.env: dict[str, str] = {}
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self.proc: asyncio.subprocess.Process | None = None
        self.pids: list[int] = []  # every process this part ever ran
        self.backoff = Backoff()
        self.held = False
        self.closed = False
        self.given_up = False
        self.waiting_since: float | None = None  # in its restart delay
        self.started_at = 0.0
        self.lock = asyncio.Lock()
        self.on_spawn: Callable[[], None] = lambda: None
        self._pump: asyncio.Task[None] | None = None
        self._runnable = asyncio.Event()
        self._runnable.set()
        self._kick = asyncio.Event()
        self._asked: set[int] = set()  # pids whose exit a command asked for
        self._killed: set[int] = set()  # pids killed by `chaos kill`: restarted, not a crash

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    @property
    def state(self) -> str:
        if self.running:
            return "up"
        if self.given_up:
            return "given up"
        if self.held:
            return "stopped"
        return "restarting" if self.waiting_since is not None else "down"

    async def spawn(self) -> None:
        if self.closed:  # the launcher is stopping: nothing new may start
            return
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=self.env,
            start_new_session=True,
            preexec_fn=die_with_parent(),
        )
        self.pids.append(self.proc.pid)
        self.started_at = time.monotonic()
        self._pump = asyncio.create_task(self._copy_output(self.proc))
        self.on_spawn()

    async def _copy_output(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            async for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.tail.append(line)
                log.write(line + "\n")
                log.flush()
                if self.echo is not None:
                    shown = render_json(line, colour=self.colour) if self.readable else None
                    self.echo.write((shown or self.prefix + line) + "\n")
                    self.echo.flush()

    async def terminate(self) -> None:
        """SIGTERM and wait; SIGKILL what does not stop in time."""
        proc = self.proc
        if proc is not None and proc.returncode is None:
            self._asked.add(proc.pid)
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(STOP_TIMEOUT):
                    await proc.wait()
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        await self._drain()

    async def _drain(self) -> None:
        if self._pump is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                async with asyncio.timeout(2):
                    await self._pump

    async def wait_listening(self, within: float) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if not self.running:
                return False
            if port_open(self.port):
                return True
            await asyncio.sleep(0.05)
        return False

    def allow(self) -> None:
        """Let the policy (re)start it: after `start`, `restart`, or at launch."""
        self.held = self.given_up = False
        self._runnable.set()
        self._kick.set()

    def hold(self) -> None:
        self.held = True
        self._runnable.clear()
        self._kick.set()

    def mark_killed(self, pid: int) -> None:
        self._killed.add(pid)

    async def supervise(self) -> None:
        """Runs for the life of the launcher: restarts the part after each unasked exit."""
        while True:
            await self._runnable.wait()
            async with self.lock:
                if not self._runnable.is_set():
                    continue
                if not self.running:
                    await self.spawn()
                proc = self.proc
            assert proc is not None
            code = await proc.wait()
            await self._drain()
            async with self.lock:
                if proc.pid in self._asked or proc is not self.proc:
                    self._asked.discard(proc.pid)
                    continue
                delay = self._after_exit(proc.pid, code)
            if delay is None:
                continue
            self._kick.clear()
            self.waiting_since = time.monotonic()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._kick.wait()
            self.waiting_since = None

    def _after_exit(self, pid: int, code: int) -> float | None:
        """The next restart's delay, or None when the part is given up on."""
        now = time.monotonic()
        uptime = now - self.started_at
        counted = pid not in self._killed
        self._killed.discard(pid)
        delay = self.backoff.after_exit(now, uptime, counted=counted)
        status = describe_exit(code)
        if delay is None:
            self.given_up = True
            self._runnable.clear()
            self.say(
                f"petstore run: {self.name} {status} and crashed {self.backoff.limit} times "
                f"within {self.backoff.window:.0f} s; giving up on it, the rest keep running "
                f"(`petstore chaos start {self.name}` tries again). Last lines of {self.log_path}:"
            )
            for line in self.tail:
                self.say("    " + line)
            return None
        self.say(
            f"petstore run: {self.name} {status} after {uptime:.1f} s; "
            f"restarting in {delay:g} s (restart {self.backoff.restarts})"
        )
        return delay
