"""`petstore tour`: walk every status code of the API against a running suite."""

import argparse
import asyncio
import functools
import json
import os
import sys
from pathlib import Path
from typing import Any

import aiohttp

from petstore_cli import chaos as chaos_command
from petstore_cli.plan import endpoints
from petstore_cli.tour import auth, edge, limits, pets, records, upstreams
from petstore_cli.tour.chaos import chaos_steps
from petstore_cli.tour.core import TIMEOUT, Part, Step, Tour
from petstore_cli.tour.render import render

# In order: the pet made by create_and_read is used by the parts after it, then deleted.
PARTS: list[Part] = [
    auth.tokens,
    pets.create_and_read,
    pets.bad_bodies,
    pets.updates,
    pets.access,
    edge.protocol_edge,
    records.records,
    upstreams.upstreams,
    limits.rate_limit,
    limits.maintenance,
    chaos_steps,  # only with --chaos
    pets.cleanup,
]


async def run_tour(
    gateway: str, stubs: dict[str, str], secret: str, chaos: Any = None
) -> list[Step]:
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        tour = Tour(http, gateway, stubs, secret)
        tour.chaos = chaos
        if (await tour.call("GET", "/healthz")).status != 200:
            raise ConnectionError("no answer from its /healthz")
        for part in PARTS:
            await part(tour)
        return tour.steps


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser("tour", help="walk every status code against a running suite")
    where = "default: as `petstore run` sets it up from the same variables"
    parser.add_argument("--gateway", default=None, help=f"{where} (GATEWAY_URL, GATEWAY_PORT)")
    parser.add_argument("--weather-url", default=None, help=where)
    parser.add_argument("--recommendations-url", default=None, help=where)
    parser.add_argument("--secret", default=None, help="default: $PETSTORE_JWT_SECRET")
    parser.add_argument(
        "--chaos",
        action="store_true",
        help="also stop Redis, the broker and the worker (`petstore chaos`) and watch recovery",
    )
    parser.add_argument(
        "--control-socket", type=Path, default=None, help="the local suite's (for --chaos)"
    )
    parser.add_argument("--json", action="store_true", help="print the steps as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    found = endpoints(os.environ)
    gateway = args.gateway or found.gateway
    stubs = {
        "weather": args.weather_url or found.weather,
        "recommendations": args.recommendations_url or found.recommendations,
    }
    chaos = None
    if args.chaos:
        chaos = functools.partial(chaos_command.act, socket=args.control_socket)
    try:
        steps = asyncio.run(run_tour(gateway, stubs, args.secret or found.secret, chaos))
    except (aiohttp.ClientError, OSError) as exc:
        print(f"petstore tour: cannot reach the suite at {gateway}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([vars(s) for s in steps], indent=2))
    else:
        print(render(steps))
    return 0 if steps and all(s.ok for s in steps) else 1
