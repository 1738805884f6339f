"""What pip installs for the workspace: the dependency closure, read from installed metadata."""

import importlib.metadata

from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

from tests.deploy.locks import LOCAL, declared


def _requires(name: NormalizedName) -> list[Requirement]:
    if name in {canonicalize_name(folder) for folder in LOCAL}:
        folder = next(f for f in LOCAL if canonicalize_name(f) == name)
        return declared(folder)
    return [Requirement(line) for line in importlib.metadata.requires(name) or []]


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    marker = requirement.marker
    return marker is None or any(marker.evaluate({"extra": e}) for e in extras | {""})


def installed_closure(roots: list[Requirement]) -> set[NormalizedName]:
    """Every distribution the roots need here (markers and extras evaluated for this Python)."""
    seen: dict[NormalizedName, set[str]] = {}
    pending = [root for root in roots if _applies(root, set())]
    while pending:
        requirement = pending.pop()
        name, extras = canonicalize_name(requirement.name), set(requirement.extras)
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        pending += [child for child in _requires(name) if _applies(child, seen[name])]
    return set(seen)
