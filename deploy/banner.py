"""What `make compose-up` prints and keeps: `make run`'s banner and state, for the compose stack."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from petstore_cli.banner import tokens
from petstore_cli.plan import Plan, ServiceSpec, suite_defaults

if TYPE_CHECKING:
    from deploy.stack import Stack

PUBLISHED = [
    ("weather-stub", "WEATHER_STUB_PORT"),
    ("recommendations-stub", "RECOMMENDATIONS_STUB_PORT"),
]


def plan_of(stack: "Stack") -> Plan:
    """The stack as the launcher's plan: host URLs of what compose publishes, suite.env."""
    env = suite_defaults() | {
        "PETSTORE_DEV_MODE": "true",
        "PROBLEM_BASE_URL": f"http://localhost:{stack.ports['gateway']}/problems/",
    }
    services = [ServiceSpec(name, "", var, stack.ports[name]) for name, var in PUBLISHED]
    services.append(ServiceSpec("gateway", "gateway", "GATEWAY_PORT", stack.ports["gateway"]))
    return Plan(services, env, None, None, stack.gateway, env["PETSTORE_JWT_SECRET"])


def state_of(stack: "Stack", engine: str, docker_host: str) -> dict[str, Any]:
    """The same keys as `petstore run --state-file` where they apply (tests read it)."""
    plan = plan_of(stack)
    return {
        "gateway": stack.gateway,
        "services": {s.name: s.url for s in plan.services},
        "env": {k: plan.env[k] for k in ("PETSTORE_JWT_SECRET", "PROBLEM_BASE_URL")},
        "tokens": tokens(plan),
        "project": stack.project,
        "engine": engine,
        "dockerHost": docker_host,
    }


def print_banner(stack: "Stack", state: dict[str, Any]) -> None:
    from petstore_cli.banner import banner

    lines: list[str] = []
    tool = "docker compose" if state["engine"] == "docker" else "podman-compose"
    logs = Path(f"{tool} -p {stack.project} logs")  # printed where make run names its log folder
    banner(plan_of(stack), logs, state["tokens"], lines.append)
    chaos = f"petstore chaos --target compose --project {stack.project}"
    for line in lines:
        if "metrics (internal)" in line:
            line = f"  {'metrics (internal)':<24} gateway:9464 on the compose network"
        if line.startswith("  logs "):
            line = line.rstrip("/")
        line = line.replace("petstore chaos", chaos).replace("Ctrl-C stops everything.", "")
        if "A part that crashes" in line:
            line = "\nA container that crashes is restarted. `make compose-down` removes the stack."
        print(line)
    if state["engine"] == "podman":
        print("petstore chaos talks to podman's Docker API:")
        print(f"  export DOCKER_HOST={state['dockerHost']}")
    print(f"State (URLs, tokens) as JSON: {stack.state_file}")
