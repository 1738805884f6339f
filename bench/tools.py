"""nginx and wrk: found on the machine, else installed with apt-get (as root), else done without."""

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")
APT_TIMEOUT = 600.0
POLICY_RC = Path("/usr/sbin/policy-rc.d")

Say = Callable[[str], None]


@dataclass(frozen=True)
class Tools:
    nginx: str | None
    wrk: str | None
    notes: tuple[str, ...]


def which(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in SBIN_DIRS:
        path = Path(folder) / name
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def apt_candidate(policy_output: str) -> str | None:
    """The candidate version in `apt-cache policy NAME` output, or None when there is none."""
    for line in policy_output.splitlines():
        key, _, value = line.strip().partition(":")
        if key == "Candidate":
            value = value.strip()
            return None if value in ("", "(none)") else value
    return None


class Apt:
    """apt-get, used only as root; `apt-get update` runs at most once."""

    def __init__(self, say: Say) -> None:
        self.say = say
        self.usable = os.geteuid() == 0 and shutil.which("apt-get") is not None
        self._updated = False

    def _run(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        return subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=APT_TIMEOUT, check=False
        )

    def candidate(self, package: str) -> str | None:
        if not self._updated:
            self.say("apt-get update ...")
            self._run(["apt-get", "update"])
            self._updated = True
        return apt_candidate(self._run(["apt-cache", "policy", package]).stdout)

    def install(self, package: str) -> bool:
        # Debian starts a freshly installed nginx on port 80 unless policy-rc.d says no;
        # the benchmark starts its own, on 127.0.0.1 and a free port, so none is wanted.
        made_policy = False
        if not POLICY_RC.exists():
            POLICY_RC.write_text("#!/bin/sh\n# added by make bench while it installs\nexit 101\n")
            POLICY_RC.chmod(0o755)
            made_policy = True
        try:
            self.say(f"apt-get install -y {package} ...")
            done = self._run(["apt-get", "install", "-y", "--no-install-recommends", package])
        finally:
            if made_policy:
                POLICY_RC.unlink(missing_ok=True)
        if done.returncode != 0:
            self.say(f"apt-get install {package} failed: {done.stderr.strip()[-300:]}")
        return done.returncode == 0


def ensure(binary: str, packages: list[str], apt: Apt, install: bool) -> tuple[str | None, str]:
    """The binary's path (installing the first package that has a candidate), and a note."""
    found = which(binary)
    if found:
        return found, f"{binary}: {found}"
    if not install:
        return None, f"{binary}: not found (installing was turned off)"
    if not apt.usable:
        return None, f"{binary}: not found, and apt-get needs root"
    for package in packages:
        if apt.candidate(package) is None:
            apt.say(f"apt: no installable candidate for {package}")
            continue
        if apt.install(package):
            found = which(binary)
            if found:
                return found, f"{binary}: {found} (installed {package} with apt-get)"
    return None, f"{binary}: could not be installed from {' or '.join(packages)}"


def find_tools(say: Say, *, install: bool = True) -> Tools:
    apt = Apt(say)
    nginx, nginx_note = ensure("nginx", ["nginx-light", "nginx"], apt, install)
    wrk, wrk_note = ensure("wrk", ["wrk"], apt, install)
    return Tools(nginx, wrk, (nginx_note, wrk_note))


def version_of(argv: list[str]) -> str:
    """First line of a tool's version output (nginx prints it on stderr)."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (done.stdout + done.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def main() -> None:
    """`python -m bench.tools` (`make bench-tools`): install nginx and wrk if they are missing,
    so that the bench tests that drive them run; says what it found or why it could not."""
    tools = find_tools(print)
    for note in tools.notes:
        print("bench-tools:", note)


if __name__ == "__main__":
    main()
