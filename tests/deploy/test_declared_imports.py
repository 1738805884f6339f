"""Every package a project imports is declared in that project's own pyproject.toml (its
dependencies or one of its extras), so its wheel installs what it needs on a clean machine."""

import ast
import importlib.metadata
import re
import sys
import tomllib

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


def imported(project: str) -> dict[str, set[str]]:
    """Top-level modules imported by the project's code -> the files importing each."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / project / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top not in sys.stdlib_module_names:
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
    for module, files in imported(project).items():
        given_by = distributions.get(module, set())
        assert given_by, f"{module} (imported by {sorted(files)}) is not installed"
        if not given_by & ours:
            missing[module] = sorted(files)
    assert not missing, f"{project}/pyproject.toml does not declare what these import: {missing}"
