"""The 202 pipeline: POST medical-records → Kafka → records worker → COMPLETED
(docs/medical-records.md).

Two measurements. Latency: a few clients, each posting one record and polling its status
until it is COMPLETED, then the next. Throughput: a burst of records posted at once, timed
from the first POST to the last completion. When the status carries the service's own
``createdAt`` and ``updatedAt``, those time the record (no polling delay in the figure);
otherwise the client's clock does, to within the polling interval.
"""

import asyncio
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import aiohttp

from bench.loadgen import percentile
from bench.procs import Children, total_cpu
from bench.suite import StartError, start_service
from petstore_cli.embedded import free_port

POLL_INTERVAL = 0.01
RECORD = {"type": "CHECKUP", "date": "2026-01-15", "notes": "benchmark record"}


class PipelineError(RuntimeError):
    """The pipeline cannot be measured; the message says why."""


@dataclass
class Timing:
    """One record, from the 202 to its end."""

    record_id: str
    accepted: float  # wall clock when the 202 arrived (or the service's createdAt)
    finished: float | None = None
    status: str = "PROCESSING"
    server_clock: bool = False


@dataclass
class PipelineResult:
    latency_records: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    burst_records: int = 0
    burst_completed: int = 0
    burst_failed: int = 0
    burst_seconds: float = 0.0
    records_per_s: float = 0.0
    clock: str = "client"
    notes: list[str] = field(default_factory=list)


def parse_time(value: object) -> float | None:
    """Epoch seconds of an RFC 3339 timestamp with sub-second digits; None otherwise."""
    if not isinstance(value, str) or "." not in value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class Client:
    def __init__(self, http: aiohttp.ClientSession, base: str, headers: dict[str, str]) -> None:
        self.http = http
        self.base = base
        self.headers = headers

    async def post(self, pet_id: str) -> Timing:
        url = f"{self.base}/v1/pets/{pet_id}/medical-records"
        async with self.http.post(url, json=RECORD, headers=self.headers) as resp:
            body = await resp.json(content_type=None) if resp.content_length != 0 else None
            if resp.status != 202 or not isinstance(body, dict) or "id" not in body:
                detail = body.get("detail") if isinstance(body, dict) else None
                raise PipelineError(
                    f"POST {url.removeprefix(self.base)} answered {resp.status}"
                    + (f": {detail}" if detail else "")
                )
        return Timing(str(body["id"]), time.time())

    async def check(self, timing: Timing) -> None:
        url = f"{self.base}/v1/medical-records/{timing.record_id}/status"
        async with self.http.get(url, headers=self.headers) as resp:
            body: Any = await resp.json(content_type=None)
            if resp.status != 200 or not isinstance(body, dict):
                raise PipelineError(f"GET {url.removeprefix(self.base)} answered {resp.status}")
        status = str(body.get("status"))
        if status == "PROCESSING":
            return
        timing.status = status
        timing.finished = time.time()
        created, updated = parse_time(body.get("createdAt")), parse_time(body.get("updatedAt"))
        if created is not None and updated is not None and updated >= created:
            timing.accepted, timing.finished, timing.server_clock = created, updated, True

    async def follow(self, timing: Timing, deadline: float) -> None:
        while timing.finished is None:
            if time.monotonic() > deadline:
                raise PipelineError(f"record {timing.record_id} still PROCESSING at the deadline")
            await asyncio.sleep(POLL_INTERVAL)
            await self.check(timing)


async def measure_latency(
    client: Client, pet_id: str, *, clients: int, seconds: float
) -> list[Timing]:
    done: list[Timing] = []
    stop = time.monotonic() + seconds

    async def one_client() -> None:
        while time.monotonic() < stop:
            timing = await client.post(pet_id)
            await client.follow(timing, time.monotonic() + 15)
            done.append(timing)

    await asyncio.gather(*(one_client() for _ in range(clients)))
    return done


