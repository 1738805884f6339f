"""make lint's schema checks: compose files against the Compose specification, k8s/ against the
Kubernetes schemas, with the schemas the two tools ship (no network), and both able to fail."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.deploy.manifests import KUSTOMIZATION
from tests.deploy.repo import COMPOSE_FILE, ROOT

BIN = Path(sys.executable).parent
SKIPPED_DIRS = {".git", ".venv", "node_modules", "k8s"}


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)


def lint_command(tool: str) -> list[str]:
    """The `make lint` line that runs tool, with its file list expanded by make."""
    printed = run("make", "--no-print-directory", "-n", "lint").stdout.splitlines()
    lines = [line.split() for line in printed if line.split()[:1] == [f".venv/bin/{tool}"]]
    assert len(lines) == 1, f"make lint runs {tool} once: {printed}"
    return lines[0]


def compose_files() -> set[Path]:
    """Every YAML file of the tree with a top-level `services:` mapping."""
    found: set[Path] = set()
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in files:
            if name.endswith((".yml", ".yaml")):
                path = Path(folder, name)
                loaded = yaml.safe_load(path.read_text("utf-8"))
                if isinstance(loaded, dict) and isinstance(loaded.get("services"), dict):
                    found.add(path)
    return found


def test_make_lint_checks_every_compose_file() -> None:
    command = lint_command("check-jsonschema")
    assert command[1:3] == ["--builtin-schema", "vendor.compose-spec"]
    checked = {(ROOT / name).resolve() for name in command[3:]}
    assert COMPOSE_FILE in checked
    assert checked == compose_files()
    done = run(str(BIN / "check-jsonschema"), *command[1:])
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_file_compose_would_refuse_fails_the_check(tmp_path: Path) -> None:
    broken = yaml.safe_load(COMPOSE_FILE.read_text("utf-8"))
    broken["services"]["gateway"]["healthcheck"]["retires"] = 5  # a misspelt key
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    done = run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path))
    assert done.returncode == 1
    assert "$.services.gateway" in done.stdout
    assert "'healthcheck'" in done.stdout, "the service whose key is misspelt is named"


def test_make_lint_checks_every_manifest_strictly() -> None:
    command = lint_command("kubernetes-validate")
    assert command[1:3] == ["--strict", "--quiet"]
    checked = {(ROOT / name).resolve() for name in command[3:]}
    assert checked == set((ROOT / "k8s").glob("*.yaml")) - {KUSTOMIZATION}
    done = run(str(BIN / "kubernetes-validate"), *command[1:])
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_manifest_the_api_server_would_refuse_fails_the_check(tmp_path: Path) -> None:
    documents = list(yaml.safe_load_all((ROOT / "k8s" / "gateway.yaml").read_text("utf-8")))
    probe = documents[0]["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    probe["httpGet"]["port"] = {"name": "http"}  # neither a number nor a port name
    path = tmp_path / "gateway.yaml"
    path.write_text(yaml.safe_dump_all(documents), encoding="utf-8")
    done = run(str(BIN / "kubernetes-validate"), "--strict", "--quiet", str(path))
    assert done.returncode != 0
    assert "readinessProbe" in done.stdout + done.stderr
