"""The lock files as pip reads them: one pinned requirement per entry, with markers and hashes."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

from tests.deploy.repo import REQUIREMENTS_DEV, ROOT

WORKSPACE_LOCK = ROOT / "requirements.lock"
# Every folder `make install` installs (editable); none of them is in a lock.
LOCAL = [
    "service-kit", "pets-service", "gateway", "weather-stub", "recommendations-stub",
    "records-worker", "petstore-faults", "petstore-cli",
]  # fmt: skip


@dataclass(frozen=True)
class Pin:
    name: NormalizedName
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]

    def applies(self, environment: dict[str, str] | None = None) -> bool:
        return self.marker is None or self.marker.evaluate(environment)


def read_lock(path: Path) -> dict[NormalizedName, list[Pin]]:
    """Entries by name (a universal lock may pin one name twice, under exclusive markers)."""
    text = re.sub(r"#[^\n]*", "", path.read_text(encoding="utf-8")).replace("\\\n", " ")
    pins: dict[NormalizedName, list[Pin]] = {}
    for line in text.splitlines():
        head, *hashes = [part.strip() for part in line.split("--hash=")]
        if not head:
            assert not hashes, f"{path.name}: a hash without a requirement"
            continue
        assert not head.startswith("-"), f"{path.name}: not a pinned requirement: {head}"
        requirement = Requirement(head)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{path.name}: {head} is not pinned"
        pin = Pin(
            canonicalize_name(requirement.name), spec.version, requirement.marker, tuple(hashes)
        )
        pins.setdefault(pin.name, []).append(pin)
    return pins


def pinned(pins: dict[NormalizedName, list[Pin]], name: str) -> Pin | None:
    """The entry of ``name`` that applies to this interpreter, or None."""
    found = [pin for pin in pins.get(canonicalize_name(name), []) if pin.applies()]
    assert len(found) <= 1, f"two pins of {name} apply here: {found}"
    return found[0] if found else None


def declared(folder: str) -> list[Requirement]:
    """A folder's pyproject dependencies, every optional group included."""
    data = tomllib.loads((ROOT / folder / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    lines = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        lines += group
    return [Requirement(line) for line in lines]


def dev_requirements() -> list[Requirement]:
    lines = REQUIREMENTS_DEV.read_text(encoding="utf-8").splitlines()
    return [Requirement(line) for line in (raw.split("#", 1)[0].strip() for raw in lines) if line]


def unmet(requirements: list[Requirement], pins: dict[NormalizedName, list[Pin]]) -> list[str]:
    """Each requirement (for this interpreter) that the lock lacks or pins outside its range."""
    problems: list[str] = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name in LOCAL_NAMES or (requirement.marker and not requirement.marker.evaluate()):
            continue
        pin = pinned(pins, name)
        if pin is None:
            problems.append(f"{requirement} is not in the lock")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{requirement}: the lock pins {pin.version}")
    return problems


LOCAL_NAMES = {canonicalize_name(folder) for folder in LOCAL}
