"""The podman path's override (deploy/podman/stand-ins.yml): it swaps the two third-party
images for named stand-ins and turns off what tansu cannot do, and nothing else; and the host
ports it may move are interpolated in the compose file with the documented defaults."""

import re

import yaml

from tests.deploy.composefile import environment, interpolated, published_ports
from tests.deploy.repo import COMPOSE_FILE, ROOT

STAND_INS = ROOT / "deploy" / "podman" / "stand-ins.yml"


def test_the_override_only_names_the_stand_ins_and_the_producer_flag() -> None:
    override = yaml.safe_load(STAND_INS.read_text())
    assert set(override) == {"services"}
    services = override["services"]
    assert services.pop("pets-service") == {"environment": {"KAFKA_IDEMPOTENT_PRODUCER": "false"}}
    images = {name: entry.pop("image") for name, entry in services.items()}
    assert all(entry == {} for entry in services.values()), services
    assert images == {
        "redis": "localhost/petstore-stand-in/valkey:latest",
        "kafka": "localhost/petstore-stand-in/kafka:latest",
        "kafka-init": "localhost/petstore-stand-in/kafka:latest",
    }
    for name in ("valkey", "kafka"):
        containerfile = (STAND_INS.parent / "stand-ins" / name / "Containerfile").read_text()
        assert containerfile.startswith("# STAND-IN for "), name
        assert "FROM docker.io/library/python:3.11-slim" in containerfile


def test_moved_host_ports_stay_on_loopback_and_follow_the_problem_links() -> None:
    moved = {
        "PETSTORE_GATEWAY_HOST_PORT": "18080",
        "PETSTORE_WEATHER_HOST_PORT": "18082",
        "PETSTORE_RECOMMENDATIONS_HOST_PORT": "18083",
    }
    text = COMPOSE_FILE.read_text()
    assert set(re.findall(r"\$\{(PETSTORE_\w+):-", text)) == set(moved)
    services = yaml.safe_load(interpolated(text, moved))["services"]
    assert published_ports(services["gateway"]) == [("127.0.0.1", 18080, 8080)]
    assert published_ports(services["weather-stub"]) == [("127.0.0.1", 18082, 8082)]
    assert published_ports(services["recommendations-stub"]) == [("127.0.0.1", 18083, 8083)]
    base = environment(services["gateway"])["PROBLEM_BASE_URL"]
    assert base == "http://localhost:18080/problems/"
