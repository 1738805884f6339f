"""`petstore run` as a user runs it: real child processes, readiness, clean stop."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from petstore_cli.embedded import free_port
from tests.e2e.harness import pid_alive, ports_free, start_suite


@pytest.mark.timeout(300)
def test_run_then_tour_then_stop_leaving_nothing_behind(workdir: Path) -> None:
    suite = start_suite(workdir)
    try:
        port = {name: url.rsplit(":", 1)[1] for name, url in suite.state["services"].items()}
        # The tour finds the suite from the variables `petstore run` uses, not from flags.
        env = {
            "PATH": "/usr/bin:/bin",
            "GATEWAY_PORT": port["gateway"],
            "WEATHER_STUB_PORT": port["weather-stub"],
            "RECOMMENDATIONS_STUB_PORT": port["recommendations-stub"],
            "PETSTORE_JWT_SECRET": suite.state["env"]["PETSTORE_JWT_SECRET"],
            "PETSTORE_CONTROL_SOCKET": suite.state["control"],
        }
        tour = subprocess.run(
            [sys.executable, "-m", "petstore_cli", "tour", "--chaos", "--json"],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
            env=env,
        )
        steps = json.loads(tour.stdout)
        failed = [s for s in steps if not s["ok"]]
        assert not failed, failed
        assert len(steps) >= 55
        assert {"Redis down: 503", "broker down: record 503"} <= {s["name"] for s in steps}
        assert tour.returncode == 0
        for service in suite.state["services"].values():
            with urllib.request.urlopen(service + "/readyz", timeout=5) as resp:
                assert resp.status == 200
    finally:
        code = suite.stop()
    assert code == 0
    out = suite.output.read_text()
    assert "Petstore suite is ready." in out
    assert "export TOKEN=" in out
    assert "stopped." in out
    assert "readiness check failed" not in out
    waiting = [line for line in out.splitlines() if '"msg":"waiting for ' in line]
    said = [(line.split(" | ")[0], line.split('"msg":')[1].split('"')[1]) for line in waiting]
    assert len(said) == len(set(said)), "a dependency was waited for in more than one line"
    for pid in suite.every_pid():
        assert not pid_alive(pid)
    assert ports_free(suite.ports())


def test_taken_port_gives_a_clear_message(workdir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "petstore_cli", "run", "--log-dir", str(workdir)],
            env={
                "PATH": "/usr/bin:/bin",
                "GATEWAY_PORT": str(port),
                "GATEWAY_METRICS_PORT": str(free_port()),
                "PETS_SERVICE_PORT": str(free_port()),
                "WEATHER_STUB_PORT": str(free_port()),
                "RECOMMENDATIONS_STUB_PORT": str(free_port()),
                "RECORDS_WORKER_PORT": str(free_port()),
                "EMBEDDED_REDIS_PORT": str(free_port()),
                "EMBEDDED_KAFKA_PORT": str(free_port()),
            },
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 2
    assert f"port {port} (gateway) is already in use" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_child_that_dies_is_reported(workdir: Path) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "petstore_cli", "run", "--free-ports", "--log-dir", str(workdir)],
        env={"PATH": "/usr/bin:/bin", "RATE_LIMIT": "not-a-number"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "gateway exited with code" in result.stdout
    assert "RATE_LIMIT" in result.stdout  # the tail of its log says why
    assert time.monotonic() - started < 30
