"""What each image installs: the wheels pip builds from its two folders, and their dependencies."""

import re
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from tests.deploy.repo import REQUIREMENTS_DEV, ROOT, SERVICES, SHARED_LIBRARY, Service
from tests.deploy.wheels import dependency_closure, wheel_entry_points, wheel_files, wheel_metadata

python_services = pytest.mark.parametrize("service", list(SERVICES.values()), ids=list(SERVICES))
# Tools that must never reach an image, beyond what requirements-dev.txt lists.
TOOLS = {"docker", "hatchling", "pip-audit", "setuptools-scm", "pytest", "ruff", "mypy"}


def dev_packages() -> set[str]:
    names = set(TOOLS)
    for line in REQUIREMENTS_DEV.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(re.split(r"[\s<>=!~;\[]", line, maxsplit=1)[0])
    return {canonicalize_name(name) for name in names}


def test_the_dev_list_is_read() -> None:
    assert {"pytest", "ruff", "mypy", "pyyaml"} <= dev_packages()


@python_services
def test_the_wheel_holds_every_module_of_the_package(
    wheels: dict[str, Path], service: Service
) -> None:
    wheel = wheels[canonicalize_name(service.folder)]
    packed = wheel_files(wheel)
    sources = [
        p.relative_to(service.src.parent).as_posix()
        for p in service.src.rglob("*.py")
        if "__pycache__" not in p.parts
    ]
    assert f"{service.package}/__init__.py" in sources
    missing = [path for path in sources if path not in packed]
    assert not missing, f"{wheel.name} lacks {missing}"
    assert f"{service.package}.__main__:main" in wheel_entry_points(wheel)


def test_the_shared_library_wheel_holds_every_module(wheels: dict[str, Path]) -> None:
    src = ROOT / SHARED_LIBRARY / "src"
    packed = wheel_files(wheels[canonicalize_name(SHARED_LIBRARY)])
    sources = [
        p.relative_to(src).as_posix() for p in src.rglob("*.py") if "__pycache__" not in p.parts
    ]
    assert sources
    assert not [path for path in sources if path not in packed]


@python_services
def test_the_image_gets_its_runtime_dependencies_and_nothing_else(
    wheels: dict[str, Path], service: Service
) -> None:
    closure = dependency_closure([SHARED_LIBRARY, service.folder], wheels)
    declared = {
        canonicalize_name(re.split(r"[\s<>=!~;\[]", line, maxsplit=1)[0])
        for line in wheel_metadata(wheels[canonicalize_name(service.folder)])
    }
    assert {canonicalize_name(SHARED_LIBRARY), canonicalize_name(service.folder)} <= closure
    assert declared <= closure
    assert {"aiohttp", "orjson", "pyjwt"} <= closure, "service-kit's own dependencies"
    dev = closure & dev_packages()
    assert not dev, f"{service.folder}'s image would carry dev tools: {dev}"
    others = {canonicalize_name(f) for f in SERVICES if f != service.folder} | {"petstore-cli"}
    assert not closure & others, f"{service.folder}'s image would carry {closure & others}"


def test_extras_and_markers_are_followed(wheels: dict[str, Path]) -> None:
    # redis[hiredis] brings hiredis; uvloop is for every platform but Windows.
    closure = dependency_closure([SHARED_LIBRARY, "gateway"], wheels)
    assert {"redis", "hiredis", "uvloop"} <= closure
    assert "aiokafka" not in dependency_closure([SHARED_LIBRARY, "weather-stub"], wheels)
