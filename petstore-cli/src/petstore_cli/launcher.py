"""`petstore run`: the whole suite as supervised child processes, in the foreground."""

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import IO, Any

import aiohttp

from petstore_cli import control
from petstore_cli.banner import banner, tokens, write_state
from petstore_cli.embedded import EmbeddedError, kafka_server, port_open, redis_server
from petstore_cli.parts import Part
from petstore_cli.plan import Plan, make_plan

READY_TIMEOUT = 60.0
EMBEDDED_TIMEOUT = 15.0


class Launcher:
    def __init__(
        self, plan: Plan, log_dir: Path, out: IO[str], state_file: Path | None, socket: Path
    ) -> None:
        self.plan = plan
        self.log_dir = log_dir
        self.out = out
        self.state_file = state_file
        self.socket = socket
        self.redis_dir = tempfile.mkdtemp(prefix="petstore-redis-")
        self.embedded: list[Part] = []
        if plan.embedded_redis_port is not None:
            server = redis_server(plan.embedded_redis_port, workdir=self.redis_dir, persist=True)
            self.embedded.append(self._part("redis", server.argv, server.port))
        if plan.embedded_kafka_port is not None:
            server = kafka_server(plan.embedded_kafka_port)
            self.embedded.append(self._part("kafka", server.argv, server.port))
        width = max(len(s.name) for s in plan.services)
        self.services = [
            self._part(s.name, [sys.executable, "-m", s.module], s.port, echo=out, width=width)
            for s in plan.services
        ]
        self.parts = {p.name: p for p in [*self.services, *self.embedded]}
        self.minted = tokens(plan)
        self.supervisors: list[asyncio.Task[None]] = []
        self.server: asyncio.Server | None = None

    def _part(self, name: str, argv: list[str], port: int, **kw: Any) -> Part:
        part = Part(name, argv, port, self.log_dir / f"{name}.log", self.say, **kw)
        part.env = dict(os.environ)
        return part

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def check_ports(self) -> list[str]:
        wanted = [(s.name, s.port_var, s.port) for s in self.plan.services]
        wanted.append(("gateway metrics", "GATEWAY_METRICS_PORT", self.plan.metrics_port))
        if self.plan.embedded_redis_port is not None:
            wanted.append(("embedded Redis", "EMBEDDED_REDIS_PORT", self.plan.embedded_redis_port))
        if self.plan.embedded_kafka_port is not None:
            wanted.append(("embedded Kafka", "EMBEDDED_KAFKA_PORT", self.plan.embedded_kafka_port))
        return [
            f"port {port} ({name}) is already in use: stop what listens there, "
            f"or choose another port with {var}=..."
            for name, var, port in wanted
            if port_open(port)
        ]

    async def start_embedded(self) -> None:
        labels = {"redis": "Redis-protocol server", "kafka": "Kafka-protocol broker"}
        for part in self.embedded:
            await part.spawn()
            if not await part.wait_listening(EMBEDDED_TIMEOUT):
                raise EmbeddedError(f"the embedded {part.name} did not come up: {part.log_path}")
            self.say(f"started embedded {labels[part.name]} on :{part.port}")

    async def wait_ready(self) -> Part | None:
        """Wait for every /readyz; returns a child that died meanwhile, if any."""
        deadline = time.monotonic() + READY_TIMEOUT
        pending = {p.name: p for p in self.services}
        urls = {s.name: s.url for s in self.plan.services}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as session:
            while pending:
                for name, part in list(pending.items()):
                    if not part.running:
                        return part
                    with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                        async with session.get(urls[name] + "/readyz") as resp:
                            if resp.status == 200:
                                del pending[name]
                if time.monotonic() > deadline:
                    raise TimeoutError("not ready in time: " + ", ".join(sorted(pending)))
                if pending:
                    await asyncio.sleep(0.2)
        return None

    def save_state(self) -> None:
        if self.state_file is not None:
            parts = list(self.parts.values())
            write_state(self.state_file, self.plan, self.minted, parts, self.socket)

    async def launch(self, stop: asyncio.Event) -> int:
        """Start everything; a part that exits before the suite is first ready is a set-up
        error (a bad setting, a taken port) that restarting would only repeat."""
        control.claim(self.socket)
        await self.start_embedded()
        env = {**os.environ, **self.plan.env, "PYTHONUNBUFFERED": "1"}
        for part in self.services:
            part.env = env
            await part.spawn()
        dead = await _first(self.wait_ready(), stop)
        if stop.is_set():
            return 0
        if dead is not None:
            return self.report_death(dead)
        self.supervisors = [asyncio.create_task(p.supervise()) for p in self.parts.values()]
        self.server = await control.serve(self.socket, self.parts)
        banner(self.plan, self.log_dir, self.minted, self.say)
        self.save_state()
        for part in self.parts.values():
            part.on_spawn = self.save_state
        await stop.wait()
        return 0

    async def run(self) -> int:
        taken = self.check_ports()
        if taken:
            for line in taken:
                self.say("petstore run: " + line)
            return 2
        self.log_dir.mkdir(parents=True, exist_ok=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        code = 1
        try:
            code = await self.launch(stop)
        except (EmbeddedError, control.ControlError, TimeoutError, OSError) as exc:
            self.say(f"petstore run: {exc}")
        finally:
            await self.shutdown()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        return code

    async def shutdown(self) -> None:
        self.say("stopping ...")
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(FileNotFoundError):
                self.socket.unlink()
        for part in self.parts.values():
            part.closed = True
        for task in self.supervisors:
            task.cancel()
        await asyncio.gather(*self.supervisors, return_exceptions=True)
        await asyncio.gather(*(p.terminate() for p in reversed(self.services)))
        for part in reversed(self.embedded):
            await part.terminate()
        shutil.rmtree(self.redis_dir, ignore_errors=True)
        self.say("stopped.")

    def report_death(self, part: Part) -> int:
        code = part.proc.returncode if part.proc else None
        self.say(
            f"\npetstore run: {part.name} exited with code {code}; last lines of {part.log_path}:"
        )
        for line in part.tail:
            self.say("    " + line)
        return 1


async def _first(work: Coroutine[Any, Any, Part | None], stop: asyncio.Event) -> Part | None:
    """Run ``work`` unless ``stop`` is set first."""
    task = asyncio.create_task(work)
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([task, stopper], return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, stopper):
        if pending not in done:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pending
    return task.result() if task in done else None


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser(
        "run", help="run the whole suite locally (embedded Redis and Kafka) until Ctrl-C"
    )
    parser.add_argument(
        "--free-ports", action="store_true", help="use free ports instead of 8080-8084/6379/9092"
    )
    parser.add_argument(
        "--log-dir",
        type=Path,
        default=Path(".run/logs"),
        help="where each part's log goes (default .run/logs)",
    )
    parser.add_argument(
        "--state-file", type=Path, default=None, help="keep URLs, tokens and PIDs as JSON here"
    )
    parser.add_argument(
        "--control-socket",
        type=Path,
        default=None,
        help=f"`petstore chaos` talks to the launcher here (default ${control.SOCKET_VAR} "
        f"or {control.DEFAULT_SOCKET})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    plan = make_plan(os.environ, free_ports=args.free_ports)
    socket = args.control_socket or control.socket_path(os.environ)
    launcher = Launcher(plan, args.log_dir, sys.stdout, args.state_file, socket)
    from service_kit.runner import install_uvloop

    install_uvloop()
    return asyncio.run(launcher.run())
