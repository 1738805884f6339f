"""docker-compose.yml on podman: podman-compose, services up in dependency order, health waited."""

import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent / "podman"
STAND_INS = HERE / "stand-ins.yml"
CACHE = Path(
    os.environ.get("PETSTORE_COMPOSE_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "petstore-compose"
)
LABEL = "com.docker.compose.project"


class PodmanError(Exception):
    """A step of the podman path failed: a message for the user."""


def setup(env: dict[str, str]) -> dict[str, str]:
    """deploy/podman/setup.sh (packages, configuration, base image, stand-ins): its exports."""
    done = subprocess.run(
        ["bash", str(HERE / "setup.sh")], env=env, stdout=subprocess.PIPE, text=True
    )
    if done.returncode:
        raise PodmanError("deploy/podman/setup.sh failed")
    found = dict(env)
    for line in done.stdout.splitlines():
        if line.startswith("export "):
            key, _, value = line.removeprefix("export ").partition("=")
            found[key] = " ".join(shlex.split(value))
    return found


def podman(*args: str, env: Mapping[str, str], check: bool = True) -> str:
    done = subprocess.run(["podman", *args], env=env, capture_output=True, text=True)
    if check and done.returncode:
        raise PodmanError(f"podman {' '.join(args)}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def compose_argv(project: str, files: Sequence[Path], env: Mapping[str, str]) -> list[str]:
    tool = Path(sys.executable).with_name("podman-compose")
    argv = [str(tool), "-p", project]
    for path in [*files[:1], STAND_INS, *files[1:]]:
        argv += ["-f", str(path)]
    build_args = env.get("PETSTORE_PODMAN_BUILD_ARGS", "")
    return argv + ([f"--podman-build-args={build_args}"] if build_args else [])


def start_order(services: Mapping[str, Any]) -> list[str]:
    """Every service after those it depends on (docker-compose.yml's depends_on); those of a
    profile (tracing's jaeger) are left out, as compose leaves them out without --profile."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for dep in services[name].get("depends_on") or {}:
            visit(dep)
        order.append(name)

    for name, entry in services.items():
        if not entry.get("profiles"):
            visit(name)
    return order


def containers(project: str, service: str, env: Mapping[str, str]) -> list[str]:
    out = podman(
        "ps", "-a", "--filter", f"label={LABEL}={project}",
        "--filter", f"label=com.docker.compose.service={service}",
        "--format", "{{.Names}}", env=env,
    )  # fmt: skip
    return sorted(out.split())


def seconds(duration: str) -> float:
    """A compose duration ("1m30s", "15s", "500ms") in seconds."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return sum(float(n) * units[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration))


def wait_healthy(name: str, check: Mapping[str, Any], env: Mapping[str, str]) -> None:
    """The compose healthcheck, run in the container until it passes (podman runs it on demand:
    without systemd nothing schedules it)."""
    interval = seconds(check.get("interval", "5s"))
    budget = seconds(check.get("start_period", "0s")) + interval * int(check.get("retries", 3))
    deadline = time.monotonic() + budget + 10
    while subprocess.run(
        ["podman", "healthcheck", "run", name], env=env, capture_output=True
    ).returncode:
        status = podman("inspect", "--format", "{{.State.Status}}", name, env=env).strip()
        if time.monotonic() > deadline or status in ("exited", "dead"):
            logs = podman("logs", "--tail", "20", name, env=env, check=False)
            raise PodmanError(f"{name} did not turn healthy ({status}):\n{logs}")
        time.sleep(1)


def wait_exited(name: str, env: Mapping[str, str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        state = podman(
            "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name, env=env
        )
        if state.split()[0] == "exited":
            if state.split()[1] != "0":
                raise PodmanError(f"{name} exited with {state.split()[1]}")
            return
        if time.monotonic() > deadline:
            raise PodmanError(f"{name} did not finish within {timeout:.0f} s")
        time.sleep(0.5)


def up(project: str, files: Sequence[Path], scale: Mapping[str, int], env: dict[str, str]) -> str:
    """The stack up and healthy; the Docker-compatible API's DOCKER_HOST."""
    env = setup(env)
    env["BUILDAH_FORMAT"] = "docker"  # keeps the images' HEALTHCHECK, as Docker's builds do
    argv = compose_argv(project, files, env)
    print("compose-up: building the images (cached layers are reused)", file=sys.stderr)
    # Three tries: a build fetches its packages over the network, which can drop a request.
    if not any(
        subprocess.run([*argv, "build"], env=env, stdout=subprocess.DEVNULL).returncode == 0
        for _ in range(3)
    ):
        raise PodmanError("podman-compose build failed three times")
    services = yaml.safe_load(files[0].read_text())["services"]
    for name in start_order(services):
        more = ["--scale", f"{name}={scale[name]}"] if name in scale else []
        done = subprocess.run(
            [*argv, "up", "-d", "--no-build", "--no-deps", *more, name],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        if done.returncode:
            raise PodmanError(f"podman-compose up {name}: {done.stderr.strip()[-2000:]}")
        for container in containers(project, name, env):
            if services[name].get("restart") == "no":
                wait_exited(container, env)
            elif services[name].get("healthcheck"):
                wait_healthy(container, services[name]["healthcheck"], env)
        print(
            f"compose-up: {name} {'done' if services[name].get('restart') == 'no' else 'healthy'}",
            file=sys.stderr,
        )
    from deploy.podman_api import start_api

    return start_api(project, env)


def down(project: str, files: Sequence[Path], env: dict[str, str]) -> None:
    """podman-compose down -v, then whatever of the project is left (containers, networks,
    volumes), and the API service."""
    from deploy.podman_api import stop_api

    stop_api(project)
    if subprocess.run(["podman", "--version"], capture_output=True).returncode:
        return
    env["CONTAINERS_CONF"] = env.get("CONTAINERS_CONF") or str(CACHE / "containers.conf")
    argv = compose_argv(project, files, env)
    subprocess.run(
        [*argv, "down", "-v"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    label = f"label={LABEL}={project}"
    for kind in ("container", "network", "volume"):
        listed = podman(
            kind, "ls", *(["-a"] if kind == "container" else []), "--filter", label, "-q", env=env
        )
        if listed.split():
            podman(kind, "rm", "-f", *listed.split(), env=env)
