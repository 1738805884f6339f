"""`petstore run` keeps the suite up and `petstore chaos` takes parts down, as a user would.

One launched suite for the module; the tests run in order and the last one stops it.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from service_kit.medical_records import F_EFFECTS, F_PET_ID, F_STATUS, record_key
from tests.e2e.harness import RunningSuite, pid_alive, ports_free, start_suite

RECORDS = 300
KILL_AFTER = 100
PREFIX = "petstore:"  # REDIS_KEY_PREFIX in launched.env
RECORD = {"type": "VACCINATION", "date": "2026-01-15", "vaccine": "RABIES"}

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def launched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = start_suite(tmp_path_factory.mktemp("chaos"))
    yield running
    running.stop()


def chaos(launched: RunningSuite, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "petstore_cli", "chaos", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
        env={**os.environ, "PETSTORE_CONTROL_SOCKET": launched.state["control"]},
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def status(launched: RunningSuite) -> dict[str, dict[str, Any]]:
    return {row["part"]: row for row in chaos(launched, "status")["parts"]}


async def until_status(
    http: aiohttp.ClientSession, url: str, want: int, token: str, within: float = 30.0
) -> aiohttp.ClientResponse:
    deadline = time.monotonic() + within
    while True:
        async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as resp:
            await resp.read()
            if resp.status == want or time.monotonic() > deadline:
                return resp
        await asyncio.sleep(0.2)


def wait_for_output(launched: RunningSuite, text: str, within: float) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        out = launched.output.read_text()
        if text in out:
            return out
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in the launcher's output:\n{out[-3000:]}")


async def create_pet(http: aiohttp.ClientSession, launched: RunningSuite) -> str:
    auth = {"Authorization": f"Bearer {launched.rw_token}"}
    body = {"name": "Chaos Rex", "species": "DOG"}
    async with http.post(launched.gateway + "/v1/pets", json=body, headers=auth) as resp:
        assert resp.status == 201
        pet: dict[str, Any] = await resp.json()
    return str(pet["id"])


async def test_worker_killed_mid_stream_every_record_completes_once(launched: RunningSuite) -> None:
    worker = status(launched)["records-worker"]
    auth = {"Authorization": f"Bearer {launched.rw_token}"}
    async with aiohttp.ClientSession() as http:
        pid = await create_pet(http, launched)
        url = f"{launched.gateway}/v1/pets/{pid}/medical-records"
        sem = asyncio.Semaphore(20)
        accepted: list[str] = []

        async def post() -> None:
            async with sem, http.post(url, json=RECORD, headers=auth) as resp:
                assert resp.status == 202, await resp.text()
                accepted.append(str((await resp.json())["id"]))
                if len(accepted) == KILL_AFTER:
                    os.kill(worker["pid"], signal.SIGKILL)  # as `kill -9` would

        await asyncio.gather(*(post() for _ in range(RECORDS)))
    assert len(set(accepted)) == RECORDS
    redis = aioredis.Redis.from_url(launched.state["env"]["REDIS_URL"], socket_timeout=2)
    try:
        deadline = time.monotonic() + 120
        while True:
            pipe = redis.pipeline(transaction=False)
            for record_id in accepted:
                pipe.hmget(record_key(PREFIX, record_id), [F_STATUS, F_EFFECTS])
            rows = await pipe.execute()
            done = [row for row in rows if row[0] == b"COMPLETED"]
            if len(done) == RECORDS or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    finally:
        await redis.aclose()
    assert len(done) == RECORDS, f"{len(done)} of {RECORDS} COMPLETED"
    assert all(int(row[1]) == 1 for row in rows), "a record had more or less than one effect"
    again = status(launched)["records-worker"]
    assert again["state"] == "up"
    assert again["pid"] != worker["pid"]
    assert again["restarts"] == worker["restarts"] + 1
    assert "records-worker was killed by SIGKILL" in launched.output.read_text()


async def test_chaos_stop_redis_is_503_then_start_is_200(launched: RunningSuite) -> None:
    before = status(launched)
    async with aiohttp.ClientSession() as http:
        pet = f"{launched.gateway}/v1/pets/{await create_pet(http, launched)}"
        assert "stopped redis" in chaos(launched, "stop", "redis")["message"]
        assert status(launched)["redis"]["state"] == "stopped"
        down = await until_status(http, pet, 503, launched.rw_token)
        assert down.status == 503
        assert int(down.headers["Retry-After"]) >= 1
        assert down.content_type == "application/problem+json"
        chaos(launched, "start", "redis")
        back = await until_status(http, pet, 200, launched.rw_token)
        assert back.status == 200  # the pet too: a stopped Redis saved its data
    after = status(launched)
    assert after["redis"]["state"] == "up"
    for name, row in before.items():
        if name != "redis":
            assert (after[name]["pid"], after[name]["restarts"]) == (row["pid"], row["restarts"])


async def records_of(launched: RunningSuite, pet_id: str) -> list[dict[bytes | str, bytes | str]]:
    """Every medical-record entry in Redis that belongs to ``pet_id``."""
    redis = aioredis.Redis.from_url(launched.state["env"]["REDIS_URL"], socket_timeout=2)
    try:
        keys = [k async for k in redis.scan_iter(match=record_key(PREFIX, "*"), count=1000)]
        entries = [await redis.hgetall(key) for key in keys]
    finally:
        await redis.aclose()
    return [e for e in entries if e.get(F_PET_ID.encode()) == pet_id.encode()]


async def test_chaos_stop_kafka_is_503_with_nothing_kept_then_202_completes(
    launched: RunningSuite,
) -> None:
    before = status(launched)
    auth = {"Authorization": f"Bearer {launched.rw_token}"}
    async with aiohttp.ClientSession() as http:
        pet_id = await create_pet(http, launched)
        url = f"{launched.gateway}/v1/pets/{pet_id}/medical-records"
        chaos(launched, "stop", "kafka")
        try:
            async with http.post(url, json=RECORD, headers=auth) as resp:
                assert resp.status == 503
                assert int(resp.headers["Retry-After"]) >= 1
            assert await records_of(launched, pet_id) == []  # no 202, no record: nothing kept
        finally:
            chaos(launched, "start", "kafka")
        deadline = time.monotonic() + 30
        while True:
            async with http.post(url, json=RECORD, headers=auth) as resp:
                if resp.status == 202 or time.monotonic() > deadline:
                    break
            await asyncio.sleep(0.5)
        assert resp.status == 202
        status_url = launched.gateway + resp.headers["Location"]
        deadline = time.monotonic() + 60
        while True:
            async with http.get(status_url, headers=auth) as answer:
                final = (await answer.json())["status"]
            if final != "PROCESSING" or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    assert final == "COMPLETED"
    assert len(await records_of(launched, pet_id)) == 1
    after = status(launched)
    for name, row in before.items():
        if name != "kafka":
            assert (after[name]["pid"], after[name]["restarts"]) == (row["pid"], row["restarts"])


def test_a_part_that_always_crashes_is_given_up_while_the_rest_serve(
    launched: RunningSuite,
) -> None:
    port = int(launched.url("weather-stub").rsplit(":", 1)[1])
    chaos(launched, "kill", "weather-stub")
    with socket.socket() as squatter:  # something else takes its port: every restart fails
        deadline = time.monotonic() + 10
        while True:
            try:
                squatter.bind(("127.0.0.1", port))
                break
            except OSError:
                assert time.monotonic() < deadline, "the killed stub kept its port"
                time.sleep(0.02)
        squatter.listen()
        out = wait_for_output(launched, "weather-stub exited with code 1 and crashed 5 times", 90)
        assert "giving up on it, the rest keep running" in out
        assert "address already in use" in out
        assert status(launched)["weather-stub"]["state"] == "given up"
        listing = urllib.request.Request(
            launched.gateway + "/v1/pets", headers={"Authorization": f"Bearer {launched.rw_token}"}
        )
        with urllib.request.urlopen(listing, timeout=10) as resp:
            assert resp.status == 200
    assert "started weather-stub" in chaos(launched, "start", "weather-stub")["message"]
    assert status(launched)["weather-stub"]["state"] == "up"


def test_ctrl_c_leaves_no_process_and_every_port_free(launched: RunningSuite) -> None:
    pids, ports = launched.every_pid(), launched.ports()
    assert len(ports) == 7
    assert launched.proc is not None
    launched.proc.send_signal(signal.SIGINT)
    assert launched.proc.wait(60) == 0
    assert "stopped." in launched.output.read_text()
    assert [pid for pid in pids if pid_alive(pid)] == []
    assert ports_free(ports)
    assert not Path(launched.state["control"]).exists()
