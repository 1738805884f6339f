"""One suite of real processes for the folder; every test starts from it healthy and ready."""

import urllib.request
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from tests.resilience.client import Report
from tests.resilience.harness import SUITE_SETTINGS, Suite, build_suite
from tests.support import TokenFactory

STUBS = ("weather-stub", "recommendations-stub")

# What each test measured, printed at the end of the run whatever the capture mode (-s or not).
_REPORTS: list[tuple[str, str]] = []


@pytest.fixture(scope="package")  # stopped once this folder is done, not at the session's end
def running_suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    suite = build_suite(tmp_path_factory.mktemp("resilience"), SUITE_SETTINGS)
    try:
        suite.start()
        yield suite
    finally:
        suite.stop()


def clear_faults(suite: Suite) -> None:
    for name in STUBS:
        request = urllib.request.Request(suite.part(name).url + "/admin/faults", method="DELETE")
        with urllib.request.urlopen(request, timeout=5) as resp:
            assert resp.status == 200


@pytest.fixture
def suite(running_suite: Suite) -> Iterator[Suite]:
    """The suite with every part running and ready, no stub fault; healed again afterwards.

    A part that exited although the test did not signal it fails the test here.
    """
    running_suite.heal()
    clear_faults(running_suite)
    yield running_suite
    exits = running_suite.unexpected_exits()
    running_suite.heal()
    clear_faults(running_suite)
    assert not exits, "\n".join(exits)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        yield session


@pytest.fixture
def rw_token(token: TokenFactory) -> str:
    return token("read:pets", "write:pets", sub="resilience", ttl=3 * 3600)


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Report:
    """report(text): shown in the terminal summary under the test's name."""

    def add(text: str) -> None:
        _REPORTS.append((request.node.name, text))

    return add


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for title, text in _REPORTS:
        terminalreporter.write_sep("-", title)
        terminalreporter.write_line(text)
