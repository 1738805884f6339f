"""The petstore command: tokens it mints verify; unreachable targets fail cleanly."""

import asyncio
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from petstore_cli.__main__ import main
from petstore_cli.embedded import free_port
from petstore_cli.plan import endpoints
from service_kit.auth import TokenVerifier
from service_kit.settings import DEV_JWT_SECRET
from weather_stub.app import create_app as create_weather


def test_token_mints_a_verifiable_jwt(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--sub", "carol", "--scope", "admin", "--ttl", "120"]) == 0
    token = capsys.readouterr().out.strip()
    principal = TokenVerifier(DEV_JWT_SECRET).verify(token)
    assert principal.sub == "carol"
    assert principal.scopes == frozenset({"admin"})


def test_token_default_scopes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--secret", "x" * 40]) == 0
    principal = TokenVerifier("x" * 40).verify(capsys.readouterr().out.strip())
    assert principal.scopes == frozenset({"read:pets", "write:pets"})


@pytest.mark.parametrize(
    "argv",
    [
        ["maintenance", "status", "--gateway", "http://127.0.0.1:{port}"],
        ["tour", "--gateway", "http://127.0.0.1:{port}"],
        ["chaos", "stop", "gateway"],
    ],
)
def test_unreachable_targets_fail_without_traceback(argv: list[str]) -> None:
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "petstore_cli", *[a.format(port=port) for a in argv]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "DOCKER_HOST": f"tcp://127.0.0.1:{port}"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("petstore ")


def test_endpoints_follow_the_port_variables_of_petstore_run() -> None:
    found = endpoints(
        {
            "GATEWAY_PORT": "18080",
            "WEATHER_STUB_PORT": "18082",
            "RECOMMENDATIONS_STUB_PORT": "18083",
        }
    )
    assert found.gateway == "http://localhost:18080"
    assert found.weather == "http://127.0.0.1:18082"
    assert found.recommendations == "http://127.0.0.1:18083"
    assert found.secret == DEV_JWT_SECRET  # from suite.env, as `petstore run` reads it


def test_explicit_urls_and_secret_win() -> None:
    found = endpoints(
        {
            "GATEWAY_PORT": "18080",
            "GATEWAY_URL": "http://gw.example:9000/",
            "WEATHER_URL": "http://weather.example:9001",
            "RECOMMENDATIONS_URL": "http://recs.example:9002",
            "PETSTORE_JWT_SECRET": "s" * 40,
        }
    )
    assert found.gateway == "http://gw.example:9000"
    assert found.weather == "http://weather.example:9001"
    assert found.recommendations == "http://recs.example:9002"
    assert found.secret == "s" * 40


def test_defaults_are_the_documented_ports() -> None:
    found = endpoints({})
    assert (found.gateway, found.weather, found.recommendations) == (
        "http://localhost:8080",
        "http://127.0.0.1:8082",
        "http://127.0.0.1:8083",
    )


async def test_fault_set_reaches_the_stub_on_its_port_variable() -> None:
    port = free_port()
    async with TestServer(create_weather(), port=port) as server:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "petstore_cli",
            "fault",
            "set",
            "weather",
            "error",
            "--status",
            "503",
            env={"PATH": "/usr/bin:/bin", "WEATHER_STUB_PORT": str(port)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        assert f"127.0.0.1:{port}" in out.decode()
        async with (
            aiohttp.ClientSession() as http,
            http.get(server.make_url("/admin/faults")) as resp,
        ):
            state = await resp.json()
        assert state["fault"]["mode"] == "error"
        assert state["fault"]["status"] == 503


def test_a_bad_port_variable_is_a_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "petstore_cli", "fault", "show"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "WEATHER_STUB_PORT": "eighty"},
    )
    assert result.returncode == 1
    assert "WEATHER_STUB_PORT must be a port number" in result.stderr
    assert "Traceback" not in result.stderr


def test_chaos_with_no_suite_anywhere_says_where_it_looked(tmp_path: Path) -> None:
    socket = tmp_path / "control.sock"
    result = subprocess.run(
        [sys.executable, "-m", "petstore_cli", "chaos", "status"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "DOCKER_HOST": f"tcp://127.0.0.1:{free_port()}",
            "PETSTORE_CONTROL_SOCKET": str(socket),
        },
    )
    assert result.returncode == 1
    assert f"no local suite answers at {socket}" in result.stderr
    assert "the Docker engine is not reachable" in result.stderr
