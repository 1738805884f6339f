"""What `petstore run` starts: ports, addresses and the environment of every child."""

import importlib.resources
from collections.abc import Mapping
from dataclasses import dataclass, field

from petstore_cli.embedded import free_port


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    port_var: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Plan:
    services: list[ServiceSpec]
    env: dict[str, str]
    embedded_redis_port: int | None
    embedded_kafka_port: int | None
    gateway_url: str
    secret: str
    metrics_port: int = 9464  # the gateway's internal metrics port (GATEWAY_METRICS_PORT)
    extra: dict[str, str] = field(default_factory=dict)

    def service(self, name: str) -> ServiceSpec:
        return next(s for s in self.services if s.name == name)


# Start order: dependencies first; the gateway last (its /readyz needs the pets service).
SERVICES = [
    ("pets-service", "pets_service", "PETS_SERVICE_PORT", 8081),
    ("weather-stub", "weather_stub", "WEATHER_STUB_PORT", 8082),
    ("recommendations-stub", "recommendations_stub", "RECOMMENDATIONS_STUB_PORT", 8083),
    ("records-worker", "records_worker", "RECORDS_WORKER_PORT", 8084),
    ("gateway", "gateway", "GATEWAY_PORT", 8080),
]
DEFAULT_REDIS_PORT = 6379
DEFAULT_KAFKA_PORT = 9092


def suite_defaults() -> dict[str, str]:
    """The shared settings file (also docker compose's env_file)."""
    text = importlib.resources.files("petstore_cli").joinpath("suite.env").read_text()
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def make_plan(environ: Mapping[str, str], *, free_ports: bool = False) -> Plan:
    """Ports from the environment (or free ones), embedded servers unless addresses are given."""
    env = {**suite_defaults(), **{k: v for k, v in environ.items() if v != ""}}

    chosen: set[int] = set()

    def port(var: str, default: int) -> int:
        if free_ports:  # each a port of its own: the kernel may hand one out twice
            found = free_port()
            while found in chosen:
                found = free_port()
            chosen.add(found)
            return found
        raw = env.get(var)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise SystemExit(f"petstore: {var} must be a port number, got {raw!r}") from None

    services = [ServiceSpec(n, m, var, port(var, d)) for n, m, var, d in SERVICES]
    redis_port = kafka_port = None
    if "REDIS_URL" not in env:
        redis_port = port("EMBEDDED_REDIS_PORT", DEFAULT_REDIS_PORT)
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    if "KAFKA_BOOTSTRAP_SERVERS" not in env:
        kafka_port = port("EMBEDDED_KAFKA_PORT", DEFAULT_KAFKA_PORT)
        env["KAFKA_BOOTSTRAP_SERVERS"] = f"127.0.0.1:{kafka_port}"
    by_name = {s.name: s for s in services}
    gateway = by_name["gateway"]
    env.update({s.port_var: str(s.port) for s in services})
    # A development run: the published dev secret is accepted (the banner says so).
    env.setdefault("PETSTORE_DEV_MODE", "true")
    metrics_port = port("GATEWAY_METRICS_PORT", 9464)
    env["GATEWAY_METRICS_PORT"] = str(metrics_port)
    # Each part's output goes to a file in .run/logs/: JSON lines there, whatever LOG_FORMAT says.
    env["LOG_FORMAT"] = "json"
    for var, name in [
        ("PETS_SERVICE_URL", "pets-service"),
        ("WEATHER_URL", "weather-stub"),
        ("RECOMMENDATIONS_URL", "recommendations-stub"),
    ]:
        if free_ports or var not in environ:
            env[var] = by_name[name].url
    if free_ports or "PROBLEM_BASE_URL" not in environ:
        env["PROBLEM_BASE_URL"] = f"http://localhost:{gateway.port}/problems/"
    return Plan(
        services=services,
        env=env,
        embedded_redis_port=redis_port,
        embedded_kafka_port=kafka_port,
        gateway_url=f"http://localhost:{gateway.port}",
        secret=env["PETSTORE_JWT_SECRET"],
        metrics_port=metrics_port,
    )


@dataclass(frozen=True)
class Endpoints:
    """Where the commands that talk to a running suite find it."""

    gateway: str
    weather: str
    recommendations: str
    secret: str


def endpoints(environ: Mapping[str, str]) -> Endpoints:
    """The suite's URLs as `petstore run` sets them up from the same environment (and the
    same suite.env): GATEWAY_URL, WEATHER_URL and RECOMMENDATIONS_URL when given, else
    127.0.0.1 (localhost for the gateway) on GATEWAY_PORT, WEATHER_STUB_PORT and
    RECOMMENDATIONS_STUB_PORT (default 8080, 8082, 8083)."""
    plan = make_plan(environ)
    return Endpoints(
        gateway=(environ.get("GATEWAY_URL") or plan.gateway_url).rstrip("/"),
        weather=plan.env["WEATHER_URL"].rstrip("/"),
        recommendations=plan.env["RECOMMENDATIONS_URL"].rstrip("/"),
        secret=plan.secret,
    )
