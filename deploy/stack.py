"""The compose stack on this machine: Docker's own compose where an engine answers, else podman."""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploy import podman_stack as podman

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
READY_TIMEOUT = 120.0
PORT_VARS = {
    "gateway": ("PETSTORE_GATEWAY_HOST_PORT", 8080),
    "weather-stub": ("PETSTORE_WEATHER_HOST_PORT", 8082),
    "recommendations-stub": ("PETSTORE_RECOMMENDATIONS_HOST_PORT", 8083),
}


def docker_engine() -> bool:
    """A Docker engine answers (not just a `docker` CLI, nor podman's socket posing as one)."""
    try:
        done = subprocess.run(
            ["docker", "info", "--format", "{{.OperatingSystem}}"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and "podman" not in done.stdout.lower()


@dataclass(frozen=True)
class Stack:
    """One compose project: its name, host ports, extra compose files and engine."""

    project: str = "petstore"
    ports: Mapping[str, int] = field(
        default_factory=lambda: {k: v[1] for k, v in PORT_VARS.items()}
    )
    files: tuple[Path, ...] = ()
    engine: str = "auto"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Stack":
        ports = {name: int(environ.get(var, default)) for name, (var, default) in PORT_VARS.items()}
        files = tuple(Path(f) for f in environ.get("PETSTORE_COMPOSE_FILES", "").split(":") if f)
        return cls(
            project=environ.get("COMPOSE_PROJECT_NAME", "petstore"),
            ports=ports,
            files=files,
            engine=environ.get("PETSTORE_COMPOSE_ENGINE", "auto"),
        )

    @property
    def uses_docker(self) -> bool:
        return self.engine == "docker" or (self.engine == "auto" and docker_engine())

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def environ(self) -> dict[str, str]:
        """The environment compose runs with: the host ports it interpolates."""
        env = dict(os.environ)
        env.update({var: str(self.ports[name]) for name, (var, _) in PORT_VARS.items()})
        return env

    @property
    def state_file(self) -> Path:
        return podman.CACHE / f"{self.project}.state.json"


def _docker_compose(stack: Stack) -> list[str]:
    files = [COMPOSE_FILE, *stack.files]
    return ["docker", "compose", "-p", stack.project, *(a for f in files for a in ("-f", str(f)))]


def wait_ready(url: str, timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer 200 within {timeout:.0f} s")
        time.sleep(0.5)


def up(stack: Stack, scale: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Build, start in dependency order, wait for /readyz; the state file for tools and tests."""
    scale = dict(scale or {})
    files = [COMPOSE_FILE, *stack.files]
    if stack.uses_docker:
        argv = _docker_compose(stack)
        scales = [a for s, n in scale.items() for a in ("--scale", f"{s}={n}")]
        subprocess.run(
            [*argv, "up", "-d", "--build", "--wait", *scales], env=stack.environ(), check=True
        )
        docker_host = os.environ.get("DOCKER_HOST", "")
    else:
        docker_host = podman.up(stack.project, files, scale, stack.environ())
    wait_ready(stack.gateway + "/readyz")
    from deploy.banner import state_of

    state = state_of(stack, "docker" if stack.uses_docker else "podman", docker_host)
    stack.state_file.parent.mkdir(parents=True, exist_ok=True)
    stack.state_file.write_text(json.dumps(state, indent=2))
    return state


def down(stack: Stack) -> None:
    """Containers, networks and volumes removed (and podman's API service stopped)."""
    if stack.uses_docker:
        subprocess.run(
            [*_docker_compose(stack), "down", "-v", "--remove-orphans"],
            env=stack.environ(),
            check=True,
        )
    else:
        podman.down(stack.project, [COMPOSE_FILE, *stack.files], stack.environ())
    stack.state_file.unlink(missing_ok=True)


def restart(stack: Stack, service: str) -> None:
    """`compose restart SERVICE`: every replica stopped (SIGTERM, drained) and started again."""
    files = [COMPOSE_FILE, *stack.files]
    env = stack.environ()
    if stack.uses_docker:
        argv = _docker_compose(stack)
    else:
        env.setdefault("CONTAINERS_CONF", str(podman.CACHE / "containers.conf"))
        argv = podman.compose_argv(stack.project, files, env)
    subprocess.run([*argv, "restart", service], env=env, check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.stack", description=__doc__)
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument("--scale", action="append", default=[], metavar="SERVICE=N")
    args = parser.parse_args(argv)
    stack = Stack.from_env()
    if args.action == "down":
        down(stack)
        print(f"compose-down: project {stack.project} removed (containers, networks, volumes)")
        return 0
    scale = {s.partition("=")[0]: int(s.partition("=")[2]) for s in args.scale}
    try:
        state = up(stack, scale)
    except (subprocess.CalledProcessError, TimeoutError, podman.PodmanError) as exc:
        print(f"compose-up failed: {exc}", file=sys.stderr)
        return 1
    from deploy.banner import print_banner

    print_banner(stack, state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
