"""k8s/settings.yaml, the suite's ConfigMap, written from suite.env by `make k8s-settings`.

The token secret is left out (k8s/secret.yaml holds it); every other line is copied as is, so
the cluster runs with the settings `make run` and docker-compose.yml use.
"""

import json
from pathlib import Path

from tests.deploy.repo import ROOT, SUITE_ENV, SUITE_ENV_REL, read_env_file

K8S = ROOT / "k8s"
SETTINGS_YAML = K8S / "settings.yaml"
SETTINGS_NAME = "petstore-settings"
# Settings that go in a Secret, never in a ConfigMap.
SECRET_KEYS = {"PETSTORE_JWT_SECRET"}


def settings_data() -> dict[str, str]:
    """What the ConfigMap must hold: suite.env less the secret."""
    return {k: v for k, v in read_env_file(SUITE_ENV).items() if k not in SECRET_KEYS}


def render() -> str:
    lines = [
        f"# Generated from {SUITE_ENV_REL} by `make k8s-settings`:",
        "# edit that file, not this one (tests/deploy/test_kubernetes.py fails when they differ).",
        "# PETSTORE_JWT_SECRET is not here: secret.yaml holds it.",
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        f"  name: {SETTINGS_NAME}",
        "data:",
    ]
    # A JSON string is a YAML double-quoted scalar: every value stays a string.
    lines += [f"  {key}: {json.dumps(value)}" for key, value in settings_data().items()]
    return "\n".join(lines) + "\n"


def write(path: Path = SETTINGS_YAML) -> None:
    path.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    write()
