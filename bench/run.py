"""The benchmark run: start every part, drive each target in interleaved rounds, collect."""

import dataclasses
import os
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench import gateway_switch
from bench.load import (
    ROOT,
    LoadResult,
    ParseError,
    python_command,
    render_lua,
    run_load,
    wrk_command,
)
from bench.nginx import nginx_pids, start_nginx
from bench.pipeline import PipelineSetup, run_pipeline
from bench.procs import Child, Children, machine_busy_seconds, total_cpu
from bench.report import Sample
from bench.suite import StartError, start_embedded, start_service, wait_http
from bench.targets import SINGLE, Target, make_targets, rotated
from bench.tools import Tools
from petstore_cli.embedded import free_port
from petstore_cli.plan import suite_defaults
from service_kit.auth import mint_token

# High enough that the limiter counts every request and never blocks one.
RATE_LIMIT = 1_000_000_000
PET = {"name": "Benchmark", "species": "DOG", "breed": "Beagle", "age": 3}

Say = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    duration: float = 8.0
    single_duration: float = 4.0
    rounds: int = 3
    connections: int = 50
    warmup: float = 2.0
    budget: float = 420.0  # seconds of load, at most; what is left is reported as not measured
    out_dir: Path = Path("bench-results")
    log_level: str = "INFO"
    python_loadgen: bool = False
    pipeline: bool = True
    record_delay_ms: int = 0
    burst_records: int = 1000


