"""A client that disconnects in the middle of its body is ended quietly: no error or
traceback in the log, not counted as a 500 but as 499 (client closed request), in the
gateway and the pets service, run as real processes (the test server cancels handlers
itself, which hides what the real one does) and driven over a raw socket."""

import asyncio

import aiohttp
import orjson

from petstore_cli.embedded import free_port
from service_kit.auth import mint_token
from service_kit.settings import DEV_JWT_SECRET
from tests.procs import Process, service
from tests.rawhttp import RawConnection
from tests.support import wait_until

TOKEN = mint_token(DEV_JWT_SECRET, sub="leaver", scopes=["read:pets", "write:pets"])


async def _half_a_body(port: int) -> None:
    conn = await RawConnection.open("127.0.0.1", port)
    await conn.send(
        b"POST /v1/pets HTTP/1.1\r\nHost: petstore.test\r\nAuthorization: Bearer "
        + TOKEN.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        + b'{"name": "Rex", '
    )
    await asyncio.sleep(0.2)  # the handler is reading the body
    await conn.close()


async def _metrics(url: str, line: str) -> str:
    """The metrics text once ``line`` is in it (the request's end is counted after the close)."""
    async with aiohttp.ClientSession() as http:

        async def text() -> str:
            async with http.get(url) as resp:
                return await resp.text()

        return await wait_until(text, lambda got: line in got, within=5, what=line)


def _loud(running: Process) -> list[dict[str, object]]:
    entries = [orjson.loads(line) for line in running.logs().splitlines() if line.startswith("{")]
    return [e for e in entries if e["level"] in ("warning", "error", "critical") or "exc" in e]


async def test_gateway_ends_it_quietly(redis_url: str, key_prefix: str) -> None:
    env = {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        "PETS_SERVICE_URL": f"http://127.0.0.1:{free_port()}",
    }
    async with service("gateway", env) as gw:
        await _half_a_body(gw.port)
        counted = 'http_requests_total{method="POST",route="/v1/pets",status="499"} 1.0'
        text = await _metrics(f"http://127.0.0.1:{gw.metrics_port}/metrics", counted)
        assert counted in text
        assert 'status="500"' not in text
        loud = [e for e in _loud(gw) if "dev" not in str(e["msg"])]  # the dev-mode notice
        assert loud == []


async def test_pets_service_ends_it_quietly(redis_url: str, key_prefix: str) -> None:
    env = {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
    }
    async with service("pets_service", env) as pets:
        await _half_a_body(pets.port)
        counted = 'http_requests_total{method="POST",route="/v1/pets",status="499"} 1.0'
        text = await _metrics(pets.url + "/metrics", counted)
        assert counted in text
        assert 'status="500"' not in text
        loud = [
            e
            for e in _loud(pets)
            if "dev" not in str(e["msg"]) and not str(e["logger"]).startswith("aiokafka")
        ]
        assert loud == []
