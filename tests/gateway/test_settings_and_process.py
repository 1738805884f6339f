"""Settings from the environment, and the `gateway` command as a real process."""

import asyncio
import os
import signal
import sys

import aiohttp
import pytest
import redis.asyncio as aioredis

from gateway.settings import Settings
from petstore_cli.embedded import free_port
from service_kit.auth import mint_token
from service_kit.settings import DEV_JWT_SECRET, SettingsError
from tests.support import status_of, wait_until


def test_defaults_match_configuration_doc() -> None:
    s = Settings.from_env({})
    assert (s.port, s.bind_host, s.pets_service_url) == (8080, "127.0.0.1", "http://127.0.0.1:8081")
    assert (s.weather_url, s.recommendations_url) == (
        "http://127.0.0.1:8082",
        "http://127.0.0.1:8083",
    )
    assert (s.pets_timeout_ms, s.weather_timeout_ms, s.recommendations_timeout_ms) == (
        5000,
        2000,
        1000,
    )
    assert (s.rate_limit, s.rate_limit_window_seconds, s.rate_limit_fail_mode) == (
        1000,
        3600,
        "open",
    )
    assert s.rate_limit_enabled is True
    assert (s.trusted_proxies, s.max_body_bytes) == ((), 65536)
    assert (s.circuit_failure_threshold, s.circuit_reset_seconds) == (5, 10.0)
    assert (s.redis_url, s.redis_key_prefix, s.redis_timeout_ms) == (
        "redis://127.0.0.1:6379/0",
        "petstore:",
        500,
    )
    assert (s.jwt_secret, s.problem_base_url) == (
        "dev-secret-change-me",
        "http://localhost:8080/problems/",
    )
    assert (s.log_level, s.shutdown_timeout_seconds) == ("INFO", 10.0)


def test_every_variable_is_read() -> None:
    s = Settings.from_env(
        {
            "GATEWAY_PORT": "9000",
            "BIND_HOST": "0.0.0.0",
            "PETS_SERVICE_URL": "http://p:1",
            "WEATHER_URL": "http://w:2",
            "RECOMMENDATIONS_URL": "http://r:3",
            "PETS_TIMEOUT_MS": "100",
            "WEATHER_TIMEOUT_MS": "200",
            "RECOMMENDATIONS_TIMEOUT_MS": "300",
            "RATE_LIMIT": "7",
            "RATE_LIMIT_WINDOW_SECONDS": "60",
            "RATE_LIMIT_FAIL_MODE": "CLOSED",
            "RATE_LIMIT_ENABLED": "false",
            "TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
            "MAX_BODY_BYTES": "10",
            "CIRCUIT_FAILURE_THRESHOLD": "3",
            "CIRCUIT_RESET_SECONDS": "2.5",
            "REDIS_URL": "redis://r:1/2",
            "REDIS_KEY_PREFIX": "x:",
            "REDIS_TIMEOUT_MS": "50",
            "PETSTORE_JWT_SECRET": "s",
            "PROBLEM_BASE_URL": "http://h/p/",
            "LOG_LEVEL": "DEBUG",
            "SHUTDOWN_TIMEOUT_SECONDS": "3",
        }
    )
    assert s == Settings(
        port=9000,
        bind_host="0.0.0.0",
        pets_service_url="http://p:1",
        weather_url="http://w:2",
        recommendations_url="http://r:3",
        pets_timeout_ms=100,
        weather_timeout_ms=200,
        recommendations_timeout_ms=300,
        rate_limit=7,
        rate_limit_window_seconds=60,
        rate_limit_fail_mode="closed",
        rate_limit_enabled=False,
        trusted_proxies=("10.0.0.1", "192.168.0.0/16"),
        max_body_bytes=10,
        circuit_failure_threshold=3,
        circuit_reset_seconds=2.5,
        redis_url="redis://r:1/2",
        redis_key_prefix="x:",
        redis_timeout_ms=50,
        jwt_secret="s",
        problem_base_url="http://h/p/",
        log_level="DEBUG",
        shutdown_timeout_seconds=3.0,
    )


@pytest.mark.parametrize(
    "environ",
    [
        {"RATE_LIMIT_FAIL_MODE": "sometimes"},
        {"TRUSTED_PROXIES": "not-an-ip"},
        {"RATE_LIMIT": "0"},
        {"PETS_TIMEOUT_MS": "soon"},
        {"RATE_LIMIT_ENABLED": "maybe"},
    ],
)
def test_bad_values_fail_at_start(environ: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(environ)


async def test_gateway_command_serves_and_stops_on_sigterm(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "GATEWAY_METRICS_PORT": str(free_port()),
        "PETSTORE_DEV_MODE": "true",  # the dev default secret
        "REDIS_URL": redis_url,
        "PETS_SERVICE_URL": f"http://127.0.0.1:{free_port()}",
        "LOG_LEVEL": "WARNING",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as http:
            health = await wait_until(
                lambda: status_of(http, f"http://127.0.0.1:{port}/healthz"),
                lambda status: status is not None,
                within=15,
                what="the gateway up",
            )
            assert health == 200
            async with http.get(f"http://127.0.0.1:{port}/readyz") as resp:
                assert resp.status == 503  # no pets service there
            # Under uvloop: the rate limiter's Redis client answers, then the proxy maps.
            token = mint_token(DEV_JWT_SECRET, sub="proc", scopes=["read:pets"])
            headers = {"Authorization": f"Bearer {token}"}
            async with http.get(f"http://127.0.0.1:{port}/v1/pets", headers=headers) as resp:
                assert resp.status == 502
                assert resp.headers["X-RateLimit-Remaining"] == "999"
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
        assert proc.stderr is not None
        logs = (await proc.stderr.read()).decode()
        assert "dev default" in logs  # the warning about the documented dev secret
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
