"""Mixed traffic at a fixed rate through the gateway: only expected answers, no record lost,
memory flat after the warm-up.

LOAD_SECONDS (default 60) is the measured part; a warm-up of WARMUP_SECONDS of the same
traffic comes first. Requests are started open-loop (on schedule, whether or not earlier ones
have finished) and their latency counts from when they were due.
"""

import asyncio
import os
import time
from collections import deque
from pathlib import Path

import aiohttp
import pytest

from tests.resilience.client import Answer, OpenLoop, Report, malformed, pet_body, send, unexpected
from tests.resilience.harness import Suite, rss_kb
from tests.resilience.mix import EXPECTED, Mix, Pet, wrong_bodies
from tests.resilience.stats import memory_table, traffic_table
from tests.support import wait_until

LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
WARMUP_SECONDS = 10.0
RATE = 150.0  # requests/s offered
FIXED_PETS = 20
EDITABLE_PETS = 20
# How much a service may grow after the warm-up (docs/resilience.md says why this much).
GROWTH_LIMIT_MIB = 10.0
MEMORY_CHECKED = (
    "gateway",
    "pets-service",
    "records-worker",
    "weather-stub",
    "recommendations-stub",
)
COMPLETION_DEADLINE = 30.0


def snapshot(suite: Suite) -> dict[str, int]:
    """VmRSS (KiB) of every process of the suite, the embedded servers included."""
    sizes = {name: part.rss_kb() for name, part in suite.parts.items()}
    for server in (suite.redis, suite.kafka):
        assert server.proc is not None
        sizes[f"{server.name} (embedded)"] = rss_kb(server.proc.pid)
    return sizes


async def make_pets(http: aiohttp.ClientSession, base: str, token: str, n: int) -> list[Pet]:
    async def one(i: int) -> Pet:
        body = pet_body(name=f"Fixture {i}", species="DOG" if i % 2 else "CAT")
        answer = await send(http, "setup", "POST", base + "/v1/pets", token=token, body=body)
        assert answer.status == 201, answer.describe()
        assert answer.etag is not None
        return Pet(answer.json()["id"], answer.etag)

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def record_statuses(mix: Mix, ids: list[str]) -> dict[str, str]:
    limit = asyncio.Semaphore(16)

    async def one(record_id: str) -> tuple[str, str]:
        async with limit:
            url = f"{mix.base}/v1/medical-records/{record_id}/status"
            answer = await send(mix.http, "final", "GET", url, token=mix.token)
        return record_id, str(answer.json()["status"]) if answer.status == 200 else answer.outcome

    return dict(await asyncio.gather(*(one(i) for i in ids)))


@pytest.mark.timeout(LOAD_SECONDS + WARMUP_SECONDS + 120)
async def test_mixed_load_at_a_fixed_rate(
    suite: Suite, rw_token: str, report: Report, tmp_path: Path
) -> None:
    connector = aiohttp.TCPConnector(limit=512)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=10)
    ) as http:
        base = suite.gateway
        editable: asyncio.Queue[Pet] = asyncio.Queue()
        for pet in await make_pets(http, base, rw_token, EDITABLE_PETS):
            editable.put_nowait(pet)
        mix = Mix(http, base, rw_token, await make_pets(http, base, rw_token, FIXED_PETS), editable)
        answers: list[Answer] = []

        async def slot(i: int, due: float) -> None:
            answers.append(await mix.slot(i, due))

        traffic = OpenLoop(RATE, slot)
        cold = snapshot(suite)
        started = time.monotonic()
        running = asyncio.create_task(traffic.run(WARMUP_SECONDS + LOAD_SECONDS))
        samples: deque[tuple[float, dict[str, int]]] = deque()
        warm = started + WARMUP_SECONDS
        while not running.done():
            # Memory is sampled on a clock, not waited on: every 5 s from the warm-up's end.
            next_sample = warm + 5 * len(samples)
            await asyncio.wait({running}, timeout=max(0.0, next_sample - time.monotonic()))
            if not running.done():
                samples.append((time.monotonic() - started, snapshot(suite)))
        await running
        samples.append((time.monotonic() - started, snapshot(suite)))
        finished = time.monotonic()

        measured = [a for a in answers if a.started >= warm]
        # Answers per second: from the warm-up's end until the last of them came back.
        achieved = len(measured) / (max(a.finished for a in measured) - warm)
        pending = [r for r in mix.records if r not in mix.completed]
        final = await wait_until(
            lambda: record_statuses(mix, pending),
            lambda seen: set(seen.values()) <= {"COMPLETED"},
            within=COMPLETION_DEADLINE,
            interval=0.5,
            what="every accepted record COMPLETED",
        )

    start_rss, end_rss = samples[0][1], samples[-1][1]
    summary = "\n".join(
        [
            f"Offered {RATE:g} req/s open-loop for {WARMUP_SECONDS:g} s warm-up + "
            f"{LOAD_SECONDS:g} s measured; achieved {achieved:.1f} req/s in the measured part "
            f"({len(answers)} requests in all, {traffic.late} started >100 ms late, "
            f"{traffic.refused} not started); run took {finished - started:.1f} s.",
            "Measured part (latency from when each request was due):",
            traffic_table(measured),
            f"Records: {len(mix.records)} accepted, {len(final) + len(mix.completed)} seen "
            f"COMPLETED ({len(final)} of them only after the load).",
            "Memory (VmRSS):",
            memory_table(cold, start_rss, end_rss),
            "RSS samples (s since start: MiB per process): "
            + "; ".join(
                f"{t:.0f}: " + " ".join(f"{v / 1024:.0f}" for v in sizes.values())
                for t, sizes in samples
            ),
        ]
    )
    (tmp_path / "load-summary.txt").write_text(summary + "\n")
    report(summary)

    assert not unexpected(answers, EXPECTED), (
        summary + "\n" + "\n".join(unexpected(answers, EXPECTED)[:20])
    )
    assert not malformed(answers), summary + "\n" + "\n".join(malformed(answers)[:20])
    assert not wrong_bodies(answers), summary + "\n" + "\n".join(wrong_bodies(answers)[:20])
    assert traffic.refused == 0, summary
    assert achieved >= 0.95 * RATE, summary
    assert len(mix.records) > 0
    for name in MEMORY_CHECKED:
        growth = (end_rss[name] - start_rss[name]) / 1024
        assert growth < GROWTH_LIMIT_MIB, f"{name} grew {growth:.1f} MiB\n{summary}"
