"""`petstore chaos stop|start SERVICE`: stop or start containers of a compose deployment."""

import argparse
import sys
from typing import Any

SERVICES = [
    "gateway",
    "pets-service",
    "records-worker",
    "weather-stub",
    "recommendations-stub",
    "redis",
    "kafka",
]


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser(
        "chaos", help="stop or start a compose service's containers (needs a Docker engine)"
    )
    parser.add_argument("action", choices=["stop", "start"])
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument(
        "--project",
        default=None,
        help="compose project name (default: every project with that service)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env(timeout=10)
        labels = [f"com.docker.compose.service={args.service}"]
        if args.project:
            labels.append(f"com.docker.compose.project={args.project}")
        containers = client.containers.list(all=True, filters={"label": labels})
        if not containers:
            print(
                f"petstore chaos: no container of compose service {args.service!r}", file=sys.stderr
            )
            return 1
        for container in containers:
            if args.action == "stop":
                container.stop(timeout=10)
            else:
                container.start()
            print(f"{args.action}: {container.name}")
    except DockerException as exc:
        print(f"petstore chaos: the Docker engine is not reachable ({exc})", file=sys.stderr)
        return 1
    return 0
