"""The Kubernetes manifests in k8s/, read as kubectl would: every document of every file."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.k8s_settings import K8S

KUSTOMIZATION = K8S / "kustomization.yaml"
Manifest = dict[str, Any]


@dataclass(frozen=True)
class Objects:
    items: list[Manifest]

    @classmethod
    def read(cls, folder: Path = K8S) -> "Objects":
        found: list[Manifest] = []
        for path in sorted(folder.glob("*.yaml")):
            if path != KUSTOMIZATION:
                found += [doc for doc in yaml.safe_load_all(path.read_text("utf-8")) if doc]
        return cls(found)

    def of_kind(self, kind: str) -> dict[str, Manifest]:
        return {o["metadata"]["name"]: o for o in self.items if o["kind"] == kind}

    def one(self, kind: str, name: str) -> Manifest:
        objects = self.of_kind(kind)
        assert name in objects, f"k8s/ has no {kind} {name}"
        return objects[name]


def container(deployment: Manifest) -> Manifest:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, f"{deployment['metadata']['name']}: one container expected"
    found: Manifest = containers[0]
    return found


def explicit_env(entry: Manifest) -> dict[str, Manifest]:
    """A container's `env` entries by name (value or valueFrom)."""
    return {item["name"]: item for item in entry.get("env", [])}


def env_sources(entry: Manifest) -> list[str]:
    """The ConfigMaps a container's `envFrom` reads."""
    return [source["configMapRef"]["name"] for source in entry.get("envFrom", [])]


def named_port(entry: Manifest, name: str) -> int:
    ports = {p["name"]: int(p["containerPort"]) for p in entry.get("ports", [])}
    assert name in ports, f"{entry['name']} has no port named {name}"
    return ports[name]


def probe_target(entry: Manifest, probe: str) -> tuple[str, int]:
    """(path, port) of a container's httpGet probe, a named port resolved."""
    check = entry[probe]["httpGet"]
    port = check["port"]
    return check["path"], named_port(entry, port) if isinstance(port, str) else int(port)
