"""The repository as deployment sees it: its services, suite.env, the documented variables."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Compose = dict[str, Any]  # a parsed docker-compose.yml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERIGNORE = ROOT / ".dockerignore"
SUITE_ENV = ROOT / "petstore-cli" / "src" / "petstore_cli" / "suite.env"
SUITE_ENV_REL = SUITE_ENV.relative_to(ROOT).as_posix()
CONFIGURATION_MD = ROOT / "docs" / "configuration.md"
REQUIREMENTS_DEV = ROOT / "requirements-dev.txt"
SHARED_LIBRARY = "service-kit"


@dataclass(frozen=True)
class Service:
    folder: str
    package: str
    port: int
    port_var: str

    @property
    def src(self) -> Path:
        return ROOT / self.folder / "src" / self.package

    @property
    def dockerfile(self) -> Path:
        return ROOT / self.folder / "Dockerfile"

    @property
    def written(self) -> bool:
        """Whether it can run yet (services are being written alongside this suite)."""
        return (self.src / "__main__.py").is_file()


# docs/architecture.md: names, packages and default ports (the contract).
SERVICES = {
    s.folder: s
    for s in [
        Service("gateway", "gateway", 8080, "GATEWAY_PORT"),
        Service("pets-service", "pets_service", 8081, "PETS_SERVICE_PORT"),
        Service("weather-stub", "weather_stub", 8082, "WEATHER_STUB_PORT"),
        Service("recommendations-stub", "recommendations_stub", 8083, "RECOMMENDATIONS_STUB_PORT"),
        Service("records-worker", "records_worker", 8084, "RECORDS_WORKER_PORT"),
    ]
}
PUBLISHED = {"gateway", "weather-stub", "recommendations-stub"}
SCALABLE = {"pets-service", "records-worker"}
INFRASTRUCTURE = {"redis", "kafka", "kafka-init"}
# Started only with `--profile NAME`: the tracing backend (docs/observability.md).
OPTIONAL = {"jaeger"}


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as docker compose's env_file and the local launcher read them."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"{path.name}: not KEY=VALUE: {line!r}"
            values[key.strip()] = value.strip()
    return values


@dataclass(frozen=True)
class DocumentedVariable:
    name: str
    default: str
    section: str


_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|([^|]*)\|")


def documented_variables() -> list[DocumentedVariable]:
    """Every variable row of docs/configuration.md, with its section heading."""
    rows: list[DocumentedVariable] = []
    section = ""
    for line in CONFIGURATION_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        match = _ROW.match(line)
        if match:
            cell = match.group(2).strip()
            quoted = re.search(r"`([^`]*)`", cell)
            default = quoted.group(1) if quoted else ""  # "(empty)"
            rows.append(DocumentedVariable(match.group(1), default, section))
    return rows


def documented_for(service: Service) -> set[str]:
    """The variables docs/configuration.md lists for one service."""
    names: set[str] = set()
    for var in documented_variables():
        heading = var.section.lower()
        if heading.startswith("every service"):
            names.add(var.name)
        elif heading.startswith("ports"):
            if var.name == service.port_var:
                names.add(var.name)
        elif service.folder.replace("-", " ") in heading:
            names.add(var.name)
    return names


def wheel_package(folder: str) -> str:
    """The import package a folder's pyproject.toml puts in its wheel."""
    data = tomllib.loads((ROOT / folder / "pyproject.toml").read_text(encoding="utf-8"))
    packages = data["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert len(packages) == 1, f"{folder}: one package per wheel expected, got {packages}"
    return str(packages[0]).rsplit("/", 1)[-1]


def project_scripts(folder: str) -> dict[str, str]:
    data = tomllib.loads((ROOT / folder / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(data["project"].get("scripts", {}))
