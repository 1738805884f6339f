"""`petstore run`: the whole suite as child processes, in the foreground, until Ctrl-C."""

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Coroutine
from pathlib import Path
from typing import IO, Any

import aiohttp

from petstore_cli.embedded import (
    EmbeddedError,
    Server,
    die_with_parent,
    kafka_server,
    port_open,
    redis_server,
)
from petstore_cli.plan import Plan, ServiceSpec, make_plan
from service_kit.auth import mint_token

READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
TAIL_LINES = 30


class Child:
    """One service process whose output is prefixed and copied to its log file."""

    def __init__(self, spec: ServiceSpec, log_dir: Path, out: IO[str], width: int) -> None:
        self.spec = spec
        self.log_path = log_dir / f"{spec.name}.log"
        self.out = out
        self.prefix = f"{spec.name:<{width}} | "
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self.proc: asyncio.subprocess.Process | None = None
        self.pump: asyncio.Task[None] | None = None

    async def start(self, env: dict[str, str]) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.spec.module,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=die_with_parent(),
        )
        self.pump = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        assert self.proc is not None
        assert self.proc.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            async for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.tail.append(line)
                log.write(line + "\n")
                log.flush()
                self.out.write(self.prefix + line + "\n")
                self.out.flush()

    @property
    def exited(self) -> bool:
        return self.proc is not None and self.proc.returncode is not None

    async def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), STOP_TIMEOUT)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                await self.proc.wait()
        if self.pump is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self.pump, 2)


