"""A stub SIGKILLed: 502s, then the open circuit's 503 without a call, then 200 once it is back.

While the circuit is open the test itself listens on the dead stub's port and counts the
connections it gets (none may come); once the stub runs again, its own request counter
shows that only the calls that answered 200 reached it.
"""

import asyncio
import time

import aiohttp
import pytest

from tests.resilience.client import (
    Answer,
    Report,
    format_tally,
    malformed,
    pet_body,
    send,
    tally,
)
from tests.resilience.harness import SUITE_SETTINGS, Part, Suite
from tests.support import wait_until

THRESHOLD = int(SUITE_SETTINGS["CIRCUIT_FAILURE_THRESHOLD"])
RESET = float(SUITE_SETTINGS["CIRCUIT_RESET_SECONDS"])
WHILE_OPEN = 3  # requests sent while the circuit is open and the port is ours


async def stub_requests(http: aiohttp.ClientSession, stub: Part) -> int:
    async with http.get(stub.url + "/admin/faults") as resp:
        assert resp.status == 200
        state = await resp.json()
    return int(state["counters"]["requests"])


@pytest.mark.parametrize(
    ("stub_name", "route"),
    [("weather-stub", "weather"), ("recommendations-stub", "recommendations")],
)
async def test_killed_stub_opens_the_circuit_and_recovers(
    suite: Suite,
    http: aiohttp.ClientSession,
    rw_token: str,
    report: Report,
    stub_name: str,
    route: str,
) -> None:
    stub = suite.part(stub_name)
    created = await send(
        http, "pet", "POST", suite.gateway + "/v1/pets", token=rw_token, body=pet_body()
    )
    assert created.status == 201, created.describe()
    url = f"{suite.gateway}/v1/pets/{created.json()['id']}/{route}"

    async def call(kind: str) -> Answer:
        return await send(http, kind, "GET", url, token=rw_token)

    healthy = await call("healthy")
    assert healthy.status == 200, healthy.describe()

    stub.kill()
    failing = [await call("stub-dead") for _ in range(THRESHOLD)]
    assert [a.status for a in failing] == [502] * THRESHOLD, [a.describe() for a in failing]
    opened = failing[-1].started  # no later than the gateway opened the circuit

    # The port is free: whatever connects to it now is a call the open circuit should not make.
    connections = 0

    def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        writer.close()

    listener = await asyncio.start_server(accept, "127.0.0.1", stub.port)
    try:
        open_answers = [await call("circuit-open") for _ in range(WHILE_OPEN)]
    finally:
        listener.close()
        await listener.wait_closed()
    assert time.monotonic() < opened + RESET, "too slow to check the open circuit in time"
    assert [a.status for a in open_answers] == [503] * WHILE_OPEN, [
        a.describe() for a in open_answers
    ]
    assert connections == 0
    for answer in open_answers:
        assert answer.retry_after is not None
        assert 1 <= int(answer.retry_after) <= RESET

    await asyncio.to_thread(stub.restart)
    recovery: list[Answer] = []

    async def try_again() -> Answer:
        recovery.append(await call("stub-back"))
        return recovery[-1]

    await wait_until(
        try_again, lambda a: a.status == 200, within=RESET + 10, what="a 200 after the restart"
    )
    assert {a.status for a in recovery} <= {200, 503}, [a.describe() for a in recovery]
    # The trial call waited for the reset time; the 503s before it never reached the stub.
    assert recovery[-1].finished >= opened + RESET
    assert await stub_requests(http, stub) == 1

    answers = [healthy, *failing, *open_answers, *recovery]
    assert not malformed(answers), malformed(answers)
    report(
        f"{stub_name}: {THRESHOLD} x 502, then 503 + Retry-After without a call; "
        f"200 again {recovery[-1].finished - opened:.2f} s after the circuit opened "
        f"(CIRCUIT_RESET_SECONDS={RESET:g}).\n{format_tally(tally(answers))}"
    )
