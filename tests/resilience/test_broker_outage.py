"""The broker SIGKILLed under record POSTs: 503 + Retry-After meanwhile, and no 202 broken.

The embedded broker keeps messages in memory: it comes back empty. To be sure that some
accepted records were still only in the broker when it died, the records worker is frozen
(SIGSTOP, a stalled consumer) just before: what it had not fetched dies with the broker, and
must be published again by the pets service (RECORD_REPUBLISH_AFTER_SECONDS, 2 s here).
"""

import asyncio
import time

import aiohttp

from tests.resilience.client import (
    Answer,
    OpenLoop,
    Report,
    format_tally,
    malformed,
    pet_body,
    record_body,
    send,
    tally,
    unexpected,
)
from tests.resilience.harness import Suite
from tests.support import until, wait_until

RATE = 25.0  # record POSTs per second
SETTLE = 0.5  # after the kill: a produce already acknowledged may still answer 202
PHASES = ("before", "worker-frozen", "broker-down", "broker-back")
EXPECTED = {
    "before": {202},
    "worker-frozen": {202},
    "broker-down": {202, 503},
    "broker-back": {202, 503},
}
COMPLETION_DEADLINE = 45.0


async def statuses(
    http: aiohttp.ClientSession, gateway: str, token: str, ids: list[str]
) -> dict[str, str]:
    """Each record's status as a client polling it sees it (through the gateway)."""
    limit = asyncio.Semaphore(16)

    async def one(record_id: str) -> tuple[str, str]:
        async with limit:
            url = f"{gateway}/v1/medical-records/{record_id}/status"
            answer = await send(http, "status", "GET", url, token=token)
        if answer.status != 200:
            return record_id, answer.outcome
        return record_id, str(answer.json()["status"])

    return dict(await asyncio.gather(*(one(i) for i in ids)))


async def test_broker_killed_and_restarted_loses_no_accepted_record(
    suite: Suite, http: aiohttp.ClientSession, rw_token: str, report: Report
) -> None:
    gateway = suite.gateway
    worker = suite.part("records-worker")
    created = await send(http, "pet", "POST", gateway + "/v1/pets", token=rw_token, body=pet_body())
    assert created.status == 201, created.describe()
    url = f"{gateway}/v1/pets/{created.json()['id']}/medical-records"
    answers: list[Answer] = []
    phase = PHASES[0]

    async def slot(i: int, due: float) -> None:
        answers.append(
            await send(http, phase, "POST", url, token=rw_token, body=record_body(), due=due)
        )

    def count(kind: str, status: int, since: float = 0.0, before: float = float("inf")) -> int:
        return sum(
            1
            for a in answers
            if a.kind == kind and a.status == status and a.started >= since and a.finished < before
        )

    traffic = OpenLoop(RATE, slot)
    running = asyncio.create_task(traffic.run())
    try:
        await until(lambda: count("before", 202) >= 10, within=10, what="202s before")
        worker.pause()
        phase = "worker-frozen"
        await until(lambda: count(phase, 202) >= 10, within=10, what="202s, worker frozen")
        phase = "broker-down"
        killed = time.monotonic()
        suite.kafka.kill()
        await until(lambda: count(phase, 503, since=killed + SETTLE) >= 5, within=15, what="503s")
        restarted = time.monotonic()
        await asyncio.to_thread(suite.kafka.start)
        phase = "broker-back"
        # The frozen worker cannot have processed these: they were only in the dead broker.
        frozen_ids = [
            a.json()["id"] for a in answers if a.kind == "worker-frozen" and a.status == 202
        ]
        lost_in_broker = await statuses(http, gateway, rw_token, frozen_ids)
        worker.resume()
        await until(lambda: count(phase, 202) >= 20, within=30, what="202s again")
    finally:
        traffic.stop()
        await running
        if worker.paused:
            worker.resume()

    counts = tally(answers)
    assert not unexpected(answers, EXPECTED), (counts, unexpected(answers, EXPECTED)[:10])
    assert not malformed(answers), malformed(answers)[:10]
    down = [a for a in answers if a.started >= killed + SETTLE and a.finished < restarted]
    assert down, "no POST answered while the broker was down"
    assert {a.status for a in down} == {503}, format_tally(tally(down))
    assert set(lost_in_broker.values()) == {"PROCESSING"}, lost_in_broker

    accepted = [a.json()["id"] for a in answers if a.status == 202]
    assert len(set(accepted)) == len(accepted)
    started = time.monotonic()

    async def probe() -> dict[str, str]:
        return await statuses(http, gateway, rw_token, accepted)

    final = await wait_until(
        probe,
        lambda seen: set(seen.values()) == {"COMPLETED"},
        within=COMPLETION_DEADLINE,
        interval=0.5,
        what="every accepted record COMPLETED",
    )
    assert len(final) == len(accepted)
    report(
        f"{len(accepted)} records accepted (202), {len(lost_in_broker)} of them only in the "
        f"broker when it died; broker down {restarted - killed:.1f} s; all COMPLETED "
        f"{time.monotonic() - started:.1f} s after the last POST.\n{format_tally(counts)}"
    )
