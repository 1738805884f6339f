"""requirements.lock and each image's lock: complete, nothing extra, hashed, and installed."""

import importlib.metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.closure import installed_closure
from tests.deploy.locks import (
    LOCAL,
    LOCAL_NAMES,
    WORKSPACE_LOCK,
    declared,
    dev_requirements,
    pinned,
    read_lock,
    unmet,
)
from tests.deploy.repo import ROOT, SERVICES, SHARED_LIBRARY, Service
from tests.deploy.wheels import dependency_closure

python_services = pytest.mark.parametrize("service", list(SERVICES.values()), ids=list(SERVICES))
WORKSPACE = read_lock(WORKSPACE_LOCK)


@pytest.mark.parametrize("folder", LOCAL)
def test_every_dependency_of_every_pyproject_is_locked_in_range(folder: str) -> None:
    assert declared(folder), f"{folder} declares no dependency"
    assert not unmet(declared(folder), WORKSPACE), "run `make lock`"


def test_every_dev_requirement_is_locked_at_its_pin() -> None:
    assert not unmet(dev_requirements(), WORKSPACE), "run `make lock`"


def test_a_missing_or_out_of_range_dependency_is_reported() -> None:
    problems = unmet([Requirement("not-in-any-lock>=1"), Requirement("aiohttp<1")], WORKSPACE)
    assert problems[0] == "not-in-any-lock>=1 is not in the lock"
    assert problems[1].startswith("aiohttp<1: the lock pins ")
    assert not unmet([Requirement("aiohttp; sys_platform == 'nonesuch'")], WORKSPACE)


def test_the_lock_holds_exactly_what_the_inputs_need() -> None:
    roots = [r for folder in LOCAL for r in declared(folder)] + dev_requirements()
    needed = installed_closure(roots) - LOCAL_NAMES
    locked = {name for name in WORKSPACE if pinned(WORKSPACE, name)}
    assert needed - locked == set(), "missing from the lock: run `make lock`"
    assert locked - needed == set(), "no longer needed: run `make lock`"


def test_make_install_installed_exactly_the_locked_versions() -> None:
    for name in WORKSPACE:
        pin = pinned(WORKSPACE, name)
        if pin is not None:
            assert importlib.metadata.version(name) == pin.version, name


def test_every_entry_is_hashed_and_none_is_ours() -> None:
    for path in [WORKSPACE_LOCK] + [
        s.dockerfile.parent / "requirements.lock" for s in SERVICES.values()
    ]:
        pins = read_lock(path)
        assert pins, path
        assert not LOCAL_NAMES & set(pins), f"{path}: our own packages are installed from source"
        for name, entries in pins.items():
            for pin in entries:
                assert pin.hashes, f"{path}: {name} has no hash"
                assert all(h.startswith("sha256:") for h in pin.hashes), name
        first_lines = path.read_text("utf-8").splitlines()[:2]
        assert first_lines[1].strip("# ") == "make lock", f"{path}: not written by make lock"


@python_services
def test_each_image_lock_is_its_closure_at_the_workspace_versions(
    wheels: dict[str, Path], service: Service
) -> None:
    image = read_lock(ROOT / service.folder / "requirements.lock")
    closure = dependency_closure([SHARED_LIBRARY, service.folder], wheels) - LOCAL_NAMES
    assert {name for name in image if pinned(image, name)} == closure
    for name in closure:
        ours, workspace = pinned(image, name), pinned(WORKSPACE, name)
        assert ours, name
        assert workspace, name
        assert (ours.version, ours.hashes) == (workspace.version, workspace.hashes), name
    assert canonicalize_name("pytest") not in image
