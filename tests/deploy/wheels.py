"""What an image installs: the wheels pip builds from the folders, and their dependency closure."""

import email.parser
import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# The images run CPython 3.11 on Linux (python:3.11-slim): markers are evaluated for that
# (Marker.evaluate fills in the rest from this interpreter).
IMAGE_MARKERS: dict[str, str] = {
    "os_name": "posix",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "python_version": "3.11",
    "python_full_version": "3.11.14",
}


def build_wheels(folders: list[Path], out: Path) -> dict[str, Path]:
    """`pip wheel` of the folders, as `pip install ./folder` builds them (no dependencies)."""
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check"]
    command += ["--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", str(out)]
    done = subprocess.run(
        command + [str(f) for f in folders], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"pip wheel failed:\n{done.stdout}\n{done.stderr}"
    return {canonicalize_name(w.name.split("-", 1)[0]): w for w in out.glob("*.whl")}


def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def wheel_metadata(wheel: Path) -> list[str]:
    """The Requires-Dist lines of a wheel's METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))
    return message.get_all("Requires-Dist") or []


def wheel_entry_points(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))
        return archive.read(name).decode("utf-8")


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**IMAGE_MARKERS, "extra": extra}) for extra in (extras or {""})
    )


def dependency_closure(roots: list[str], local: dict[str, Path]) -> set[str]:
    """Distribution names pip would install for roots: local wheels first, else this venv's."""
    seen: dict[str, set[str]] = {}
    pending = [(canonicalize_name(name), set[str]()) for name in roots]
    while pending:
        name, extras = pending.pop()
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        if name in local:
            requires = wheel_metadata(local[name])
        else:
            try:
                requires = importlib.metadata.requires(name) or []
            except importlib.metadata.PackageNotFoundError:
                raise AssertionError(f"{name} is needed but not installed in this venv") from None
        for line in requires:
            requirement = Requirement(line)
            if _applies(requirement, seen[name]):
                pending.append((canonicalize_name(requirement.name), set(requirement.extras)))
    return set(seen)
