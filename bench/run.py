"""The measurement: each target driven in interleaved rounds, then the 202 pipeline."""

import dataclasses
import statistics
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.exactness import check_replicas
from bench.load import LoadResult, ParseError, python_command, render_lua, run_load, wrk_command
from bench.overload import run_overload
from bench.parts import Options, Parts, Say
from bench.pipeline import PipelineSetup, run_pipeline
from bench.procs import Children, machine_busy_seconds, total_cpu
from bench.report import Sample
from bench.targets import SINGLE, Target, rotated
from bench.tools import Tools


class Bench(Parts):
    def __init__(self, options: Options, tools: Tools, children: Children, say: Say) -> None:
        super().__init__(options, tools, children, say)
        self.samples: list[Sample] = []
        self.pipeline: dict[str, Any] = {"measured": False, "why": "not run"}
        self.overload: dict[str, Any] = {"measured": False, "why": "not run"}
        self.exactness: dict[str, Any] = {"measured": False, "why": "not run"}
        self.script = options.out_dir.resolve() / "bench.lua"
        self.loadgen = "python" if options.python_loadgen or tools.wrk is None else "wrk"
        self.load_deadline = 0.0

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
            self.script.write_text(render_lua(self.headers, self.authorizations), encoding="utf-8")
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

    async def measure_overload(self) -> None:
        gateway = self.targets["gateway"]
        rates = [
            s.result.rps
            for s in self.samples
            if s.target == "gateway" and s.connections == self.options.connections
        ]
        if not gateway.ready or not rates:
            self.overload = {"measured": False, "why": "the gateway was not measured"}
            return
        capacity = statistics.median(rates)
        self.say(f"measuring overload: open loop at 0.5x and 2x of {capacity:.0f} req/s ...")
        self.overload = await run_overload(
            gateway.url,
            self.headers,
            capacity=capacity,
            duration=self.options.overload_duration,
            connections=self.options.overload_connections,
            wrk=None if self.options.python_loadgen else self.tools.wrk,
            script=(self.options.out_dir / "openloop.lua").resolve(),
        )

    async def check_exactness(self, http: aiohttp.ClientSession) -> None:
        if not self.pets_url or "redis" not in self.procs:
            self.exactness = {"measured": False, "why": "the pets service or Redis is missing"}
            return
        self.say("checking the limiter across two gateway replicas ...")
        env = self.env(
            **self.shared, PETS_SERVICE_URL=self.pets_url, PROBLEM_BASE_URL="http://x/problems/"
        )
        self.exactness = await check_replicas(http, self.children, env, self.secret, self.pet_path)

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
            "overload": self.overload,
            "exactness": self.exactness,
            "notes": self.notes,
            "loadgen": self.loadgen,
            "options": {
                k: str(v) if isinstance(v, Path) else v
                for k, v in dataclasses.asdict(self.options).items()
            },
        }
