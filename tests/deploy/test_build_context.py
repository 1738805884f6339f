"""The build context: what .dockerignore lets Docker send; images must still get their sources."""

import pytest

from tests.deploy.dockerfile import Dockerfile, copy_sources
from tests.deploy.dockerignore import context_files, is_excluded, read_rules
from tests.deploy.repo import DOCKERIGNORE, ROOT, SERVICES, SHARED_LIBRARY

NEVER_SENT = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
MAX_CONTEXT_BYTES = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def context() -> list[str]:
    return context_files(ROOT, read_rules(DOCKERIGNORE.read_text(encoding="utf-8")))


def test_caches_tests_and_git_stay_out_of_the_context(context: list[str]) -> None:
    for path in context:
        parts = path.split("/")
        assert not NEVER_SENT & set(parts), path
        assert parts[0] != "tests", path
        assert not path.endswith(".pyc"), path
        assert parts[-1] != ".env", path
        assert not parts[-1].startswith(".env."), path


def test_the_context_is_small(context: list[str]) -> None:
    size = sum((ROOT / path).stat().st_size for path in context)
    assert size < MAX_CONTEXT_BYTES, f"{size} bytes: is something large missing from .dockerignore?"


@pytest.mark.parametrize("folder", [SHARED_LIBRARY, *SERVICES])
def test_every_source_file_an_image_installs_is_sent(context: list[str], folder: str) -> None:
    sent = set(context)
    wanted = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert f"{folder}/pyproject.toml" in wanted
    missing = [path for path in wanted if path not in sent and path != f"{folder}/Dockerfile"]
    assert not missing, f"excluded by .dockerignore: {missing}"


@pytest.mark.parametrize("folder", list(SERVICES))
def test_what_each_dockerfile_copies_exists_in_the_context(context: list[str], folder: str) -> None:
    dockerfile = Dockerfile.read(SERVICES[folder].dockerfile)
    for value in dockerfile.all("COPY"):
        flags, sources = copy_sources(value)
        if "from" in flags:
            continue
        for source in sources:
            prefix = source.rstrip("/") + "/"
            assert any(path.startswith(prefix) for path in context), f"{source} is not sent"


def test_the_matcher_follows_docker_rules() -> None:
    rules = read_rules("# comment\n.git\n**/__pycache__\n*.md\n!README.md\ntests\n/docs/*.txt\n")
    assert is_excluded(".git/config", rules)
    assert is_excluded("gateway/src/gateway/__pycache__/app.cpython-311.pyc", rules)
    assert is_excluded("__pycache__/x.pyc", rules)
    assert is_excluded("NOTES.md", rules)
    assert not is_excluded("README.md", rules)
    assert not is_excluded("gateway/NOTES.md", rules), "a `*` stays within the top folder"
    assert is_excluded("tests/deploy/test_x.py", rules)
    assert is_excluded("docs/a.txt", rules)
    assert not is_excluded("gateway/tests.py", rules)
    assert not is_excluded("gateway/src/gateway/app.py", rules)
