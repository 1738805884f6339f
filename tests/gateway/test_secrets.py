"""The gateway and the pets service, started as real processes, refuse the published dev
secret and any secret under 32 bytes unless PETSTORE_DEV_MODE=true; `make run` and the
compose file run in dev mode and say so."""

import asyncio

import aiohttp
import pytest
import yaml

from petstore_cli.embedded import free_port
from petstore_cli.plan import make_plan
from service_kit.settings import DEV_JWT_SECRET
from tests.deploy.composefile import environment, interpolated, published_ports
from tests.deploy.repo import ROOT
from tests.procs import run_to_exit, service

MODULES = ["gateway", "pets_service"]
WEAK = [DEV_JWT_SECRET, "x" * 31, "\u00e9" * 15]  # the last: 30 bytes in UTF-8


def _env(secret: str, **extra: str) -> dict[str, str]:
    return {
        "PETSTORE_JWT_SECRET": secret,
        "GATEWAY_PORT": str(free_port()),
        "GATEWAY_METRICS_PORT": str(free_port()),
        "PETS_SERVICE_PORT": str(free_port()),
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "PETSTORE_DEV_MODE": "false",
        **extra,
    }


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("secret", WEAK, ids=["dev-default", "31-bytes", "30-utf8-bytes"])
async def test_a_weak_secret_stops_the_service(module: str, secret: str) -> None:
    code, stderr = await run_to_exit(module, _env(secret))
    assert code == 2
    assert "refusing to start" in stderr
    assert "PETSTORE_JWT_SECRET" in stderr
    assert secret not in stderr  # the message names the problem, never the secret


@pytest.mark.parametrize("module", MODULES)
async def test_dev_mode_accepts_the_dev_secret_and_says_so(
    module: str, redis_url: str, key_prefix: str
) -> None:
    env = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": key_prefix}
    env |= {"PETSTORE_JWT_SECRET": DEV_JWT_SECRET, "PETSTORE_DEV_MODE": "true"}
    env["KAFKA_BOOTSTRAP_SERVERS"] = f"127.0.0.1:{free_port()}"
    async with service(module, env) as running:
        async with aiohttp.ClientSession() as http, http.get(running.url + "/healthz") as resp:
            assert resp.status == 200
        await asyncio.sleep(0.1)
        assert "accepted in dev mode" in running.logs()


async def test_a_strong_secret_starts_without_dev_mode(redis_url: str) -> None:
    env = {"REDIS_URL": redis_url, "PETSTORE_DEV_MODE": "false"}
    env["PETSTORE_JWT_SECRET"] = "s" * 32
    async with service("gateway", env) as running:
        assert "dev mode" not in running.logs()


def test_make_run_and_compose_run_in_dev_mode_on_loopback() -> None:
    assert make_plan({}, free_ports=True).env["PETSTORE_DEV_MODE"] == "true"
    compose = yaml.safe_load(interpolated((ROOT / "docker-compose.yml").read_text()))
    for name in ("gateway", "pets-service"):
        assert environment(compose["services"][name])["PETSTORE_DEV_MODE"] == "true"
    for name, entry in compose["services"].items():
        for host_ip, _, target in published_ports(entry):
            assert host_ip == "127.0.0.1", name
            assert target != 9464, "the metrics port is published"
