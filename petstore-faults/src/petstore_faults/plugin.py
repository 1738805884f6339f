"""The pytest plugin: a `petstore_faults` fixture that starts fault sessions for a test."""

import os
from collections.abc import Iterator

import pytest

from petstore_faults.api import DEV_SECRET, SessionApi, mint_faults_token
from petstore_faults.sessions import FaultSessions

DEFAULT_GATEWAY = "http://127.0.0.1:8080"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("petstore-faults", "Pet Store fault sessions")
    group.addoption(
        "--petstore-gateway",
        default=None,
        help=f"the suite's gateway (default: $GATEWAY_URL, else {DEFAULT_GATEWAY})",
    )
    group.addoption(
        "--petstore-token",
        default=None,
        help="a token with scope faults (default: $PETSTORE_FAULTS_TOKEN, else one minted "
        "from $PETSTORE_JWT_SECRET or the suite's dev secret)",
    )


@pytest.fixture
def petstore_gateway(request: pytest.FixtureRequest) -> str:
    """The gateway URL the sessions live on (point the client under test at it too)."""
    url = request.config.getoption("--petstore-gateway") or os.environ.get("GATEWAY_URL")
    return str(url or DEFAULT_GATEWAY).rstrip("/")


@pytest.fixture
def petstore_faults(
    request: pytest.FixtureRequest, petstore_gateway: str
) -> Iterator[FaultSessions]:
    """Start sessions with .start(preset=..., rules=...); each is ended after the test."""
    token = request.config.getoption("--petstore-token") or os.environ.get("PETSTORE_FAULTS_TOKEN")
    if not token:
        token = mint_faults_token(os.environ.get("PETSTORE_JWT_SECRET") or DEV_SECRET)
    sessions = FaultSessions(SessionApi(petstore_gateway, str(token)))
    yield sessions
    sessions.end_all()
