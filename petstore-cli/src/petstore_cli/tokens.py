"""`petstore token`: mint a dev JWT."""

import argparse
import os
from typing import Any

from service_kit.auth import mint_token
from service_kit.settings import DEV_JWT_SECRET

DEFAULT_SCOPES = ["read:pets", "write:pets"]


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser("token", help="mint a dev JWT (HS256)")
    parser.add_argument("--sub", default="dev-user", help="subject (default: dev-user)")
    parser.add_argument(
        "--scope",
        action="append",
        dest="scopes",
        metavar="SCOPE",
        help="a scope: read:pets, write:pets, admin, faults (the fault-session API); "
        "repeat for more (default: read:pets write:pets)",
    )
    parser.add_argument("--ttl", type=int, default=3600, help="seconds until expiry")
    parser.add_argument(
        "--secret",
        default=None,
        help="signing secret (default: $PETSTORE_JWT_SECRET or the dev default)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    secret = args.secret or os.environ.get("PETSTORE_JWT_SECRET") or DEV_JWT_SECRET
    print(mint_token(secret, sub=args.sub, scopes=args.scopes or DEFAULT_SCOPES, ttl=args.ttl))
    return 0