class Launcher:
    def __init__(self, plan: Plan, log_dir: Path, out: IO[str], state_file: Path | None) -> None:
        self.plan = plan
        self.log_dir = log_dir
        self.out = out
        self.state_file = state_file
        width = max(len(s.name) for s in plan.services)
        self.children = [Child(s, log_dir, out, width) for s in plan.services]
        self.embedded: list[Server] = []

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def check_ports(self) -> list[str]:
        taken = []
        wanted = [(s.name, s.port_var, s.port) for s in self.plan.services]
        wanted.append(("gateway metrics", "GATEWAY_METRICS_PORT", self.plan.metrics_port))
        if self.plan.embedded_redis_port is not None:
            wanted.append(("embedded Redis", "EMBEDDED_REDIS_PORT", self.plan.embedded_redis_port))
        if self.plan.embedded_kafka_port is not None:
            wanted.append(("embedded Kafka", "EMBEDDED_KAFKA_PORT", self.plan.embedded_kafka_port))
        for name, var, port in wanted:
            if port_open(port):
                taken.append(
                    f"port {port} ({name}) is already in use: stop what listens there, "
                    f"or choose another port with {var}=..."
                )
        return taken

    def start_embedded(self) -> None:
        if self.plan.embedded_redis_port is not None:
            server = redis_server(self.plan.embedded_redis_port, self.log_dir / "redis.log")
            self.embedded.append(server.start())
            self.say(f"started embedded Redis-protocol server on :{server.port}")
        if self.plan.embedded_kafka_port is not None:
            server = kafka_server(self.plan.embedded_kafka_port, self.log_dir / "kafka.log")
            self.embedded.append(server.start())
            self.say(f"started embedded Kafka-protocol broker on :{server.port}")

    async def wait_ready(self) -> Child | None:
        """Wait for every /readyz; returns a child that died meanwhile, if any."""
        deadline = time.monotonic() + READY_TIMEOUT
        pending = {c.spec.name: c for c in self.children}
        timeout = aiohttp.ClientTimeout(total=1)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while pending:
                for name, child in list(pending.items()):
                    if child.exited:
                        return child
                    with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                        async with session.get(child.spec.url + "/readyz") as resp:
                            if resp.status == 200:
                                del pending[name]
                if time.monotonic() > deadline:
                    raise TimeoutError("not ready in time: " + ", ".join(sorted(pending)))
                if pending:
                    await asyncio.sleep(0.2)
        return None

    def banner(self) -> None:
        plan = self.plan
        rw = mint_token(
            plan.secret, sub="dev-user", scopes=["read:pets", "write:pets"], ttl=12 * 3600
        )
        admin = mint_token(plan.secret, sub="dev-admin", scopes=["admin"], ttl=12 * 3600)
        gw = plan.gateway_url
        metrics = f"http://127.0.0.1:{plan.metrics_port}/metrics"
        rows = [("gateway (public API)", gw)] + [
            (s.name, s.url) for s in plan.services if s.name != "gateway"
        ]
        self.say("\nPetstore suite is ready.\n")
        for name, url in rows:
            self.say(f"  {name:<24} {url}")
        self.say(f"  {'API docs':<24} {gw}/docs")
        self.say(f"  {'problem types':<24} {gw}/problems")
        self.say(f"  {'metrics (internal)':<24} {metrics}")
        self.say(f"  {'logs':<24} {self.log_dir}/")
        self.say(f"\nRead/write token (sub dev-user):\n  export TOKEN={rw}")
        self.say(f"Admin token (sub dev-admin):\n  export ADMIN_TOKEN={admin}")
        self.say("\nTry:")
        self.say(f"  curl -i {gw}/v1/pets                                   # 401, no token")
        self.say(
            f'  curl -i -X POST {gw}/v1/pets -H "Authorization: Bearer $TOKEN" '
            '-H \'Content-Type: application/json\' -d \'{"name": "Rex", "species": "DOG"}\''
        )
        self.say(f'  curl -i {gw}/v1/pets -H "Authorization: Bearer $TOKEN"')
        self.say("\nCtrl-C stops everything.\n")
        if self.state_file is not None:
            state: dict[str, Any] = {
                "gateway": gw,
                "services": {s.name: s.url for s in plan.services},
                "metrics": metrics,
                "env": {k: v for k, v in plan.env.items() if k in _STATE_VARS},
                "tokens": {"readWrite": rw, "admin": admin},
                "pids": {c.spec.name: c.proc.pid for c in self.children if c.proc},
            }
            partial = self.state_file.with_suffix(".partial")
            partial.write_text(json.dumps(state, indent=2))
            partial.replace(self.state_file)  # atomic: readers never see half a file

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
        code = 0
        try:
            self.start_embedded()
            env = {**os.environ, **self.plan.env, "PYTHONUNBUFFERED": "1"}
            for child in self.children:
                await child.start(env)
            dead = await _first(self.wait_ready(), stop)
            if stop.is_set():
                return 0
            if dead is not None:
                return self.report_death(dead)
            self.banner()
            waiters = [asyncio.create_task(c.proc.wait()) for c in self.children if c.proc]
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait([*waiters, stopper], return_when=asyncio.FIRST_COMPLETED)
            for task in [*waiters, stopper]:
                task.cancel()
            await asyncio.gather(*waiters, stopper, return_exceptions=True)
            if not stop.is_set():
                dead_child = next(c for c in self.children if c.exited)
                code = self.report_death(dead_child)
        except (EmbeddedError, TimeoutError) as exc:
            self.say(f"petstore run: {exc}")
            code = 1
        finally:
            self.say("stopping ...")
            await asyncio.gather(*(c.stop() for c in reversed(self.children)))
            for server in reversed(self.embedded):
                server.stop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            self.say("stopped.")
        return code

    def report_death(self, child: Child) -> int:
        assert child.proc is not None
        self.say(
            f"\npetstore run: {child.spec.name} exited with code {child.proc.returncode}; "
            f"last lines of {child.log_path}:"
        )
        for line in child.tail:
            self.say("    " + line)
        return 1


_STATE_VARS = {"REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS", "PETSTORE_JWT_SECRET", "PROBLEM_BASE_URL"}


async def _first(work: Coroutine[Any, Any, Child | None], stop: asyncio.Event) -> Child | None:
    """Run ``work`` unless ``stop`` is set first."""
    task = asyncio.create_task(work)
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([task, stopper], return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, stopper):
        if pending not in done:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pending
    if task in done:
        result: Child | None = task.result()
        return result
    return None


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser(
        "run", help="run the whole suite locally (embedded Redis and Kafka) until Ctrl-C"
    )
    parser.add_argument(
        "--free-ports",
        action="store_true",
        help="use free ports instead of 8080-8084/6379/9092 (tests)",
    )
    parser.add_argument(
        "--log-dir",
        type=Path,
        default=Path(".run/logs"),
        help="where each part's log goes (default .run/logs)",
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        default=None,
        help="write URLs, tokens and PIDs as JSON here once ready",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    plan = make_plan(os.environ, free_ports=args.free_ports)
    launcher = Launcher(plan, args.log_dir, sys.stdout, args.state_file)
    from service_kit.runner import install_uvloop

    install_uvloop()
    return asyncio.run(launcher.run())
