"""`petstore fault`: switch the upstream stubs' failure modes on and off."""

import argparse
import asyncio
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

import aiohttp

from petstore_cli.plan import endpoints
from service_kit.faults import Mode

SERVICES = ("weather", "recommendations")
PATH = "/admin/faults"
# option dest -> spec field; only options given on the command line are sent.
SPEC_OPTIONS = {
    "status": "status",
    "retry_after": "retryAfter",
    "delay_ms": "delayMs",
    "jitter_ms": "jitterMs",
    "bytes_per_second": "bytesPerSecond",
    "probability": "probability",
    "count": "count",
    "seed": "seed",
}


class FaultCommandError(Exception):
    """The stub could not be reached, or refused the request: a message for the user."""


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser("fault", help="show, set or clear a stub's fault")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    services = sorted(SERVICES)

    set_ = actions.add_parser("set", help="make a stub fail (PUT /admin/faults)")
    set_.add_argument("service", choices=services)
    set_.add_argument("mode", choices=[m.value for m in Mode])
    set_.add_argument("--status", type=int, help="error: the status to answer (4xx/5xx)")
    set_.add_argument("--retry-after", type=int, metavar="S", help="error: Retry-After seconds")
    set_.add_argument("--delay-ms", type=int, metavar="N", help="delay before the fault")
    set_.add_argument("--jitter-ms", type=int, metavar="N", help="random +/- on the delay")
    set_.add_argument("--bytes-per-second", type=int, metavar="N", help="slow-body: body rate")
    set_.add_argument("--probability", type=float, metavar="P", help="share of requests (0..1)")
    set_.add_argument("--count", type=int, metavar="N", help="healthy again after N faults")
    set_.add_argument("--seed", type=int, metavar="N", help="seed for reproducible flakiness")
    _common(set_)

    clear = actions.add_parser("clear", help="make a stub healthy again (DELETE /admin/faults)")
    clear.add_argument("service", choices=services)
    _common(clear)

    show = actions.add_parser("show", help="the active fault and counters (both stubs by default)")
    show.add_argument("service", nargs="?", choices=services)
    _common(show)
    parser.set_defaults(handler=run)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url", help="the stub's base URL (default: as `petstore run` sets it up; see --help)"
    )
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")
    parser.add_argument("--json", action="store_true", help="print the stub's JSON answer")


@dataclass(frozen=True)
class Target:
    service: str
    url: str


def targets(args: argparse.Namespace) -> list[Target]:
    if args.service is None:
        if args.url:
            raise FaultCommandError("--url needs a SERVICE")
        return [Target(name, _default_url(name)) for name in sorted(SERVICES)]
    return [Target(args.service, (args.url or _default_url(args.service)).rstrip("/"))]


def _default_url(service: str) -> str:
    found = endpoints(os.environ)
    return found.weather if service == "weather" else found.recommendations


def spec_of(args: argparse.Namespace) -> dict[str, Any]:
    spec: dict[str, Any] = {"mode": args.mode}
    for dest, field in SPEC_OPTIONS.items():
        value = getattr(args, dest)
        if value is not None:
            spec[field] = value
    return spec


async def call(
    session: aiohttp.ClientSession, target: Target, method: str, body: Any = None
) -> dict[str, Any]:
    where = f"the {target.service} stub at {target.url}"
    try:
        async with session.request(method, target.url + PATH, json=body) as resp:
            raw = await resp.read()
            try:
                answer = await resp.json(content_type=None)
            except ValueError:
                answer = None
            status = resp.status
    except TimeoutError:
        raise FaultCommandError(f"{where} did not answer in time") from None
    except aiohttp.ClientConnectorError as exc:
        reason = exc.os_error.strerror or type(exc.os_error).__name__
        raise FaultCommandError(f"cannot reach {where}: {reason}") from None
    except aiohttp.ClientError as exc:
        raise FaultCommandError(f"cannot talk to {where}: {type(exc).__name__}") from None
    if not isinstance(answer, dict):
        raise FaultCommandError(f"{where} sent an unexpected answer ({status}, {len(raw)} bytes)")
    if status >= 400:
        lines = [f"{where} refused: {status} {answer.get('title', '')}: {answer.get('detail', '')}"]
        for error in answer.get("errors") or []:
            if isinstance(error, dict):
                lines.append(f"  - {error.get('field')}: {error.get('message')}")
        raise FaultCommandError("\n".join(lines))
    return answer


def describe(target: Target, state: dict[str, Any]) -> str:
    fault = dict(state.get("fault") or {})
    mode = fault.pop("mode", "?")
    params = "  ".join(f"{k}={v}" for k, v in fault.items() if v is not None)
    remaining = state.get("remaining")
    counters = state.get("counters") or {}
    by_mode = ", ".join(f"{k} {v}" for k, v in (counters.get("byMode") or {}).items() if v)
    lines = [
        f"{target.service}  {target.url}",
        f"  fault     {mode}  {params}".rstrip()
        + ("" if remaining is None else f"  ({remaining} left)"),
        f"  since     {state.get('since')}  injected {state.get('injected')}",
        f"  requests  {counters.get('requests')}  passed {counters.get('passed')}  "
        f"faults {counters.get('faults')}" + (f" ({by_mode})" if by_mode else ""),
    ]
    if state.get("holding"):
        lines.append(f"  holding   {state['holding']} request(s) without an answer")
    return "\n".join(lines)


async def _run(args: argparse.Namespace) -> int:
    code = 0
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for target in targets(args):
            try:
                if args.action == "set":
                    state = await call(session, target, "PUT", spec_of(args))
                elif args.action == "clear":
                    state = await call(session, target, "DELETE")
                else:
                    state = await call(session, target, "GET")
            except FaultCommandError as exc:
                print(f"petstore fault: {exc}", file=sys.stderr)
                code = 1
                continue
            print(json.dumps(state, indent=2) if args.json else describe(target, state))
    return code


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except FaultCommandError as exc:
        print(f"petstore fault: {exc}", file=sys.stderr)
        return 1
