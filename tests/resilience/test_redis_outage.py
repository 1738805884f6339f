"""Redis SIGKILLed under traffic and restarted on the same port: 503s with Retry-After, no 500.

Two gateways share the pets service: the suite's (RATE_LIMIT_FAIL_MODE=open) and a second
one with RATE_LIMIT_FAIL_MODE=closed. A request that needs no Redis behind the limiter (an
unknown /v1 path: 404) shows which one let requests through during the outage. The closed
one still admits the hits it leased before the kill (RATE_LIMIT_LEASE of them at most), then
answers 503 until Redis is back.
"""

import asyncio
import time
from dataclasses import dataclass

import aiohttp

from tests.resilience.client import (
    Answer,
    OpenLoop,
    Report,
    format_tally,
    malformed,
    pet_body,
    problem_types,
    send,
    tally,
    unexpected,
)
from tests.resilience.harness import Suite
from tests.support import until

RATE = 90.0  # requests/s over the six (gateway, kind) pairs
SETTLE = 0.5  # after the kill: requests already past Redis may still succeed
OUTAGE_ANSWERS = 20  # per (gateway, kind) during the outage, before Redis comes back
RECOVERED_RUN = 5  # consecutive successes per (gateway, kind) that count as recovered
CLOSED_LEASE = 8  # RATE_LIMIT_LEASE of the fail-closed gateway: used up early in the outage


@dataclass(frozen=True)
class Kind:
    name: str
    method: str
    path: str
    ok: int
    body: bool = False


KINDS = [
    Kind("list", "GET", "/v1/pets?limit=5", 200),
    Kind("create", "POST", "/v1/pets", 201, body=True),
    Kind("unknown-path", "GET", "/v1/no-such-resource", 404),
]
GATEWAYS = ("open", "closed")
EXPECTED = {f"{g}/{k.name}": {k.ok, 503} for g in GATEWAYS for k in KINDS}


def first_success(answers: list[Answer], since: float) -> float:
    """Seconds from ``since`` until every (gateway, kind) had its first success again."""
    firsts = []
    for gateway in GATEWAYS:
        for kind in KINDS:
            name = f"{gateway}/{kind.name}"
            firsts.append(
                min(
                    a.finished
                    for a in answers
                    if a.kind == name and a.started >= since and a.status == kind.ok
                )
            )
    return max(firsts) - since


def recovered(answers: list[Answer], since: float) -> bool:
    for gateway in GATEWAYS:
        for kind in KINDS:
            name = f"{gateway}/{kind.name}"
            last = [a.status for a in answers if a.kind == name and a.started >= since]
            if last[-RECOVERED_RUN:] != [kind.ok] * RECOVERED_RUN:
                return False
    return True


async def test_redis_killed_and_restarted_under_traffic(
    suite: Suite, http: aiohttp.ClientSession, rw_token: str, report: Report
) -> None:
    closed = await asyncio.to_thread(
        suite.add_part,
        "gateway-closed",
        "gateway",
        "GATEWAY_PORT",
        RATE_LIMIT_FAIL_MODE="closed",
        RATE_LIMIT_LEASE=str(CLOSED_LEASE),
    )
    pids = suite.pids()
    urls = {"open": suite.gateway, "closed": closed.url}
    answers: list[Answer] = []
    pairs = [(g, k) for g in GATEWAYS for k in KINDS]

    async def slot(i: int, due: float) -> None:
        gateway, kind = pairs[i % len(pairs)]
        answers.append(
            await send(
                http,
                f"{gateway}/{kind.name}",
                kind.method,
                urls[gateway] + kind.path,
                token=rw_token,
                body=pet_body() if kind.body else None,
                due=due,
            )
        )

    def count(since: float, before: float = float("inf")) -> int:
        """The fewest answers any (gateway, kind) got between ``since`` and ``before``."""
        window = [a.kind for a in answers if a.started >= since and a.finished < before]
        return min(window.count(k) for k in EXPECTED)

    traffic = OpenLoop(RATE, slot)
    running = asyncio.create_task(traffic.run())
    try:
        await until(lambda: count(0) >= 3, within=10, what="traffic before the kill")
        killed = time.monotonic()
        suite.redis.kill()
        await until(
            lambda: count(killed + SETTLE) >= OUTAGE_ANSWERS, within=15, what="outage answers"
        )
        restarted = time.monotonic()
        await asyncio.to_thread(suite.redis.start)
        await until(lambda: recovered(answers, restarted), within=20, what="recovery to 2xx")
    finally:
        traffic.stop()
        await running
        await asyncio.to_thread(suite.remove_part, "gateway-closed")

    counts = tally(answers)
    assert not unexpected(answers, EXPECTED), (counts, unexpected(answers, EXPECTED)[:10])
    assert not malformed(answers), malformed(answers)[:10]
    # Every service rode it out: the same processes before and after.
    assert suite.pids() == pids

    outage = [a for a in answers if a.started >= killed + SETTLE and a.finished < restarted]
    seen = tally(outage)
    # Fail open: the limiter let requests through; the pets service's 503 passed through.
    assert seen["open/unknown-path"] == {"404": seen["open/unknown-path"].total()}, seen
    assert seen["open/list"] == {"503": seen["open/list"].total()}, seen
    assert seen["open/create"] == {"503": seen["open/create"].total()}, seen
    # Fail closed: the gateway itself answered 503 + Retry-After, whatever the path, once the
    # hits it had leased before the kill were used (the pets service answers 503 to those
    # on the Redis routes anyway; an unknown path's 404 shows them).
    for kind in KINDS:
        name = f"closed/{kind.name}"
        if kind.name != "unknown-path":
            assert seen[name] == {"503": seen[name].total()}, seen
    in_order = sorted(outage, key=lambda a: a.started)
    leased = [a.status for a in in_order if a.kind == "closed/unknown-path"]
    assert set(leased) <= {404, 503}, seen
    assert leased.count(404) <= CLOSED_LEASE, seen
    assert leased[-1] == 503, leased
    assert 404 not in leased[leased.index(503) :], leased

    async with http.get(suite.metrics) as resp:
        metrics = await resp.text()
    fail_open = [
        line
        for line in metrics.splitlines()
        if line.startswith('gateway_rate_limit_decisions_total{decision="fail_open"}')
    ]
    assert fail_open, "no fail_open decision counted"
    assert float(fail_open[0].rsplit(" ", 1)[1]) >= OUTAGE_ANSWERS
    types = {
        gateway: dict(problem_types(a for a in outage if a.kind.startswith(gateway + "/")))
        for gateway in GATEWAYS
    }
    report(
        f"Redis down {restarted - killed:.1f} s; every route served again "
        f"{first_success(answers, restarted):.2f} s after its restart, no service restarted.\n"
        f"During the outage:\n{format_tally(seen)}\n"
        f"  problem types: {types}\n"
        f"Whole run:\n{format_tally(counts)}"
    )
