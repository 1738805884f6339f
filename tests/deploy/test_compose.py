"""docker-compose.yml: services, builds, ports, start order and the infrastructure it needs."""

from typing import Any

import pytest

from petstore_cli import chaos, plan
from tests.deploy.composefile import (
    address,
    depends_on,
    env_files,
    environment,
    published_ports,
    render_command,
    seconds,
)
from tests.deploy.repo import (
    INFRASTRUCTURE,
    OPTIONAL,
    PUBLISHED,
    ROOT,
    SCALABLE,
    SERVICES,
    SUITE_ENV_REL,
    Compose,
    Service,
)

Services = dict[str, dict[str, Any]]
python_services = pytest.mark.parametrize("service", list(SERVICES.values()), ids=list(SERVICES))

KAFKA_INIT = "kafka-init"


def test_the_project_and_its_services_have_the_documented_names(
    compose: Compose, services: Services
) -> None:
    assert compose.get("name") == "petstore"
    assert set(services) == set(SERVICES) | INFRASTRUCTURE | OPTIONAL
    # `petstore chaos` finds containers by these compose service names.
    assert set(chaos.SERVICES) <= set(services)


def test_both_run_modes_agree_on_modules_and_ports(services: Services) -> None:
    launched = {name: (module, var, port) for name, module, var, port in plan.SERVICES}
    for name, service in SERVICES.items():
        assert launched[name] == (service.package, service.port_var, service.port)
        assert environment(services[name])[service.port_var] == str(service.port)


@python_services
def test_each_service_is_built_from_the_root_with_its_own_dockerfile(
    services: Services, service: Service
) -> None:
    build = services[service.folder]["build"]
    assert build == {"context": ".", "dockerfile": f"{service.folder}/Dockerfile"}
    assert (ROOT / build["dockerfile"]).is_file()
    assert "image" not in services[service.folder], "a built service must not also pull an image"


@python_services
def test_each_service_reads_the_shared_settings_file(services: Services, service: Service) -> None:
    assert env_files(services[service.folder]) == [SUITE_ENV_REL]
    assert (ROOT / SUITE_ENV_REL).is_file()


@python_services
def test_environment_values_are_quoted_strings(services: Services, service: Service) -> None:
    # YAML would read yes/no/on/off as booleans and 0755 as a number; compose wants strings.
    raw = services[service.folder]["environment"]
    assert isinstance(raw, dict)
    assert all(isinstance(value, str) for value in raw.values()), raw


@python_services
def test_containers_listen_on_all_interfaces_and_link_problems_to_the_gateway(
    services: Services, service: Service
) -> None:
    env = environment(services[service.folder])
    assert env["BIND_HOST"] == "0.0.0.0"
    assert env["PROBLEM_BASE_URL"] == "http://localhost:8080/problems/"


def test_the_gateway_reaches_every_upstream_by_service_name(services: Services) -> None:
    env = environment(services["gateway"])
    assert env["PETS_SERVICE_URL"] == "http://pets-service:8081"
    assert env["WEATHER_URL"] == "http://weather-stub:8082"
    assert env["RECOMMENDATIONS_URL"] == "http://recommendations-stub:8083"
    assert env["REDIS_URL"] == "redis://redis:6379/0"


def test_the_producer_is_idempotent_against_apache_kafka(services: Services) -> None:
    env = environment(services["pets-service"])
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["KAFKA_IDEMPOTENT_PRODUCER"] == "true"
    assert environment(services["records-worker"])["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"


def test_only_the_gateway_and_the_stubs_are_published_on_the_host(services: Services) -> None:
    published = {
        name for name, entry in services.items() if entry.get("ports") and not entry.get("profiles")
    }
    assert published == PUBLISHED
    for name in PUBLISHED:
        port = SERVICES[name].port
        # Loopback only: the stubs' fault API has no authentication, by design.
        assert published_ports(services[name]) == [("127.0.0.1", port, port)]


def test_scalable_services_have_no_fixed_name_or_host_port(services: Services) -> None:
    for name, entry in services.items():
        assert "container_name" not in entry, f"{name}: container_name prevents --scale"
    for name in SCALABLE:
        for key in ("ports", "hostname", "container_name"):
            assert key not in services[name], f"{name}: {key} prevents --scale"


def test_every_long_running_service_has_a_healthcheck(services: Services) -> None:
    for name, entry in services.items():
        if name == KAFKA_INIT:
            continue
        check = entry.get("healthcheck") or {}
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} disables its healthcheck"


def _target_of(value: str, services: Services) -> str | None:
    found = address(value)
    return found[0] if found and found[0] in services else None