async def measure_burst(
    client: Client, pet_id: str, *, records: int, concurrency: int, drain_s: float
) -> tuple[float, list[Timing]]:
    """Post ``records`` at once; returns the first POST's wall clock and every record."""
    gate = asyncio.Semaphore(concurrency)

    async def post() -> Timing:
        async with gate:
            return await client.post(pet_id)

    began = time.time()
    timings = await asyncio.gather(*(post() for _ in range(records)))
    deadline = time.monotonic() + drain_s
    pending = list(timings)
    while pending and time.monotonic() < deadline:
        for chunk in range(0, len(pending), concurrency):
            await asyncio.gather(*(client.check(t) for t in pending[chunk : chunk + concurrency]))
        pending = [t for t in timings if t.finished is None]
        if pending:
            await asyncio.sleep(0.05)
    return began, timings


def summarize(latency: list[Timing], began: float, burst: list[Timing]) -> PipelineResult:
    result = PipelineResult()
    completed = [t for t in latency if t.status == "COMPLETED" and t.finished is not None]
    spans = sorted((t.finished - t.accepted) * 1000 for t in completed if t.finished is not None)
    result.latency_records = len(spans)
    result.p50_ms = percentile(spans, 50)
    result.p99_ms = percentile(spans, 99)
    if completed and all(t.server_clock for t in completed):
        result.clock = "service (createdAt → updatedAt)"
    else:
        result.clock = f"client (polling every {POLL_INTERVAL * 1000:.0f} ms)"
    failed = [t for t in latency if t.status not in ("COMPLETED", "PROCESSING")]
    if failed:
        result.notes.append(f"{len(failed)} latency records ended {failed[0].status}")
    result.burst_records = len(burst)
    ends = [t.finished for t in burst if t.status == "COMPLETED" and t.finished is not None]
    result.burst_completed = len(ends)
    result.burst_failed = sum(1 for t in burst if t.status not in ("COMPLETED", "PROCESSING"))
    if ends:
        result.burst_seconds = max(ends) - began
        if result.burst_seconds > 0:
            result.records_per_s = len(ends) / result.burst_seconds
    unfinished = len(burst) - result.burst_completed - result.burst_failed
    if unfinished:
        result.notes.append(f"{unfinished} burst records still PROCESSING at the deadline")
    return result


@dataclass(frozen=True)
class PipelineSetup:
    env: dict[str, str]  # the pets service's environment (Redis, Kafka, secret, prefix)
    pets_url: str
    pet_id: str
    headers: dict[str, str]
    serving_pids: list[int]  # Redis, Kafka, pets service: their CPU counts per record
    delay_ms: int
    burst_records: int
    latency_clients: int = 4
    latency_seconds: float = 4.0
    drain_seconds: float = 30.0


async def run_pipeline(
    http: aiohttp.ClientSession, children: Children, setup: PipelineSetup
) -> dict[str, Any]:
    """Start the records worker, measure, stop it; "not measured: why" when it cannot."""
    port = free_port()
    env = {
        **setup.env,
        "RECORDS_WORKER_PORT": str(port),
        "RECORD_PROCESSING_DELAY_MS": str(setup.delay_ms),
    }
    try:
        worker = await start_service(
            http,
            children,
            "records-worker",
            "records_worker",
            env,
            f"http://127.0.0.1:{port}/readyz",
            sys.executable,
        )
    except StartError as exc:
        return {"measured": False, "why": f"records worker: {exc}"}
    client = Client(http, setup.pets_url, setup.headers)
    pids = [*setup.serving_pids, worker.pid]
    try:
        first = await client.post(setup.pet_id)
        await client.follow(first, time.monotonic() + 20)
        latency = await measure_latency(
            client, setup.pet_id, clients=setup.latency_clients, seconds=setup.latency_seconds
        )
        cpu_before = total_cpu(pids)
        began, burst = await measure_burst(
            client,
            setup.pet_id,
            records=setup.burst_records,
            concurrency=16,
            drain_s=setup.drain_seconds,
        )
        cpu = total_cpu(pids) - cpu_before
    except PipelineError as exc:
        return {"measured": False, "why": str(exc)}
    except (aiohttp.ClientError, TimeoutError) as exc:
        return {"measured": False, "why": f"HTTP failed: {type(exc).__name__}"}
    finally:
        children.stop(worker)
    result = summarize(latency, began, burst)
    return {
        "measured": True,
        **asdict(result),
        "cpu_us_per_record": cpu * 1e6 / len(burst) if burst else 0.0,
        "record_delay_ms": setup.delay_ms,
    }
