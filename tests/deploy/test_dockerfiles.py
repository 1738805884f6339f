"""Each Dockerfile: what it installs, who runs it, how it starts, stops and reports its health."""

import pytest

from tests.deploy.dockerfile import (
    Dockerfile,
    copy_sources,
    env_assignments,
    exec_form,
    healthcheck_command,
    parse,
    pip_installs,
)
from tests.deploy.repo import SERVICES, SHARED_LIBRARY, Service, project_scripts, wheel_package

python_services = pytest.mark.parametrize("service", list(SERVICES.values()), ids=list(SERVICES))
BASE_IMAGE = "python:3.11-slim"


@python_services
def test_every_stage_starts_from_the_slim_official_python(
    dockerfiles: dict[str, Dockerfile], service: Service
) -> None:
    images = [value.split()[0] for value in dockerfiles[service.folder].all("FROM")]
    assert images, "no FROM"
    assert all(image == BASE_IMAGE for image in images), images


@python_services
def test_it_installs_its_lock_then_exactly_the_shared_library_and_its_own_folder(
    dockerfiles: dict[str, Dockerfile], service: Service
) -> None:
    dockerfile = dockerfiles[service.folder]
    installs = [p for run in dockerfile.all("RUN") for p in pip_installs(run)]
    assert len(installs) == 2, installs
    locked, ours = installs
    # First every dependency at the version its lock pins, hash-checked (requirements.lock).
    assert locked.targets == []
    assert locked.options == ["--require-hashes", "-r", f"{service.folder}/requirements.lock"]
    # Then the two packages, not editable, nothing more: the lock brought their dependencies.
    # Without pip's cache: a wheel built from a folder is cached under the same name and
    # version, and would be reused after the folder changed.
    assert ours.targets == [f"./{SHARED_LIBRARY}", f"./{service.folder}"]
    assert ours.options == ["--no-cache-dir", "--no-deps"]
    assert any("pip check" in run for run in dockerfile.all("RUN")), "the lock proved complete"


@python_services
def test_only_those_two_folders_enter_the_build(
    dockerfiles: dict[str, Dockerfile], service: Service
) -> None:
    dockerfile = dockerfiles[service.folder]
    copied: set[str] = set()
    for value in dockerfile.all("COPY") + dockerfile.all("ADD"):
        flags, sources = copy_sources(value)
        if "from" not in flags:
            copied |= {source.rstrip("/") for source in sources}
    assert copied == {SHARED_LIBRARY, service.folder}


@python_services
def test_the_runtime_stage_holds_the_venv_and_no_sources(
    dockerfiles: dict[str, Dockerfile], service: Service
) -> None:
    dockerfile = dockerfiles[service.folder]
    last = dockerfile.last_stage
    assert last >= 1, "expected a build stage and a runtime stage"
    copies = [copy_sources(value) for value in dockerfile.all("COPY", last)]
    assert copies == [({"from": "build"}, ["/opt/venv"])]
    assert not dockerfile.all("ADD", last)
    env = env_assignments(" ".join(dockerfile.all("ENV", last)))
    assert env["PATH"].startswith("/opt/venv/bin:")
    assert env["BIND_HOST"] == "0.0.0.0", "an image that listens on loopback only is useless"


@python_services
def test_it_runs_as_a_non_root_user(dockerfiles: dict[str, Dockerfile], service: Service) -> None:
    dockerfile = dockerfiles[service.folder]
    users = dockerfile.all("USER", dockerfile.last_stage)
    assert users, "no USER in the runtime stage: it would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    order = [i.keyword for i in dockerfile.instructions if i.stage == dockerfile.last_stage]
    assert order.index("USER") < order.index("CMD")


@python_services
def test_it_starts_the_package_its_pyproject_builds(
    dockerfiles: dict[str, Dockerfile], service: Service
) -> None:
    package = wheel_package(service.folder)
    assert package == service.package
    assert set(project_scripts(service.folder).values()) == {f"{package}.__main__:main"}
    command = exec_form(dockerfiles[service.folder].one("CMD"))
    assert command == ["python", "-m", package]


@python_services
def test_it_exposes_its_port_and_stops_on_sigterm(
    dockerfiles: dict[str, Dockerfile], service: Service
) -> None:
    dockerfile = dockerfiles[service.folder]
    assert dockerfile.one("EXPOSE") == str(service.port)
    assert dockerfile.one("STOPSIGNAL") == "SIGTERM"


@python_services
def test_its_healthcheck_asks_healthz_on_its_own_port(
    dockerfiles: dict[str, Dockerfile], service: Service
) -> None:
    options, command = healthcheck_command(dockerfiles[service.folder].one("HEALTHCHECK"))
    assert command[:2] == ["python", "-c"], "no curl in a slim image: the check uses Python"
    assert "/healthz" in command[2]
    assert f"'{service.port_var}', '{service.port}'" in command[2]
    assert {"interval", "timeout", "retries"} <= set(options)


def test_the_reader_joins_continued_lines_and_counts_stages() -> None:
    text = 'FROM a AS build\nRUN one \\\n    # a comment inside\n    two\nFROM b\nCMD ["x"]\n'
    instructions = parse(text)
    assert [(i.keyword, i.value, i.stage) for i in instructions] == [
        ("FROM", "a AS build", 0),
        ("RUN", "one two", 0),
        ("FROM", "b", 1),
        ("CMD", '["x"]', 1),
    ]


def test_the_reader_finds_pip_install_targets_and_options() -> None:
    run = "--mount=type=cache,target=/c /v/bin/pip install -c c.txt ./a ./b && pip install -e ./x"
    found = pip_installs(run)
    assert [(p.targets, p.options) for p in found] == [
        (["./a", "./b"], ["-c", "c.txt"]),
        ([], ["-e", "./x"]),
    ]
