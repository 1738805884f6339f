"""What `petstore run` prints once the suite is ready, and the state file it keeps for tools."""

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from petstore_cli.parts import Part
from petstore_cli.plan import Plan
from service_kit.auth import mint_token

_STATE_VARS = {"REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS", "PETSTORE_JWT_SECRET", "PROBLEM_BASE_URL"}
TOKEN_TTL = 12 * 3600


def tokens(plan: Plan) -> dict[str, str]:
    return {
        "readWrite": mint_token(
            plan.secret, sub="dev-user", scopes=["read:pets", "write:pets"], ttl=TOKEN_TTL
        ),
        "admin": mint_token(plan.secret, sub="dev-admin", scopes=["admin"], ttl=TOKEN_TTL),
    }


def metrics_url(plan: Plan) -> str:
    return f"http://127.0.0.1:{plan.metrics_port}/metrics"


def banner(plan: Plan, log_dir: Path, minted: dict[str, str], say: Callable[[str], None]) -> None:
    gw = plan.gateway_url
    rows = [("gateway (public API)", gw)] + [
        (s.name, s.url) for s in plan.services if s.name != "gateway"
    ]
    say("\nPetstore suite is ready.\n")
    for name, url in rows:
        say(f"  {name:<24} {url}")
    # Tokens ride in the URL fragment, which the browser never sends to the server.
    say(f"  {'console (admin)':<24} {gw}/console#token={minted['admin']}")
    say(f"  {'API docs (try it out)':<24} {gw}/docs#token={minted['readWrite']}")
    say(f"  {'problem types':<24} {gw}/problems")
    say(f"  {'metrics (internal)':<24} {metrics_url(plan)}")
    say(f"  {'logs':<24} {log_dir}/")
    if plan.env.get("PETSTORE_DEV_MODE") == "true":
        say("\nDev mode (PETSTORE_DEV_MODE=true): a weak or published secret is accepted.")
    say(f"\nRead/write token (sub dev-user):\n  export TOKEN={minted['readWrite']}")
    say(f"Admin token (sub dev-admin):\n  export ADMIN_TOKEN={minted['admin']}")
    say("\nTry:")
    say(f"  curl -i {gw}/v1/pets                                   # 401, no token")
    say(
        f'  curl -i -X POST {gw}/v1/pets -H "Authorization: Bearer $TOKEN" '
        '-H \'Content-Type: application/json\' -d \'{"name": "Rex", "species": "DOG"}\''
    )
    say(f'  curl -i {gw}/v1/pets -H "Authorization: Bearer $TOKEN"')
    say("  petstore chaos status                       # each part, its PID, restarts")
    say("  petstore chaos stop redis                   # then: petstore chaos start redis")
    say("\nA part that crashes is restarted. Ctrl-C stops everything.\n")


def write_state(
    path: Path, plan: Plan, minted: dict[str, str], parts: Sequence[Part], control: Path
) -> None:
    """URLs, tokens, and each part's PID and port, as JSON; rewritten on every (re)start."""
    services = {s.name for s in plan.services}
    state: dict[str, Any] = {
        "gateway": plan.gateway_url,
        "services": {s.name: s.url for s in plan.services},
        "metrics": metrics_url(plan),
        "env": {k: v for k, v in plan.env.items() if k in _STATE_VARS},
        "tokens": minted,
        "control": str(control),
        "pids": {p.name: p.proc.pid for p in parts if p.proc and p.name in services},
        "parts": {
            p.name: {"pid": p.proc.pid if p.proc else None, "port": p.port, "pids": p.pids}
            for p in parts
        },
    }
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(state, indent=2))
    partial.replace(path)  # atomic: readers never see half a file
