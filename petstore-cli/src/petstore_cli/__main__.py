"""`petstore`: one command for running, poking and touring the suite."""

import argparse
import sys
from collections.abc import Sequence

from petstore_cli import chaos, faults, launcher, maintenance, session, tokens, tour

# Each command module adds its subcommand(s) with register(subparsers).
COMMANDS = [launcher, tokens, maintenance, tour, chaos, faults, session]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="petstore", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
