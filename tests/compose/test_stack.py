"""The compose stack in containers: healthchecks, two pets replicas behind one name, two
records workers sharing the topic, a worker restarted mid-stream, and `petstore chaos`."""

import asyncio
import json
import re
import time

import aiohttp
import pytest

from tests.compose.engine import Engine
from tests.support import until

VACCINATION = {"type": "VACCINATION", "date": "2025-03-01", "vaccine": "Rabies"}
LONG_RUNNING = ["redis", "kafka", "pets-service", "records-worker", "weather-stub",
                "recommendations-stub", "gateway"]  # fmt: skip


async def test_every_healthcheck_turns_healthy(engine: Engine) -> None:
    for service in LONG_RUNNING:
        containers = engine.containers(service)
        assert containers, f"no running container of {service}"
        for container in containers:
            await until(
                lambda c=container: engine.health(c) == "healthy",  # type: ignore[misc]
                within=60,
                interval=1,
                what=f"{container} healthy",
            )
    (init,) = engine.containers("kafka-init", running=False)
    assert engine.cli("inspect", "--format", "{{.State.ExitCode}}", init).strip() == "0"


async def _get_pets(http: aiohttp.ClientSession, engine: Engine, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.get(engine.gateway + "/v1/pets", headers=headers) as reply:
        assert reply.status == 200, await reply.text()


async def _split(
    http: aiohttp.ClientSession, engine: Engine, *, sequential: int, concurrent: int
) -> dict[str, list[int]]:
    """Requests served by each pets replica: first one after another, then all at once."""
    replicas = engine.containers("pets-service")
    split: dict[str, list[int]] = {name: [] for name in replicas}
    for phase, count in (("sequential", sequential), ("concurrent", concurrent)):
        before = {name: engine.requests_served(name) for name in replicas}
        token = engine.token()
        if phase == "sequential":
            for _ in range(count):
                await _get_pets(http, engine, token)
        else:
            await asyncio.gather(*(_get_pets(http, engine, token) for _ in range(count)))
        for name in replicas:
            split[name].append(int(engine.requests_served(name) - before[name]))
    return split


@pytest.mark.timeout(300)
async def test_scaled_out_services_share_the_work(
    engine: Engine, http: aiohttp.ClientSession
) -> None:
    engine.scale({"pets-service": 2, "records-worker": 2})
    assert len(engine.containers("pets-service")) == 2
    workers = engine.containers("records-worker")
    assert len(workers) == 2

    # The gateway re-resolves pets-service (every few seconds) and opens connections to the
    # new address; from then on, both replicas answer.
    async def both_serve() -> bool:
        split = await _split(http, engine, sequential=0, concurrent=50)
        return all(counts[-1] > 0 for counts in split.values())

    await until(both_serve, within=60, interval=1, what="both pets replicas serving")
    split = await _split(http, engine, sequential=40, concurrent=300)
    print("\nrequest split (sequential 40, concurrent 300):", json.dumps(split))
    for name, (seq, conc) in split.items():
        assert seq + conc > 0, (name, split)
    assert sum(seq for seq, _ in split.values()) == 40, split
    assert sum(conc for _, conc in split.values()) == 300, split

    # Records: every one COMPLETED, and both workers processed some (the group shares the
    # topic's partitions between them once it has rebalanced).
    token = engine.token()
    ids: list[str] = []

    async def both_process() -> bool:
        ids.extend(await _submit_records(http, engine, token, pets=6, each=2))
        await _all_completed(http, engine, token, ids)
        return all(_completed_by(engine, worker) & set(ids) for worker in workers)

    await until(both_process, within=120, interval=1, what="records processed by both workers")
    done = {worker: len(_completed_by(engine, worker) & set(ids)) for worker in workers}
    print("records completed per worker:", json.dumps(done))
    assert sum(done.values()) >= len(ids), done  # none lost (redeliveries may count twice)


@pytest.mark.timeout(300)
async def test_a_worker_restart_mid_stream_loses_no_record(
    engine: Engine, http: aiohttp.ClientSession
) -> None:
    token = engine.token()
    ids = await _submit_records(http, engine, token, pets=10, each=4)
    engine.restart("records-worker")
    await _all_completed(http, engine, token, ids, within=180)


@pytest.mark.timeout(180)
async def test_chaos_stops_and_starts_a_part_through_the_engine_api(engine: Engine) -> None:
    stopped = engine.chaos("stop", "redis")
    assert stopped.returncode == 0, stopped.stderr
    assert "stop: " in stopped.stdout, stopped.stdout
    status = engine.chaos("status", "redis", "--json")
    assert status.returncode == 0, status.stderr
    assert [row["state"] for row in json.loads(status.stdout)["parts"]] != ["up"], status.stdout
    await until(
        lambda: _ready(engine) == 503, within=60, interval=1, what="/readyz 503 without Redis"
    )
    started = engine.chaos("start", "redis")
    assert started.returncode == 0, started.stderr
    await until(lambda: _ready(engine) == 200, within=90, interval=1, what="/readyz 200 again")


def _ready(engine: Engine) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(engine.gateway + "/readyz", timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


async def _submit_records(
    http: aiohttp.ClientSession, engine: Engine, token: str, *, pets: int, each: int
) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    for _ in range(pets):
        pet = {"name": "Rex", "species": "DOG"}
        async with http.post(engine.gateway + "/v1/pets", json=pet, headers=headers) as reply:
            assert reply.status == 201, await reply.text()
            pet_id = (await reply.json())["id"]
        for _ in range(each):
            url = f"{engine.gateway}/v1/pets/{pet_id}/medical-records"
            async with http.post(url, json=VACCINATION, headers=headers) as reply:
                assert reply.status == 202, await reply.text()
                ids.append((await reply.json())["id"])
    return ids


async def _all_completed(
    http: aiohttp.ClientSession, engine: Engine, token: str, ids: list[str], within: float = 60
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    pending = set(ids)
    deadline = time.monotonic() + within
    while pending:
        for record in sorted(pending):
            url = f"{engine.gateway}/v1/medical-records/{record}/status"
            async with http.get(url, headers=headers) as reply:
                assert reply.status == 200, await reply.text()
                status = (await reply.json())["status"]
            assert status in ("PROCESSING", "COMPLETED"), (record, status)
            if status == "COMPLETED":
                pending.discard(record)
        if pending:
            assert time.monotonic() < deadline, f"{len(pending)} of {len(ids)} never COMPLETED"
            await asyncio.sleep(0.5)


def _completed_by(engine: Engine, worker: str) -> set[str]:
    """Record ids the worker's log says it completed."""
    found = set()
    for line in engine.logs(worker).splitlines():
        if "record completed" in line:
            match = re.search(r'"recordId":\s*"([^"]+)"', line)
            if match:
                found.add(match.group(1))
    return found
