"""The parts under test, started and checked: Redis, Kafka, the services, nginx, hello-world."""

import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench import gateway_switch
from bench.load import ROOT
from bench.nginx import nginx_pids, start_nginx
from bench.procs import Child, Children
from bench.suite import StartError, start_embedded, start_service, wait_http
from bench.targets import Target, make_targets
from bench.tools import Tools
from petstore_cli.embedded import free_port
from petstore_cli.plan import suite_defaults
from service_kit.auth import mint_token

# High enough that the limiter counts every request and never blocks one.
RATE_LIMIT = 1_000_000_000
PET = {"name": "Benchmark", "species": "DOG", "breed": "Beagle", "age": 3}

Say = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    duration: float = 8.0
    single_duration: float = 4.0
    rounds: int = 3
    connections: int = 50
    warmup: float = 2.0
    budget: float = 300.0  # seconds of load, at most; what is left is reported as not measured
    out_dir: Path = Path("bench-results")
    # nginx runs with `access_log off`; so do the services (their access log is an INFO line).
    log_level: str = "WARNING"
    python_loadgen: bool = False
    pipeline: bool = True
    record_delay_ms: int = 0
    burst_records: int = 1000
    subjects: int = 5000  # distinct token subjects in the load (the limiter's keys)
    overload_connections: int = 1000
    overload_duration: float = 6.0


