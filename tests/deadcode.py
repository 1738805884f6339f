"""Dead code: vulture's findings (configured in pyproject.toml), less the fields of
declarative classes (pydantic models, enums, typed dicts), which their library reads rather
than our code by name. ``python -m tests.deadcode`` (``make deadcode``) exits 1 on a finding.
"""

import enum
import importlib
import inspect
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, is_typeddict

from pydantic import BaseModel
from vulture import config, core

ROOT = Path(__file__).resolve().parents[1]


def module_name(filename: Path) -> str:
    parts = filename.resolve().relative_to(ROOT).with_suffix("").parts
    if "src" in parts:
        parts = parts[parts.index("src") + 1 :]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def declared_fields(filename: Path) -> frozenset[str]:
    """The fields and members of the declarative classes a module defines."""
    try:
        module = importlib.import_module(module_name(filename))
    except ImportError:
        return frozenset()
    names: set[str] = set()
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if cls.__module__ != module.__name__:
            continue
        if issubclass(cls, BaseModel):
            names |= set(cls.model_fields)
        elif issubclass(cls, enum.Enum):
            names |= set(cls.__members__)
        elif is_typeddict(cls):
            names |= set(cls.__annotations__)
    return frozenset(names)


def findings() -> Iterator[Any]:
    with (ROOT / "pyproject.toml").open("rb") as toml:
        settings = config.make_config([], tomlfile=toml)
    scan = core.Vulture(
        ignore_names=settings["ignore_names"], ignore_decorators=settings["ignore_decorators"]
    )
    scan.scavenge([str(ROOT / path) for path in settings["paths"]], exclude=settings["exclude"])
    for item in scan.get_unused_code(min_confidence=settings["min_confidence"]):
        if item.typ == "variable" and item.name in declared_fields(Path(item.filename)):
            continue
        yield item


def main() -> int:
    found = list(findings())
    for item in found:
        print(item.get_report())
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
