"""`petstore maintenance on|off|status`: the gateway's maintenance mode."""

import argparse
import asyncio
import json
import os
import sys
from typing import Any

import aiohttp

from petstore_cli.plan import endpoints
from service_kit.auth import mint_token

TIMEOUT = aiohttp.ClientTimeout(total=5)


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser("maintenance", help="switch the gateway's maintenance mode")
    parser.add_argument("action", choices=["on", "off", "status"])
    parser.add_argument("--retry-after", type=int, default=300, help="seconds (default 300)")
    parser.add_argument("--detail", default=None, help="text shown to clients")
    parser.add_argument("--gateway", default=None, help="default: $GATEWAY_URL, or GATEWAY_PORT")
    parser.add_argument("--secret", default=None, help="default: $PETSTORE_JWT_SECRET")
    parser.set_defaults(handler=run)


async def _call(args: argparse.Namespace) -> tuple[int, Any]:
    token = mint_token(args.secret, sub="petstore-cli", scopes=["admin"], ttl=60)
    headers = {"Authorization": f"Bearer {token}"}
    url = args.gateway.rstrip("/") + "/admin/maintenance"
    body: dict[str, Any] | None = None
    if args.action != "status":
        body = {"enabled": args.action == "on", "retryAfter": args.retry_after}
        if args.detail:
            body["detail"] = args.detail
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        method = "GET" if body is None else "PUT"
        async with http.request(method, url, json=body, headers=headers) as resp:
            return resp.status, await resp.json(content_type=None)


def run(args: argparse.Namespace) -> int:
    found = endpoints(os.environ)
    args.gateway = args.gateway or found.gateway
    args.secret = args.secret or found.secret
    try:
        status, body = asyncio.run(_call(args))
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        print(f"petstore maintenance: cannot reach {args.gateway}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(body, indent=2))
    return 0 if status == 200 else 1
