"""k8s/: every service deployed with its probes, ports and settings; the secret kept secret."""

import pytest
import yaml

from gateway.settings import Settings as GatewaySettings
from service_kit.secrets import weakness
from service_kit.settings import DEV_JWT_SECRET
from tests.deploy.envnames import service_reads
from tests.deploy.k8s_settings import (
    K8S,
    SECRET_KEYS,
    SETTINGS_NAME,
    SETTINGS_YAML,
    render,
    settings_data,
)
from tests.deploy.manifests import (
    KUSTOMIZATION,
    Objects,
    container,
    env_sources,
    explicit_env,
    named_port,
    probe_target,
)
from tests.deploy.repo import SERVICES, Service, documented_variables

python_services = pytest.mark.parametrize("service", list(SERVICES.values()), ids=list(SERVICES))
READS_SECRET = {"gateway", "pets-service"}


@pytest.fixture(scope="module")
def objects() -> Objects:
    return Objects.read()


def test_the_configmap_is_suite_env_less_the_secret(objects: Objects) -> None:
    assert SETTINGS_YAML.read_text("utf-8") == render(), "run `make k8s-settings`"
    data = objects.one("ConfigMap", SETTINGS_NAME)["data"]
    assert data == settings_data()
    assert data["MEDICAL_RECORDS_PARTITIONS"] == "3", "suite.env's values, as strings"
    assert not SECRET_KEYS & set(data)


def test_kustomize_lists_every_manifest_file() -> None:
    listed = yaml.safe_load(KUSTOMIZATION.read_text("utf-8"))["resources"]
    on_disk = sorted(p.name for p in K8S.glob("*.yaml") if p != KUSTOMIZATION)
    assert sorted(listed) == on_disk


def test_the_secret_is_a_placeholder_the_services_refuse(objects: Objects) -> None:
    placeholder = objects.one("Secret", "petstore-jwt")["stringData"]["PETSTORE_JWT_SECRET"]
    assert placeholder != DEV_JWT_SECRET
    assert weakness(placeholder), "an unedited deployment must not start with a known secret"
    for name, deployment in objects.of_kind("Deployment").items():
        entry = container(deployment)
        assert "PETSTORE_DEV_MODE" not in explicit_env(entry), name
        secret = explicit_env(entry).get("PETSTORE_JWT_SECRET")
        if name in READS_SECRET:
            assert secret is not None, f"{name} needs the signing secret"
            assert secret["valueFrom"]["secretKeyRef"]["name"] == "petstore-jwt"
        else:
            assert secret is None, f"{name} does not read the secret: keep it out"


@python_services
def test_each_service_has_probes_on_its_port_and_a_service(
    objects: Objects, service: Service
) -> None:
    deployment = objects.one("Deployment", service.folder)
    entry = container(deployment)
    assert entry["image"] == f"petstore-{service.folder}"
    assert named_port(entry, "http") == service.port
    assert explicit_env(entry)[service.port_var]["value"] == str(service.port)
    assert probe_target(entry, "readinessProbe") == ("/readyz", service.port)
    assert probe_target(entry, "livenessProbe") == ("/healthz", service.port)
    assert {"cpu", "memory"} <= set(entry["resources"]["requests"])
    assert env_sources(entry) == [SETTINGS_NAME, "petstore-addresses"]
    unread = set(explicit_env(entry)) - service_reads(service.package)
    assert not unread, f"{service.folder} does not read {unread}"
    pod = deployment["spec"]["template"]
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert pod["spec"]["securityContext"]["runAsUser"] == 10001, "the images' user"
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod["metadata"]["labels"].items()
    front = objects.one("Service", service.folder)
    assert front["spec"]["selector"] == selector
    assert [p["targetPort"] for p in front["spec"]["ports"]] == ["http"]


def test_the_gateway_reaches_each_upstream_by_its_service(objects: Objects) -> None:
    env = explicit_env(container(objects.one("Deployment", "gateway")))
    services = objects.of_kind("Service")
    for variable, folder in [
        ("PETS_SERVICE_URL", "pets-service"),
        ("WEATHER_URL", "weather-stub"),
        ("RECOMMENDATIONS_URL", "recommendations-stub"),
    ]:
        port = services[folder]["spec"]["ports"][0]["port"]
        assert env[variable]["value"] == f"http://{folder}:{port}"


def test_the_metrics_port_is_internal(objects: Objects) -> None:
    entry = container(objects.one("Deployment", "gateway"))
    metrics = named_port(entry, "metrics")
    assert metrics == GatewaySettings().metrics_port == 9464
    assert explicit_env(entry)["GATEWAY_METRICS_PORT"]["value"] == str(metrics)
    for name, front in objects.of_kind("Service").items():
        targets = {p["targetPort"] for p in front["spec"]["ports"]}
        if "metrics" in targets:
            assert name == "gateway-metrics"
            assert front["spec"]["type"] == "ClusterIP"
        assert front["spec"].get("type", "ClusterIP") == "ClusterIP", f"{name} is exposed"
    policy = objects.one("NetworkPolicy", "gateway")["spec"]["ingress"]
    open_rule = [rule for rule in policy if "from" not in rule]
    assert open_rule == [{"ports": [{"port": "http"}]}], "only the main port is open to all"


def test_the_worker_is_scaled_by_partitions(objects: Objects) -> None:
    partitions = int(settings_data()["MEDICAL_RECORDS_PARTITIONS"])
    assert objects.one("Deployment", "records-worker")["spec"]["replicas"] == partitions
    scaled = {
        h["spec"]["scaleTargetRef"]["name"]
        for h in objects.of_kind("HorizontalPodAutoscaler").values()
    }
    assert scaled == {"gateway", "pets-service"}
    for name in scaled:
        assert objects.one("Deployment", name)["spec"]["replicas"] >= 2, name
    job = container(objects.one("Job", "kafka-topics"))
    script = job["args"][0]
    for variable in [
        "MEDICAL_RECORDS_TOPIC",
        "MEDICAL_RECORDS_PARTITIONS",
        "KAFKA_BOOTSTRAP_SERVERS",
    ]:
        assert f'"${variable}"' in script
    assert env_sources(job) == [SETTINGS_NAME, "petstore-addresses"]


@python_services
def test_every_local_address_a_service_reads_is_set_for_the_cluster(
    objects: Objects, service: Service
) -> None:
    local = {
        v.name
        for v in documented_variables()
        if "127.0.0.1" in v.default or "localhost" in v.default
    }
    needed = local & service_reads(service.package)
    entry = container(objects.one("Deployment", service.folder))
    given = set(explicit_env(entry))
    for name in env_sources(entry):
        given |= set(objects.one("ConfigMap", name)["data"])
    assert "BIND_HOST" in needed, "the bind host is an address too"
    assert needed <= given, f"{service.folder} would use its loopback default for {needed - given}"
