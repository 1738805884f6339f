"""Every package a project imports is declared in that project's own pyproject.toml (its
dependencies or one of its extras), so its wheel installs what it needs on a clean machine;
the tests and the benchmark import only what requirements-dev.txt (or a project) installs,
and the examples only what examples/requirements.txt names."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

from tests.deploy.repo import ROOT, wheel_package

PROJECTS = sorted(path.parent.name for path in ROOT.glob("*/pyproject.toml"))
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(project: str) -> set[str]:
    data = tomllib.loads((ROOT / project / "pyproject.toml").read_text(encoding="utf-8"))
    table = data["project"]
    requirements = list(table.get("dependencies", []))
    for extra in table.get("optional-dependencies", {}).values():
        requirements += extra
    names = {normalized(match.group(0)) for req in requirements if (match := _NAME.match(req))}
    return names | {normalized(table["name"])}


def requirements(path: Path) -> set[str]:
    """The distributions a requirements file names."""
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _NAME.match(line.partition("#")[0].strip())
        if match:
            names.add(normalized(match.group(0)))
    return names


def imported(folder: str, local: frozenset[str] = frozenset()) -> dict[str, set[str]]:
    """Top-level modules the code under ``folder`` imports -> the files importing each
    (the standard library and the folder's own ``local`` modules left out)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(top, set()).add(path.relative_to(ROOT).as_posix())
    return found


def providers() -> dict[str, set[str]]:
    """Import name -> the distributions that provide it (editable workspace ones included)."""
    found = {
        module: {normalized(name) for name in names}
        for module, names in importlib.metadata.packages_distributions().items()
    }
    for folder in PROJECTS:
        data = tomllib.loads((ROOT / folder / "pyproject.toml").read_text(encoding="utf-8"))
        found.setdefault(wheel_package(folder), set()).add(normalized(data["project"]["name"]))
    return found


@pytest.mark.parametrize("project", PROJECTS)
def test_every_import_is_declared_by_the_project_that_imports_it(project: str) -> None:
    distributions = providers()
    ours = declared(project)
    missing = {}
    for module, files in imported(f"{project}/src").items():
        given_by = distributions.get(module, set())
        assert given_by, f"{module} (imported by {sorted(files)}) is not installed"
        if not given_by & ours:
            missing[module] = sorted(files)
    assert not missing, f"{project}/pyproject.toml does not declare what these import: {missing}"


def undeclared(code: dict[str, set[str]], allowed: set[str]) -> dict[str, list[str]]:
    distributions = providers()
    return {
        module: sorted(files)
        for module, files in code.items()
        if not distributions.get(module, set()) & allowed
    }


def with_dependencies(names: set[str]) -> set[str]:
    """These distributions and everything they install (their requirements, transitively)."""
    found, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        try:
            required = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo += [
            normalized(match.group(0))
            for req in required
            if "extra ==" not in req and (match := _NAME.match(req))
        ]
    return found


def test_the_tests_and_the_benchmark_import_only_what_is_installed_for_them() -> None:
    # What requirements-dev.txt or a project installs, directly or through its own needs
    # (the tests use aiohttp's yarl as aiohttp hands it out, without a pin of their own).
    allowed = requirements(ROOT / "requirements-dev.txt")
    for project in PROJECTS:
        allowed |= declared(project)
    allowed = with_dependencies(allowed)
    for folder in ("tests", "bench", "deploy"):
        missing = undeclared(imported(folder, frozenset({"tests", "bench", "deploy"})), allowed)
        assert not missing, f"{folder}: not in requirements-dev.txt: {missing}"


def test_the_examples_import_only_what_their_requirements_name() -> None:
    local = frozenset(path.stem for path in (ROOT / "examples").glob("*.py"))
    missing = undeclared(
        imported("examples", local), requirements(ROOT / "examples" / "requirements.txt")
    )
    assert not missing, f"examples/requirements.txt does not name: {missing}"
