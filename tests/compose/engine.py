"""The running compose stack as the container test sees it: its containers, their health,
logs and counters, through the engine's own CLI (docker, or podman)."""

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from typing import Any

from deploy.podman_stack import CACHE
from deploy.stack import Stack, restart, up
from service_kit.auth import mint_token

PROJECT_LABEL = "com.docker.compose.project"


@dataclass
class Engine:
    state: dict[str, Any]

    @property
    def project(self) -> str:
        return str(self.state["project"])

    @property
    def podman(self) -> bool:
        return bool(self.state["engine"] == "podman")

    @property
    def gateway(self) -> str:
        return str(self.state["gateway"])

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.podman:
            env["CONTAINERS_CONF"] = str(CACHE / "containers.conf")
        if self.state.get("dockerHost"):
            env["DOCKER_HOST"] = str(self.state["dockerHost"])
        return env

    def cli(self, *args: str, check: bool = True) -> str:
        tool = "podman" if self.podman else "docker"
        done = subprocess.run([tool, *args], env=self.env(), capture_output=True, text=True)
        if check and done.returncode:
            raise AssertionError(f"{tool} {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def containers(self, service: str | None = None, *, running: bool = True) -> list[str]:
        filters = ["--filter", f"label={PROJECT_LABEL}={self.project}"]
        if service:
            filters += ["--filter", f"label=com.docker.compose.service={service}"]
        listed = self.cli("ps", *([] if running else ["-a"]), *filters, "--format", "{{.Names}}")
        return sorted(listed.split())

    def health(self, container: str) -> str:
        """The container's health status; podman runs the check first (without systemd,
        nothing schedules podman's healthchecks)."""
        if self.podman:
            self.cli("healthcheck", "run", container, check=False)
        return self.cli("inspect", "--format", "{{.State.Health.Status}}", container).strip()

    def logs(self, container: str) -> str:
        done = subprocess.run(
            ["podman" if self.podman else "docker", "logs", container],
            env=self.env(),
            capture_output=True,
            text=True,
        )
        return done.stdout + done.stderr

    def requests_served(self, container: str) -> float:
        """The pets replica's own request counter (its /metrics, read inside the container)."""
        script = (
            "import urllib.request; print(urllib.request.urlopen("
            "'http://127.0.0.1:8081/metrics', timeout=5).read().decode())"
        )
        text = self.cli("exec", container, "python", "-c", script)
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("http_requests_total{") and "/v1/" in line
        )

    def scale(self, replicas: dict[str, int]) -> None:
        up(self.stack(), replicas)

    def restart(self, service: str) -> None:
        restart(self.stack(), service)

    def stack(self) -> Stack:
        return Stack.from_env()

    def chaos(self, *args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "petstore_cli", "chaos", *args]
        argv += ["--target", "compose", "--project", self.project]
        return subprocess.run(argv, env=self.env(), capture_output=True, text=True, timeout=60)

    def token(self) -> str:
        secret = str(self.state["env"]["PETSTORE_JWT_SECRET"])
        sub = f"compose-{uuid.uuid4().hex[:12]}"
        return mint_token(secret, sub=sub, scopes=["read:pets", "write:pets"])