class Bench:
    def __init__(self, options: Options, tools: Tools, children: Children, say: Say) -> None:
        self.options = options
        self.tools = tools
        self.children = children
        self.say = say
        self.targets = make_targets()
        self.samples: list[Sample] = []
        self.notes: list[str] = []
        self.pipeline: dict[str, Any] = {"measured": False, "why": "not run"}
        self.procs: dict[str, Child] = {}
        self.kafka_port: int | None = None
        self.kafka_missing: str | None = None
        self.secret = secrets.token_urlsafe(32)
        self.token = mint_token(
            self.secret, sub="bench", scopes=["read:pets", "write:pets"], ttl=3 * 3600
        )
        self.headers = {"Authorization": f"Bearer {self.token}"}
        self.pets_url = ""
        self.pet_id = ""
        self.pet_path = "/v1/pets/00000000-0000-7000-8000-000000000000"  # hello answers any
        self.shared: dict[str, str] = {}
        self.script = options.out_dir.resolve() / "bench.lua"
        self.loadgen = "python" if options.python_loadgen or tools.wrk is None else "wrk"
        self.load_deadline = 0.0

    # -- starting -----------------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        base = {**os.environ, **suite_defaults(), "PYTHONUNBUFFERED": "1"}
        # So that `python -m bench.hello` runs whatever the working directory.
        base["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
        base.update(
            PETSTORE_JWT_SECRET=self.secret,
            LOG_LEVEL=self.options.log_level,
            BIND_HOST="127.0.0.1",
        )
        base.update(extra)
        return base

    def miss(self, keys: list[str], why: str) -> None:
        for key in keys:
            if self.targets[key].missing is None:
                self.targets[key].missing = why
        self.say(f"  {', '.join(keys)}: not measured: {why}")

    async def start_all(self, http: aiohttp.ClientSession) -> None:
        pets_keys = ["direct", "nginx", "gateway", "gateway-no-rl"]
        self.say("starting ...")
        try:
            self.procs["redis"], redis_port = await start_embedded(self.children, "redis")
        except StartError as exc:
            self.miss(pets_keys, f"Redis did not start ({exc})")
            redis_port = 0
        try:
            self.procs["kafka"], self.kafka_port = await start_embedded(self.children, "kafka")
        except StartError as exc:
            self.kafka_missing = f"the Kafka broker did not start ({exc})"
        kafka = f"127.0.0.1:{self.kafka_port or free_port()}"
        self.shared = {
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
        }
        if redis_port:
            await self.start_pets(http)
        await self.start_hello(http)
        if self.pets_url:
            await self.start_nginx(http)
            await self.start_gateways(http)

    async def start_pets(self, http: aiohttp.ClientSession) -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        try:
            self.procs["pets-service"] = await start_service(
                http,
                self.children,
                "pets-service",
                "pets_service",
                self.env(**self.shared, PETS_SERVICE_PORT=str(port)),
                f"{url}/readyz",
                sys.executable,
            )
            async with http.post(f"{url}/v1/pets", json=PET, headers=self.headers) as resp:
                await resp.read()
                location = resp.headers.get("Location", "")
                if resp.status != 201 or not location.startswith("/v1/pets/"):
                    raise StartError(f"POST /v1/pets answered {resp.status}, not 201 + Location")
        except (StartError, aiohttp.ClientError, TimeoutError) as exc:
            why = str(exc) or type(exc).__name__
            self.miss(["direct", "nginx", "gateway", "gateway-no-rl"], f"pets service: {why}")
            return
        self.pets_url = url
        self.pet_path = location
        self.pet_id = location.rsplit("/", 1)[1]
        self.targets["direct"].url = url + location
        self.say(f"  pets service on :{port}, pet {self.pet_id}")

    async def start_hello(self, http: aiohttp.ClientSession) -> None:
        port = free_port()
        child = self.children.start(
            "hello", [sys.executable, "-m", "bench.hello", str(port)], self.env()
        )
        url = f"http://127.0.0.1:{port}{self.pet_path}"
        try:
            await wait_http(http, child, url)
        except StartError as exc:
            self.children.stop(child)
            self.miss(["hello"], str(exc))
            return
        self.procs["hello"] = child
        self.targets["hello"].url = url
        self.say(f"  hello-world on :{port}")

    async def start_nginx(self, http: aiohttp.ClientSession) -> None:
        if self.tools.nginx is None:
            self.miss(["nginx"], "nginx is not installed and could not be installed")
            return
        port = free_port()
        upstream = int(self.pets_url.rsplit(":", 1)[1])
        prefix = (self.options.out_dir / "nginx").resolve()
        child = start_nginx(self.children, self.tools.nginx, prefix, port, upstream)
        try:
            await wait_http(http, child, f"http://127.0.0.1:{port}/healthz")
        except StartError as exc:
            self.children.stop(child)
            self.miss(["nginx"], str(exc))
            return
        self.procs["nginx"] = child
        self.targets["nginx"].url = f"http://127.0.0.1:{port}{self.pet_path}"
        self.say(f"  nginx on :{port}")

    async def start_gateways(self, http: aiohttp.ClientSession) -> None:
        switch = gateway_switch.rate_limit_off_env()
        variants: list[tuple[str, dict[str, str]]] = [("gateway", {})]
        if switch is None:
            self.miss(["gateway-no-rl"], "the gateway has no setting that turns its limiter off")
        else:
            variants.append(("gateway-no-rl", switch))
        for key, extra in variants:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            env = self.env(
                **self.shared,
                GATEWAY_PORT=str(port),
                PETS_SERVICE_URL=self.pets_url,
                PROBLEM_BASE_URL=f"http://localhost:{port}/problems/",
                RATE_LIMIT=str(RATE_LIMIT),
                RATE_LIMIT_WINDOW_SECONDS="3600",
                **extra,
            )
            try:
                self.procs[key] = await start_service(
                    http, self.children, key, "gateway", env, f"{url}/healthz", sys.executable
                )
            except StartError as exc:
                self.miss([key], str(exc))
                continue
            self.targets[key].url = url + self.pet_path
            self.say(f"  {key} on :{port}" + (f" ({extra})" if extra else ""))

    # -- checking and measuring ---------------------------------------------------------

    async def preflight(self, http: aiohttp.ClientSession) -> None:
        """Every target answers the GET with 200 before it is loaded; the limiter is on."""
        for target in self.targets.values():
            if not target.ready:
                continue
            try:
                async with http.get(target.url, headers=self.headers) as resp:
                    await resp.read()
                    status, limit = resp.status, resp.headers.get("X-RateLimit-Limit")
            except (aiohttp.ClientError, TimeoutError) as exc:
                self.miss([target.key], f"GET failed before the load ({type(exc).__name__})")
                continue
            if status != 200:
                self.miss([target.key], f"GET answered {status}, not 200, before the load")
                continue
            if target.key == "gateway" and limit != str(RATE_LIMIT):
                self.notes.append(
                    f"the gateway's answer carried X-RateLimit-Limit {limit!r}, "
                    f"not {RATE_LIMIT}: is its limiter running?"
                )
            if target.key == "gateway-no-rl" and limit is not None:
                self.notes.append("the gateway with the limiter off still sent X-RateLimit-*")
            target.pids = self.pids_of(target)

    def pids_of(self, target: Target) -> list[int]:
        pids = []
        for name in target.serving:
            child = self.procs.get(name)
            if child is not None:
                pids += nginx_pids(child) if name == "nginx" else [child.pid]
        return pids

    def plan(self) -> list[tuple[int, Target, int, float]]:
        """Every measured run in order: (round, target, connections, seconds)."""
        busy = [t for t in self.targets.values() if t.ready]
        single = [t for t in busy if t.key in SINGLE]
        runs = []
        for turn in range(self.options.rounds):
            runs += [
                (turn, t, self.options.connections, self.options.duration)
                for t in rotated(busy, turn)
            ]
            runs += [(turn, t, 1, self.options.single_duration) for t in rotated(single, turn)]
        return runs

    async def measure(self) -> None:
        busy = [t for t in self.targets.values() if t.ready]
        if not busy:
            return
        if self.loadgen == "wrk":
            self.script.write_text(render_lua(self.headers), encoding="utf-8")
        runs = self.plan()
        seconds = sum(r[3] for r in runs) + self.options.warmup * len(busy)
        self.say(
            f"measuring {len(busy)} targets with {self.loadgen}: {len(runs)} runs in "
            f"{self.options.rounds} rounds, about {seconds:.0f} s"
        )
        self.load_deadline = time.monotonic() + self.options.budget
        for target in busy:
            await self.load(target, self.options.connections, self.options.warmup)
        for turn, target, connections, duration in runs:
            if time.monotonic() + duration > self.load_deadline:
                self.notes.append(
                    f"the time budget ({self.options.budget:.0f} s) ran out before round "
                    f"{turn + 1} was complete; later runs were left out"
                )
                return
            sample = await self.sample(turn, target, connections, duration)
            if sample is not None:
                r = sample.result
                self.say(
                    f"  round {turn + 1} {target.key:<14} -c{connections:<3} {r.rps:>9.0f} req/s"
                    f"  p50 {r.p50_ms:6.2f} ms  p99 {r.p99_ms:6.2f} ms"
                    + (f"  {r.errors} ERRORS" if r.errors else "")
                )

    async def sample(
        self, turn: int, target: Target, connections: int, duration: float
    ) -> Sample | None:
        before, machine_before = total_cpu(target.pids), machine_busy_seconds()
        try:
            result, loadgen_cpu = await self.load(target, connections, duration)
        except (ParseError, TimeoutError, OSError) as exc:
            self.notes.append(f"{target.key} round {turn + 1} -c{connections}: {exc}")
            return None
        server_cpu = total_cpu(target.pids) - before
        machine = machine_busy_seconds() - machine_before
        sample = Sample(target.key, turn, connections, result, server_cpu, loadgen_cpu, machine)
        self.samples.append(sample)
        return sample

    async def load(
        self, target: Target, connections: int, duration: float
    ) -> tuple[LoadResult, float]:
        """One run of the load generator; its result and its own CPU seconds."""
        if self.loadgen == "wrk" and self.tools.wrk is not None:
            argv = wrk_command(
                self.tools.wrk,
                target.url,
                connections=connections,
                duration_s=duration,
                script=self.script,
            )
        else:
            argv = python_command(
                target.url, self.headers, connections=connections, duration_s=duration
            )
        return await run_load(argv, duration + 15)

    # -- the 202 pipeline ---------------------------------------------------------------

    async def measure_pipeline(self, http: aiohttp.ClientSession) -> None:
        if not self.options.pipeline:
            why = "turned off (--no-pipeline)"
        elif not self.pets_url:
            why = "the pets service is not running"
        elif self.kafka_missing:
            why = self.kafka_missing
        else:
            why = ""
        if why:
            self.pipeline = {"measured": False, "why": why}
            return
        self.say("measuring the 202 pipeline ...")
        setup = PipelineSetup(
            env=self.env(**self.shared),
            pets_url=self.pets_url,
            pet_id=self.pet_id,
            headers=self.headers,
            serving_pids=[self.procs[n].pid for n in ("redis", "kafka", "pets-service")],
            delay_ms=self.options.record_delay_ms,
            burst_records=self.options.burst_records,
        )
        self.pipeline = await run_pipeline(http, self.children, setup)

    def results(self) -> dict[str, Any]:
        return {
            "targets": {
                key: {
                    "label": t.label,
                    "url": t.url,
                    "serving": list(t.serving),
                    "missing": t.missing,
                }
                for key, t in self.targets.items()
            },
            "samples": [s.as_dict() for s in self.samples],
            "pipeline": self.pipeline,
            "notes": self.notes,
            "loadgen": self.loadgen,
            "options": {
                k: str(v) if isinstance(v, Path) else v
                for k, v in dataclasses.asdict(self.options).items()
            },
        }
