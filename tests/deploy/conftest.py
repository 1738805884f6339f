"""Fixtures for the deployment files: the parsed compose file, suite.env, Dockerfiles, wheels."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.composefile import interpolated
from tests.deploy.dockerfile import Dockerfile
from tests.deploy.repo import (
    COMPOSE_FILE,
    ROOT,
    SERVICES,
    SHARED_LIBRARY,
    SUITE_ENV,
    Compose,
    read_env_file,
)
from tests.deploy.wheels import build_wheels


@pytest.fixture(scope="session")
def compose() -> Compose:
    loaded = yaml.safe_load(interpolated(COMPOSE_FILE.read_text(encoding="utf-8")))
    assert isinstance(loaded, dict), "docker-compose.yml is not a mapping"
    return loaded


@pytest.fixture(scope="session")
def services(compose: Compose) -> dict[str, dict[str, Any]]:
    found = compose.get("services")
    assert isinstance(found, dict), "docker-compose.yml has no services"
    return found


@pytest.fixture(scope="session")
def suite_env() -> dict[str, str]:
    return read_env_file(SUITE_ENV)


@pytest.fixture(scope="session")
def dockerfiles() -> dict[str, Dockerfile]:
    return {name: Dockerfile.read(s.dockerfile) for name, s in SERVICES.items()}


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheels `pip install ./service-kit ./<service>` builds: the library and each service."""
    folders = [ROOT / SHARED_LIBRARY] + [ROOT / name for name in SERVICES]
    return build_wheels(folders, tmp_path_factory.mktemp("wheels"))
