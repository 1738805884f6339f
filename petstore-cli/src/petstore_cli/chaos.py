"""`petstore chaos stop|start|kill|restart|status`: take parts of the suite down and back.

Against the local suite (`petstore run`) through its control socket; against a compose
deployment through the Docker SDK when no local suite answers.
"""

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from petstore_cli import chaos_compose, control
from petstore_cli.chaos_compose import ChaosError

SERVICES = [
    "gateway",
    "pets-service",
    "records-worker",
    "weather-stub",
    "recommendations-stub",
    "redis",
    "kafka",
]
ACTIONS = ["stop", "start", "kill", "restart", "status"]


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser(
        "chaos", help="stop, start, kill or restart a part of the suite (local or compose)"
    )
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("service", nargs="?", choices=SERVICES, help="(all for status)")
    parser.add_argument(
        "--target",
        choices=["auto", "local", "compose"],
        default="auto",
        help="local: the `petstore run` suite; compose: Docker (auto: local when it answers)",
    )
    parser.add_argument(
        "--control-socket",
        type=Path,
        default=None,
        help=f"the local suite's socket (default ${control.SOCKET_VAR} or "
        f"{control.DEFAULT_SOCKET})",
    )
    parser.add_argument("--project", default=None, help="compose project name (default: any)")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.set_defaults(handler=run)


def use_local(target: str, socket: Path) -> bool:
    return target == "local" or (target == "auto" and socket.exists())


def act(
    action: str,
    service: str | None,
    target: str = "auto",
    *,
    socket: Path | None = None,
    project: str | None = None,
) -> dict[str, Any]:
    """One chaos action: ``{"message": ..., "parts": [...]}``, or ChaosError."""
    socket = socket or control.socket_path(os.environ)
    if use_local(target, socket):
        try:
            answer = asyncio.run(control.ask(socket, {"action": action, "part": service}))
        except control.ControlError as exc:
            raise ChaosError(str(exc)) from None
        if not answer.get("ok"):
            raise ChaosError(str(answer.get("message")))
        return answer
    try:
        if action == "status":
            return {"parts": chaos_compose.status([service] if service else SERVICES, project)}
        assert service is not None
        return {"message": "\n".join(chaos_compose.act(action, service, project)), "parts": []}
    except ChaosError as exc:
        if target == "compose":
            raise
        raise ChaosError(
            f"no local suite answers at {socket} (run `make run` here, or set "
            f"{control.SOCKET_VAR}), and for compose: {exc}"
        ) from None


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'part':<22}{'pid':>8}  {'state':<11}{'restarts':>8}  up for"]
    for r in rows:
        up = "-" if r.get("upSeconds") is None else f"{r['upSeconds']:.0f} s"
        pid = r.get("pid") or "-"
        lines.append(f"{r['part']:<22}{pid:>8}  {r['state']:<11}{r['restarts']:>8}  {up}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.action != "status" and args.service is None:
        print(f"petstore chaos: {args.action} needs a SERVICE", file=sys.stderr)
        return 2
    try:
        answer = act(
            args.action,
            args.service,
            args.target,
            socket=args.control_socket,
            project=args.project,
        )
    except ChaosError as exc:
        print(f"petstore chaos: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(answer, indent=2))
    elif args.action == "status":
        print(table(answer.get("parts", [])))
    else:
        print(answer.get("message", ""))
    return 0
