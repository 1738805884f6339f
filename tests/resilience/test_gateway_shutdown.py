"""The gateway SIGTERMed under load: what it accepted it answers in full, then it exits 0.

Three kinds of clients run when the signal comes:
- slow weather requests (a 1.2 s latency fault on the weather stub), all known to be in
  flight: the stub has counted each one;
- recommendations at a steady rate, each held 200-400 ms by the stub: every call the stub
  received must have reached its client as a 200;
- pet creates at a steady rate, each with an id of its own: a create whose client saw no
  answer must not exist afterwards, else the gateway accepted it and dropped the answer.
"""

import asyncio
import signal
import time

import aiohttp

from tests.resilience.client import (
    TRANSPORT,
    Answer,
    OpenLoop,
    Report,
    format_tally,
    malformed,
    new_id,
    pet_body,
    send,
    tally,
)
from tests.resilience.harness import SUITE_SETTINGS, Part, Suite
from tests.support import until, wait_until

SHUTDOWN_TIMEOUT = float(SUITE_SETTINGS["SHUTDOWN_TIMEOUT_SECONDS"])
SLOW = 16  # weather requests in flight at the signal
SLOW_MS = 1200  # inside the weather route's 2 s deadline
HELD = {"mode": "latency", "delayMs": 300, "jitterMs": 100}  # inside recommendations' 1 s
RATE = 40.0  # creates per second, and as many recommendations
WARM = 20  # answers of each kind before the slow requests go: connections are warm


async def set_fault(http: aiohttp.ClientSession, stub: Part, fault: dict[str, object]) -> None:
    async with http.put(stub.url + "/admin/faults", json=fault) as resp:
        assert resp.status == 200, await resp.text()
    async with http.delete(stub.url + "/admin/faults/counters") as resp:
        assert resp.status == 200


async def received(http: aiohttp.ClientSession, stub: Part) -> int:
    """Data requests the stub has received since its counters were cleared."""
    async with http.get(stub.url + "/admin/faults") as resp:
        return int((await resp.json())["counters"]["requests"])


async def test_gateway_sigterm_finishes_what_it_accepted(
    suite: Suite, http: aiohttp.ClientSession, rw_token: str, report: Report
) -> None:
    gateway = suite.part("gateway")
    weather, recommendations = suite.part("weather-stub"), suite.part("recommendations-stub")
    base = gateway.url
    created = await send(http, "pet", "POST", base + "/v1/pets", token=rw_token, body=pet_body())
    assert created.status == 201, created.describe()
    pet_url = f"{base}/v1/pets/{created.json()['id']}"
    await set_fault(http, weather, {"mode": "latency", "delayMs": SLOW_MS})
    await set_fault(http, recommendations, HELD)

    creates: list[tuple[str, Answer]] = []  # (the pet's id, what its creator saw)
    held: list[Answer] = []

    async def slot(i: int, due: float) -> None:
        if i % 2:
            url = pet_url + "/recommendations"
            held.append(await send(http, "recommendations", "GET", url, token=rw_token))
            return
        pet = pet_body(id=new_id())
        answer = await send(http, "create", "POST", base + "/v1/pets", token=rw_token, body=pet)
        creates.append((pet["id"], answer))

    def gone_for_all(after: float) -> bool:
        """Both kinds of clients have had a request refused since ``after``."""
        return all(
            any(a.started > after and a.status == TRANSPORT for a in kind)
            for kind in ([a for _, a in creates], held)
        )

    traffic = OpenLoop(2 * RATE, slot)
    running = asyncio.create_task(traffic.run())
    slow: list[asyncio.Task[Answer]] = []
    try:
        await until(lambda: min(len(creates), len(held)) >= WARM, within=10, what="warm-up")
        slow = [
            asyncio.create_task(send(http, "slow", "GET", pet_url + "/weather", token=rw_token))
            for _ in range(SLOW)
        ]
        await wait_until(  # each slow request is past the gateway
            lambda: received(http, weather),
            lambda n: n >= SLOW,
            within=10,
            interval=0.02,
            what="the slow requests at the stub",
        )
        signalled = time.monotonic()
        gateway.send(signal.SIGTERM)
        assert gateway.proc is not None
        code = await asyncio.to_thread(gateway.proc.wait, SHUTDOWN_TIMEOUT + 5)
        exited = time.monotonic()
        await until(lambda: gone_for_all(exited), within=5, what="refusals after the exit")
    finally:
        traffic.stop()
        await running
        slow_answers = await asyncio.gather(*slow)
        stub_saw = await received(http, recommendations)
        for stub in (weather, recommendations):
            async with http.delete(stub.url + "/admin/faults") as resp:
                assert resp.status == 200

    assert code == 0, gateway.tail()
    assert exited - signalled < SHUTDOWN_TIMEOUT, f"exit took {exited - signalled:.1f} s"
    # The slow requests in flight at the signal: each a whole 200 with its JSON body.
    assert [a.status for a in slow_answers] == [200] * SLOW, [a.describe() for a in slow_answers]
    assert all(isinstance(a.json(), dict) for a in slow_answers)

    everything = [*slow_answers, *held, *(a for _, a in creates)]
    counts = tally(everything)
    assert not malformed(everything), malformed(everything)[:10]
    assert {a.status for a in everything} <= {200, 201, TRANSPORT}, format_tally(counts)
    # A failure is a refused or closed connection, never a body cut short.
    errors = {a.error for a in everything if a.status == TRANSPORT}
    assert errors <= {"ClientConnectorError", "ServerDisconnectedError", "ClientOSError"}, errors
    # Every recommendations call the stub received was answered to its client.
    answered = sum(1 for a in held if a.status == 200)
    assert stub_saw == answered, f"the stub received {stub_saw}, clients got {answered} answers"

    await asyncio.to_thread(gateway.restart)  # same port, nothing else done
    served = [(pet_id, a) for pet_id, a in creates if a.status != TRANSPORT]
    failed = [(pet_id, a) for pet_id, a in creates if a.status == TRANSPORT]
    assert all(a.json()["id"] == pet_id for pet_id, a in served)
    limit = asyncio.Semaphore(16)

    async def stored(pet_id: str) -> int:
        async with limit:
            url = f"{base}/v1/pets/{pet_id}"
            return (await send(http, "check", "GET", url, token=rw_token)).status

    found = await asyncio.gather(*(stored(pet_id) for pet_id, _ in failed))
    lost = [a.describe() for (_, a), status in zip(failed, found, strict=True) if status != 404]
    assert not lost, f"accepted, but the client saw no answer: {lost}"
    after = await send(http, "after", "GET", pet_url + "/weather", token=rw_token)
    assert after.status == 200, after.describe()

    drained = sum(1 for a in everything if a.status != TRANSPORT and a.finished > signalled)
    report(
        f"SIGTERM with {SLOW} slow requests in flight: all answered 200 in full; exit code "
        f"{code} {exited - signalled:.2f} s after the signal "
        f"(SHUTDOWN_TIMEOUT_SECONDS={SHUTDOWN_TIMEOUT:g}); {drained} answers completed after "
        f"the signal; refused afterwards: {', '.join(sorted(errors))}; no refused create was "
        f"stored; the restarted gateway serves on the same port.\n{format_tally(counts)}"
    )
