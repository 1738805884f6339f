"""Every variable compose and suite.env set is documented, and read by the code it is meant for."""

from typing import Any

import pytest

from tests.deploy.composefile import environment
from tests.deploy.dockerfile import Dockerfile, env_assignments
from tests.deploy.envnames import service_reads
from tests.deploy.repo import SERVICES, Service, documented_for, documented_variables

python_services = pytest.mark.parametrize("service", list(SERVICES.values()), ids=list(SERVICES))
Services = dict[str, dict[str, Any]]
# Interpreter and path settings of the image, not the service's.
IMAGE_ONLY = {
    "PATH",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PIP_DISABLE_PIP_VERSION_CHECK",
}


def reads(service: Service) -> set[str]:
    """What the service's settings read."""
    assert service.written, f"{service.folder} has no __main__.py"
    return service_reads(service.package)


def test_suite_env_holds_the_documented_defaults(suite_env: dict[str, str]) -> None:
    documented: dict[str, set[str]] = {}
    for var in documented_variables():
        documented.setdefault(var.name, set()).add(var.default)
    for name, value in suite_env.items():
        assert name in documented, f"suite.env sets {name}, which docs/configuration.md lacks"
        assert documented[name] == {value}, f"{name}: suite.env {value!r}, docs {documented[name]}"


def test_suite_env_leaves_addresses_to_each_run_mode(suite_env: dict[str, str]) -> None:
    local = {v.name for v in documented_variables() if "127.0.0.1" in v.default}
    ports = {s.port_var for s in SERVICES.values()}
    assert not (local | ports | {"BIND_HOST", "PROBLEM_BASE_URL"}) & set(suite_env)


@python_services
def test_compose_overrides_no_shared_setting(
    services: Services, suite_env: dict[str, str], service: Service
) -> None:
    overridden = set(environment(services[service.folder])) & set(suite_env)
    assert not overridden, f"set these in suite.env only: {overridden}"


@python_services
def test_compose_sets_only_documented_variables(services: Services, service: Service) -> None:
    undocumented = set(environment(services[service.folder])) - documented_for(service)
    assert not undocumented, f"{service.folder}: not in docs/configuration.md: {undocumented}"


@python_services
def test_compose_sets_only_what_the_service_reads(services: Services, service: Service) -> None:
    unread = set(environment(services[service.folder])) - reads(service)
    assert not unread, f"{service.folder}/settings.py does not read {unread}"


@python_services
def test_compose_gives_every_address_the_service_reads(
    services: Services, service: Service
) -> None:
    # A default of 127.0.0.1 inside a container points at the container itself.
    local = {v.name for v in documented_variables() if "127.0.0.1" in v.default}
    needed = reads(service) & (local | {"BIND_HOST", service.port_var})
    missing = needed - set(environment(services[service.folder]))
    assert not missing, f"{service.folder} would use its loopback default for {missing}"


@python_services
def test_the_image_sets_only_what_the_service_reads(
    dockerfiles: dict[str, Dockerfile], service: Service
) -> None:
    dockerfile = dockerfiles[service.folder]
    env = env_assignments(" ".join(dockerfile.all("ENV", dockerfile.last_stage)))
    unread = set(env) - IMAGE_ONLY - reads(service)
    assert not unread, f"{service.folder}/Dockerfile sets {unread}, which nothing reads"


def test_every_shared_setting_is_read_by_some_service(suite_env: dict[str, str]) -> None:
    read: set[str] = set()
    for service in SERVICES.values():
        read |= service_reads(service.package)
    unread = set(suite_env) - read
    assert not unread, f"suite.env sets {unread}, which no service reads"


def test_the_reader_finds_declared_variables_and_their_fallbacks() -> None:
    stub = service_reads("weather_stub")
    assert {"WEATHER_STUB_PORT", "WEATHER_STUB_FAULT", "STUB_FAULT", "BIND_HOST"} <= stub
    assert "GATEWAY_PORT" not in stub
