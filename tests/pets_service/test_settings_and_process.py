"""Settings from the environment, and the `pets-service` command as a real process."""

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import orjson
import pytest

from pets_service.settings import Settings
from petstore_cli.embedded import free_port
from service_kit.settings import DEV_JWT_SECRET, SettingsError
from tests.pets_service.helpers import bearer
from tests.support import TokenFactory, status_of, wait_until


def test_defaults_follow_the_documented_configuration() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.bind_host == "127.0.0.1"
    assert settings.port == 8081
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.redis_key_prefix == "petstore:"
    assert settings.redis_timeout_ms == 500
    assert settings.jwt_secret == DEV_JWT_SECRET
    assert settings.problem_base_url == "http://localhost:8080/problems/"
    assert settings.max_body_bytes == 65536
    assert settings.log_level == "INFO"
    assert settings.shutdown_timeout == 10.0


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "BIND_HOST": "0.0.0.0",
            "PETS_SERVICE_PORT": "9001",
            "REDIS_URL": "redis://redis:6379/2",
            "REDIS_KEY_PREFIX": "x:",
            "REDIS_TIMEOUT_MS": "250",
            "PETSTORE_JWT_SECRET": "s3cret",
            "PROBLEM_BASE_URL": "https://api.example/problems/",
            "MAX_BODY_BYTES": "1024",
            "LOG_LEVEL": "DEBUG",
            "SHUTDOWN_TIMEOUT_SECONDS": "2.5",
        }
    )
    assert settings == Settings(
        bind_host="0.0.0.0",
        port=9001,
        redis_url="redis://redis:6379/2",
        redis_key_prefix="x:",
        redis_timeout_ms=250,
        jwt_secret="s3cret",
        problem_base_url="https://api.example/problems/",
        max_body_bytes=1024,
        log_level="DEBUG",
        shutdown_timeout=2.5,
    )
    assert settings.redis_timeout == 0.25


@pytest.mark.parametrize(
    ("name", "value"),
    [("PETS_SERVICE_PORT", "http"), ("REDIS_TIMEOUT_MS", "0"), ("MAX_BODY_BYTES", "-5")],
)
def test_bad_values_are_refused_at_start_up(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


async def test_the_command_serves_logs_json_and_stops_on_sigterm(
    redis_url: str, key_prefix: str, token: TokenFactory
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PETS_SERVICE_PORT": str(port),
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        # Nothing listens there: the service must serve pets whatever its broker does.
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
    }
    env.pop("PETSTORE_JWT_SECRET", None)  # the dev default: a warning at start-up in dev mode
    env["PETSTORE_DEV_MODE"] = "true"
    command = Path(sys.executable).parent / "pets-service"
    proc = await asyncio.create_subprocess_exec(
        str(command), env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    headers = bearer(token("read:pets", "write:pets", secret=DEV_JWT_SECRET))
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            await wait_until(
                lambda: status_of(session, f"{base}/readyz"),
                lambda status: status == 200,
                within=15,
                what="the service ready",
            )
            payload = {"name": "Proc", "species": "FISH"}
            async with session.post(f"{base}/v1/pets", json=payload, headers=headers) as resp:
                assert resp.status == 201
                location = resp.headers["Location"]
            async with session.get(base + location, headers=headers) as resp:
                assert resp.status == 200
                assert (await resp.json())["name"] == "Proc"
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode == 0
    lines = [orjson.loads(line) for line in stderr.splitlines() if line.strip()]
    assert all(line["service"] == "pets-service" for line in lines)
    assert any(
        line["level"] == "warning" and "PETSTORE_JWT_SECRET" in line["msg"] for line in lines
    )
