"""The petstore command: tokens it mints verify; unreachable targets fail cleanly."""

import subprocess
import sys

import pytest

from petstore_cli.__main__ import main
from petstore_cli.embedded import free_port
from service_kit.auth import TokenVerifier
from service_kit.settings import DEV_JWT_SECRET


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