def _listening_port(name: str, services: Services) -> int:
    if name in SERVICES:
        return int(environment(services[name])[SERVICES[name].port_var])
    return {"redis": 6379, "kafka": 9092}[name]


@pytest.mark.parametrize("name", [*SERVICES, "kafka-init"])
def test_every_address_points_at_a_service_it_waits_for(
    services: Services, suite_env: dict[str, str], name: str
) -> None:
    entry = services[name]
    waits = depends_on(entry)
    values = list(environment(entry).values())
    if name == KAFKA_INIT:
        values += [arg for argv in render_command(entry["command"][0], suite_env) for arg in argv]
    for value in values:
        target = _target_of(value, services)
        if target is None:
            continue
        found = address(value)
        assert found is not None
        assert found[1] == _listening_port(target, services), f"{name}: {value} is the wrong port"
        assert waits.get(target) == "service_healthy", f"{name} uses {target} before it is healthy"
        if target == "kafka" and name != KAFKA_INIT:
            # The topics (and their partitions) must exist before anyone produces or consumes.
            assert waits.get(KAFKA_INIT) == "service_completed_successfully"
    for dependency, condition in waits.items():
        assert dependency in services
        assert condition in {"service_healthy", "service_completed_successfully"}, (
            f"{name} only waits for {dependency} to start"
        )


def test_the_gateway_starts_after_everything_it_calls(services: Services) -> None:
    assert depends_on(services["gateway"]) == {
        "redis": "service_healthy",
        "pets-service": "service_healthy",
        "weather-stub": "service_healthy",
        "recommendations-stub": "service_healthy",
    }


@python_services
def test_services_get_longer_to_stop_than_their_drain(
    services: Services, service: Service, suite_env: dict[str, str]
) -> None:
    grace = seconds(services[service.folder].get("stop_grace_period", "10s"))
    assert grace > float(suite_env["SHUTDOWN_TIMEOUT_SECONDS"])


def test_redis_persists_to_a_named_volume(compose: Compose, services: Services) -> None:
    redis = services["redis"]
    image = str(redis["image"])
    assert image.startswith(("valkey/valkey:", "redis:")), image
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert "redis-data:/data" in redis["volumes"]
    assert "redis-data" in compose["volumes"]
    assert "valkey-cli ping" in " ".join(redis["healthcheck"]["test"])


def test_kafka_is_a_single_kraft_node_on_a_named_volume(
    compose: Compose, services: Services
) -> None:
    kafka = services["kafka"]
    assert str(kafka["image"]).startswith("apache/kafka:")
    env = environment(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert f"kafka-data:{env['KAFKA_LOG_DIRS']}" in kafka["volumes"]
    assert "kafka-data" in compose["volumes"]


def test_kafka_init_creates_the_topics_of_the_shared_settings(
    services: Services, suite_env: dict[str, str]
) -> None:
    init = services[KAFKA_INIT]
    assert init["image"] == services["kafka"]["image"]
    assert init.get("restart") == "no"
    assert env_files(init) == [SUITE_ENV_REL]
    commands = render_command(init["command"][0], suite_env)
    created: dict[str, int] = {}
    for argv in commands:
        assert argv[0].endswith("kafka-topics.sh"), argv
        assert "--create" in argv, argv
        assert "--if-not-exists" in argv, argv
        created[argv[argv.index("--topic") + 1]] = int(argv[argv.index("--partitions") + 1])
    # docs/medical-records.md: medical-records with 3 partitions, and its dead-letter topic.
    assert created == {"medical-records": 3, "medical-records.dlq": 1}
    assert suite_env["MEDICAL_RECORDS_TOPIC"] == "medical-records"
    assert int(suite_env["MEDICAL_RECORDS_PARTITIONS"]) == created["medical-records"]


def test_the_tracing_profile_adds_jaeger_and_tracing_stays_off_without_it(
    services: Services,
) -> None:
    jaeger = services["jaeger"]
    assert jaeger["profiles"] == ["tracing"]
    assert str(jaeger["image"]).startswith("jaegertracing/jaeger:")
    assert published_ports(jaeger) == [("127.0.0.1", 16686, 16686)]  # the UI, loopback only
    for service in SERVICES:
        # Empty (tracing off) unless the variable is given to `docker compose`.
        endpoint = environment(services[service])["OTEL_EXPORTER_OTLP_ENDPOINT"]
        assert endpoint == "${OTEL_EXPORTER_OTLP_ENDPOINT:-}"
        assert "jaeger" not in depends_on(services[service])  # tracing is never required
