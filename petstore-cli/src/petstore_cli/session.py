"""`petstore session`: start a fault session, read its journal and grade, end it."""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from petstore_cli.plan import endpoints
from petstore_faults import SessionApi, SessionApiError
from petstore_faults.render import render_journal, render_report, render_sessions
from service_kit.auth import mint_token


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    parser = subparsers.add_parser("session", help="fault sessions: start, report, journal, end")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    start = actions.add_parser("start", help="start a session; prints its id and the header")
    start.add_argument("--preset", metavar="NAME", help="a preset (see `petstore session presets`)")
    start.add_argument("--rules", metavar="FILE", type=Path, help="JSON: rules, or a session")
    start.add_argument("--ttl", type=int, metavar="S", help="seconds until it ends (default 900)")
    start.add_argument("--sub", metavar="SUB", help="also apply to tokens of this subject")
    start.add_argument("--seed", type=int, metavar="N", help="seed for reproducible draws")
    start.add_argument("--name", metavar="TEXT", help="a name to tell sessions apart")
    for name, help_ in [
        ("report", "grade the client (exit 1 when a check failed)"),
        ("journal", "every exchange of the session"),
        ("end", "end the session now"),
    ]:
        actions.add_parser(name, help=help_).add_argument("id", help="the session id")
    actions.add_parser("list", help="the live sessions")
    actions.add_parser("presets", help="the presets and what they test")
    for action in actions.choices.values():
        action.add_argument("--json", action="store_true", help="print the JSON answer")
        action.add_argument(
            "--gateway", default=None, help="default: $GATEWAY_URL, or GATEWAY_PORT"
        )
        action.add_argument("--secret", default=None, help="default: $PETSTORE_JWT_SECRET")
    parser.set_defaults(handler=run)


def _document(args: argparse.Namespace) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if args.rules is not None:
        text = sys.stdin.read() if str(args.rules) == "-" else args.rules.read_text()
        loaded = json.loads(text)
        document = loaded if isinstance(loaded, dict) else {"rules": loaded}
    given = {"preset": args.preset, "ttlSeconds": args.ttl, "seed": args.seed, "name": args.name}
    document |= {k: v for k, v in given.items() if v is not None}
    if args.sub:
        document["match"] = {"sub": args.sub}
    return document


def _started(created: dict[str, Any]) -> str:
    (name, value), *_ = (created.get("header") or {"Fault-Session": created["id"]}).items()
    label = created.get("name") or created.get("preset")
    return (
        f"Started fault session {created['id']}{f' ({label})' if label else ''}, "
        f"expires {created.get('expiresAt')}.\n"
        f"Send this header with every request of the client under test:\n  {name}: {value}"
    )


def _act(api: SessionApi, args: argparse.Namespace) -> tuple[Any, str, int]:
    """(the JSON answer, its text form, exit status)"""
    if args.action == "start":
        created = api.start(_document(args))
        return created, _started(created), 0
    if args.action == "report":
        report = api.report(args.id)
        return report, render_report(report), 1 if report["summary"]["failed"] else 0
    if args.action == "journal":
        journal = api.journal(args.id)
        return journal, render_journal(journal), 0
    if args.action == "list":
        items = api.sessions()
        return {"items": items}, render_sessions(items), 0
    if args.action == "presets":
        presets = api.presets()
        text = "\n\n".join(f"{p['name']}\n  {p['description']}" for p in presets)
        return {"items": presets}, text, 0
    api.end(args.id)
    return None, f"Ended fault session {args.id}.", 0


def run(args: argparse.Namespace) -> int:
    found = endpoints(os.environ)
    args.gateway = args.gateway or found.gateway
    args.secret = args.secret or found.secret
    token = mint_token(args.secret, sub="petstore-cli", scopes=["faults"], ttl=60)
    api = SessionApi(args.gateway, token)
    try:
        body, text, code = _act(api, args)
    except (SessionApiError, OSError, ValueError) as exc:
        print(f"petstore session {args.action}: {exc}", file=sys.stderr)
        return 1
    if args.json and body is not None:
        print(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        print(text)
    return code
