"""Fixtures for end-to-end tests: one running suite for the whole session."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import RunningSuite, start_suite


@pytest.fixture(scope="session")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = start_suite(tmp_path_factory.mktemp("suite"))
    yield running
    running.stop()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path
