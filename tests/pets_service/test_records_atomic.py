"""A 202 is never forgotten: the record enters the republisher's processing set in the same
atomic write as its status, so Redis failing after the broker's acknowledgement loses nothing."""

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient, TestServer

from pets_service.app import create_app
from petstore_cli.embedded import Server, free_port, kafka_server
from tests.pets_service.helpers import create_pet
from tests.records_worker.intake import pets_settings, vaccination_body
from tests.support import wait_until


class Cable:
    """A TCP relay to Redis that the test can cut: every connection through it is dropped,
    and new ones are closed at once, so no command sent after the cut reaches Redis."""

    def __init__(self, target_port: int) -> None:
        self._target = target_port
        self._cut = False
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._cut:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._target)
        self._writers |= {writer, up_writer}
        pumps = [
            asyncio.create_task(self._pump(reader, up_writer)),
            asyncio.create_task(self._pump(up_reader, writer)),
        ]
        self._tasks.update(pumps)
        await asyncio.gather(*pumps, return_exceptions=True)

    def cut(self) -> None:
        self._cut = True
        for writer in self._writers:
            writer.transport.abort()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator["Cable"]:
        server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            self.cut()
            server.close()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)


@pytest.fixture
def broker() -> Iterator[Server]:
    server = kafka_server(free_port()).start()
    yield server
    server.stop()


def signal_to(server: Server, signum: signal.Signals) -> None:
    assert server.proc is not None
    os.kill(server.proc.pid, signum)


async def test_redis_failing_after_the_broker_acknowledged_still_leaves_the_record_covered(
    broker: Server,
    redis_url: str,
    redis_client: aioredis.Redis,
    key_prefix: str,
    rw: dict[str, str],
) -> None:
    target = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    async with Cable(target).running() as cable:
        settings = pets_settings(
            f"redis://127.0.0.1:{cable.port}/0",
            key_prefix,
            f"127.0.0.1:{broker.port}",
            redis_timeout_ms=300,
        )
        async with TestClient(TestServer(create_app(settings))) as api:
            pet = await create_pet(api, rw)
            path = f"/v1/pets/{pet['id']}/medical-records"
            # A first record connects the producer and creates the topic.
            assert (await api.post(path, json=vaccination_body(), headers=rw)).status == 202

            signal_to(broker, signal.SIGSTOP)  # the next record waits for its acknowledgement
            try:
                posting = asyncio.create_task(api.post(path, json=vaccination_body(), headers=rw))

                async def accepted() -> int:
                    match = f"{key_prefix}medical-record:*"
                    return len([key async for key in redis_client.scan_iter(match=match)])

                await wait_until(accepted, lambda count: count == 2)
                cable.cut()  # Redis becomes unreachable before the broker acknowledges it
            finally:
                signal_to(broker, signal.SIGCONT)
            resp = await asyncio.wait_for(posting, 10)
            assert resp.status == 202, await resp.text()
            record_id = (await resp.json())["id"]

    # The republisher will publish it again should the worker never finish it.
    score = await redis_client.zscore(f"{key_prefix}medical-records:processing", record_id)
    assert score is not None, "a 202 record is missing from the processing set"
    status = await redis_client.hget(f"{key_prefix}medical-record:{record_id}", "status")
    assert status == b"PROCESSING"