class Parts:
    """Starts every part on free ports, knows their URLs and PIDs, and why one is missing."""

    def __init__(self, options: Options, tools: Tools, children: Children, say: Say) -> None:
        self.options = options
        self.tools = tools
        self.children = children
        self.say = say
        self.targets = make_targets()
        self.notes: list[str] = []
        self.procs: dict[str, Child] = {}
        self.kafka_port: int | None = None
        self.kafka_missing: str | None = None
        self.secret = secrets.token_urlsafe(32)
        self.token = mint_token(
            self.secret, sub="bench", scopes=["read:pets", "write:pets"], ttl=3 * 3600
        )
        self.headers = {"Authorization": f"Bearer {self.token}"}
        # The load's tokens: one subject each, so the rate limiter counts thousands of keys.
        self.authorizations = [
            "Bearer "
            + mint_token(self.secret, sub=f"bench-{n:05d}", scopes=["read:pets"], ttl=3 * 3600)
            for n in range(options.subjects)
        ]
        self.pets_url = ""
        self.pet_id = ""
        self.pet_path = "/v1/pets/00000000-0000-7000-8000-000000000000"  # hello answers any
        self.shared: dict[str, str] = {}

    def env(self, **extra: str) -> dict[str, str]:
        base = {**os.environ, **suite_defaults(), "PYTHONUNBUFFERED": "1"}
        # So that `python -m bench.hello` runs whatever the working directory.
        base["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
        base.update(
            PETSTORE_JWT_SECRET=self.secret,
            LOG_LEVEL=self.options.log_level,
            BIND_HOST="127.0.0.1",
        )
        base.update(extra)
        return base

    def miss(self, keys: list[str], why: str) -> None:
        for key in keys:
            if self.targets[key].missing is None:
                self.targets[key].missing = why
        self.say(f"  {', '.join(keys)}: not measured: {why}")

    async def start_all(self, http: aiohttp.ClientSession) -> None:
        pets_keys = ["direct", "nginx", "gateway", "gateway-no-rl", "gateway-no-fs"]
        self.say("starting ...")
        try:
            self.procs["redis"], redis_port = await start_embedded(self.children, "redis")
        except StartError as exc:
            self.miss(pets_keys, f"Redis did not start ({exc})")
            redis_port = 0
        try:
            self.procs["kafka"], self.kafka_port = await start_embedded(self.children, "kafka")
        except StartError as exc:
            self.kafka_missing = f"the Kafka broker did not start ({exc})"
        kafka = f"127.0.0.1:{self.kafka_port or free_port()}"
        self.shared = {
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
        }
        if redis_port:
            await self.start_pets(http)
        await self.start_hello(http)
        if self.pets_url:
            await self.start_nginx(http)
            await self.start_gateways(http)

    async def start_pets(self, http: aiohttp.ClientSession) -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        try:
            self.procs["pets-service"] = await start_service(
                http,
                self.children,
                "pets-service",
                "pets_service",
                self.env(**self.shared, PETS_SERVICE_PORT=str(port)),
                f"{url}/readyz",
                sys.executable,
            )
            async with http.post(f"{url}/v1/pets", json=PET, headers=self.headers) as resp:
                await resp.read()
                location = resp.headers.get("Location", "")
                if resp.status != 201 or not location.startswith("/v1/pets/"):
                    raise StartError(f"POST /v1/pets answered {resp.status}, not 201 + Location")
        except (StartError, aiohttp.ClientError, TimeoutError) as exc:
            why = str(exc) or type(exc).__name__
            self.miss(
                ["direct", "nginx", "gateway", "gateway-no-rl", "gateway-no-fs"],
                f"pets service: {why}",
            )
            return
        self.pets_url = url
        self.pet_path = location
        self.pet_id = location.rsplit("/", 1)[1]
        self.targets["direct"].url = url + location
        self.say(f"  pets service on :{port}, pet {self.pet_id}")

    async def start_hello(self, http: aiohttp.ClientSession) -> None:
        port = free_port()
        child = self.children.start(
            "hello", [sys.executable, "-m", "bench.hello", str(port)], self.env()
        )
        url = f"http://127.0.0.1:{port}{self.pet_path}"
        try:
            await wait_http(http, child, url)
        except StartError as exc:
            self.children.stop(child)
            self.miss(["hello"], str(exc))
            return
        self.procs["hello"] = child
        self.targets["hello"].url = url
        self.say(f"  hello-world on :{port}")

    async def start_nginx(self, http: aiohttp.ClientSession) -> None:
        if self.tools.nginx is None:
            self.miss(["nginx"], "nginx is not installed and could not be installed")
            return
        port = free_port()
        upstream = int(self.pets_url.rsplit(":", 1)[1])
        prefix = (self.options.out_dir / "nginx").resolve()
        child = start_nginx(self.children, self.tools.nginx, prefix, port, upstream)
        try:
            await wait_http(http, child, f"http://127.0.0.1:{port}/healthz")
        except StartError as exc:
            self.children.stop(child)
            self.miss(["nginx"], str(exc))
            return
        self.procs["nginx"] = child
        self.targets["nginx"].url = f"http://127.0.0.1:{port}{self.pet_path}"
        self.say(f"  nginx on :{port}")

    async def start_gateways(self, http: aiohttp.ClientSession) -> None:
        switch = gateway_switch.rate_limit_off_env()
        variants: list[tuple[str, dict[str, str]]] = [("gateway", {})]
        if switch is None:
            self.miss(["gateway-no-rl"], "the gateway has no setting that turns its limiter off")
        else:
            variants.append(("gateway-no-rl", switch))
        variants.append(("gateway-no-fs", {"FAULT_SESSIONS_ENABLED": "false"}))
        for key, extra in variants:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            settings = {
                **self.shared,
                "GATEWAY_PORT": str(port),
                "GATEWAY_METRICS_PORT": str(free_port()),
                "PETS_SERVICE_URL": self.pets_url,
                "PROBLEM_BASE_URL": f"http://localhost:{port}/problems/",
                "RATE_LIMIT": str(RATE_LIMIT),
                "RATE_LIMIT_WINDOW_SECONDS": "3600",
                # The open-loop overload stands for many clients from one address.
                "MAX_CONNECTIONS": str(4 * self.options.overload_connections),
                "MAX_CONNECTIONS_PER_IP": str(2 * self.options.overload_connections),
            }
            env = self.env(**{**settings, **extra})  # the switch may set RATE_LIMIT itself
            try:
                self.procs[key] = await start_service(
                    http, self.children, key, "gateway", env, f"{url}/healthz", sys.executable
                )
            except StartError as exc:
                self.miss([key], str(exc))
                continue
            self.targets[key].url = url + self.pet_path
            self.say(f"  {key} on :{port}" + (f" ({extra})" if extra else ""))

    async def preflight(self, http: aiohttp.ClientSession) -> None:
        """Every target answers the GET with 200 before it is loaded; the limiter is on."""
        for target in self.targets.values():
            if not target.ready:
                continue
            try:
                async with http.get(target.url, headers=self.headers) as resp:
                    await resp.read()
                    status, limit = resp.status, resp.headers.get("X-RateLimit-Limit")
            except (aiohttp.ClientError, TimeoutError) as exc:
                self.miss([target.key], f"GET failed before the load ({type(exc).__name__})")
                continue
            if status != 200:
                self.miss([target.key], f"GET answered {status}, not 200, before the load")
                continue
            if target.key == "gateway" and limit != str(RATE_LIMIT):
                self.notes.append(
                    f"the gateway's answer carried X-RateLimit-Limit {limit!r}, "
                    f"not {RATE_LIMIT}: is its limiter running?"
                )
            if target.key == "gateway-no-fs" and limit != str(RATE_LIMIT):
                self.notes.append("the gateway with fault sessions off did not rate-limit")
            if target.key == "gateway-no-rl" and limit is not None:
                self.notes.append("the gateway with the limiter off still sent X-RateLimit-*")
            target.pids = self.pids_of(target)

    def pids_of(self, target: Target) -> list[int]:
        pids = []
        for name in target.serving:
            child = self.procs.get(name)
            if child is not None:
                pids += nginx_pids(child) if name == "nginx" else [child.pid]
        return pids
