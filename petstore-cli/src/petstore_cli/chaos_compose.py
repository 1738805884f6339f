"""`petstore chaos` against a compose deployment, through the Docker SDK."""

from typing import Any


class ChaosError(Exception):
    """The part could not be reached or acted on: a message for the user."""


def _containers(service: str, project: str | None) -> list[Any]:
    import docker
    from docker.errors import DockerException

    labels = [f"com.docker.compose.service={service}"]
    if project:
        labels.append(f"com.docker.compose.project={project}")
    try:
        client = docker.from_env(timeout=10)
        found: list[Any] = client.containers.list(all=True, filters={"label": labels})
    except DockerException as exc:
        raise ChaosError(f"the Docker engine is not reachable ({exc})") from None
    return found


def act(action: str, service: str, project: str | None) -> list[str]:
    """stop, start, kill (SIGKILL: compose's restart policy brings it back) or restart."""
    from docker.errors import DockerException

    containers = _containers(service, project)
    if not containers:
        raise ChaosError(f"no container of compose service {service!r}")
    done = []
    try:
        for container in containers:
            if action == "stop":
                container.stop(timeout=15)
            elif action == "start":
                container.start()
            elif action == "kill":
                container.kill("SIGKILL")
            else:
                container.restart(timeout=15)
            done.append(f"{action}: {container.name}")
    except DockerException as exc:
        raise ChaosError(f"{action} {service} failed ({exc})") from None
    return done


def status(services: list[str], project: str | None) -> list[dict[str, Any]]:
    rows = []
    for service in services:
        for container in _containers(service, project):
            state = container.attrs.get("State") or {}
            rows.append(
                {
                    "part": service,
                    "pid": state.get("Pid") or None,
                    "state": "up" if state.get("Running") else str(state.get("Status", "down")),
                    "restarts": int(container.attrs.get("RestartCount") or 0),
                    "container": container.name,
                }
            )
    return rows
