"""Schemathesis against the gateway's /openapi.json, every check, on a suite of its own.

The fuzzer gets a suite of its own: it creates thousands of things, switches maintenance
mode on, and would use up the conformance suite's rate-limit quota (here it is unlimited).
Bounded for `make test`; `make fuzz` sets FUZZ_MAX_EXAMPLES (and FUZZ_SEED, FUZZ_TIMEOUT)
higher. Known bugs are in fuzz-baseline.json, each with an xfail(strict) regression test.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from service_kit.auth import mint_token
from tests.e2e.harness import RunningSuite, start_suite

HERE = Path(__file__).parent
ROOT = HERE.parents[1]  # the hooks module is imported as tests.e2e.fuzz_hooks from here
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "1"))
# Every path has HEAD and OPTIONS operations besides its own: about 90 operations in all, so a
# loaded machine needs more than a minute for one run.
TIMEOUT = float(os.environ.get("FUZZ_TIMEOUT", "150"))

# (run, token scopes, which operations): the admin run last flips maintenance mode itself.
# A user's preferences are fuzzed with the admin token, which may reach any user's: so the
# generated user ids (the 128-character bound included) reach the pets service.
RUNS = [
    # use_after_free counts OPTIONS on a deleted pet (204: it describes the route, see
    # docs/http.md) as a use of it; tests/e2e/test_deleted_pet.py checks every real use.
    pytest.param(
        ("read:pets", "write:pets"),
        ["--exclude-path-regex", "^/admin/|^/v1/users/", "--exclude-checks", "use_after_free"],
        id="v1",
    ),
    # The live feed is an endless event stream: the console's browser tests cover it.
    pytest.param(
        ("admin",),
        [
            "--include-path-regex",
            "^/admin/|^/v1/users/",
            "--exclude-path",
            "/admin/events",
            "--exclude-path-regex",
            "^/admin/fault-",
        ],
        id="admin",
    ),
    # The session document is the most intricate schema (a step's one action, a rule's
    # route and methods): a run and a time budget of its own, with the faults scope.
    pytest.param(("faults",), ["--include-path-regex", "^/admin/fault-"], id="faults"),
]


@pytest.fixture(scope="module")
def fuzz_suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = start_suite(
        tmp_path_factory.mktemp("fuzz-suite"), extra_env={"RATE_LIMIT": "10000000"}
    )
    yield running
    running.stop()


def maintenance_off(suite: RunningSuite, secret: str) -> None:
    """The admin run may leave maintenance mode on: switch it off for whatever runs next."""
    token = mint_token(secret, sub="fuzz-cleanup", scopes=["admin"], ttl=60)
    request = urllib.request.Request(
        suite.gateway + "/admin/maintenance",
        data=b'{"enabled": false}',
        method="PUT",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as resp:
        assert resp.status == 200


@pytest.mark.timeout(TIMEOUT + 30)
@pytest.mark.parametrize(("scopes", "selection"), RUNS)
def test_schemathesis_finds_nothing_new(
    fuzz_suite: RunningSuite, tmp_path: Path, scopes: tuple[str, ...], selection: list[str]
) -> None:
    secret = fuzz_suite.state["env"]["PETSTORE_JWT_SECRET"]
    sub = f"fuzz-{uuid.uuid4().hex[:8]}"
    env = os.environ | {
        "FUZZ_TOKEN": mint_token(secret, sub=sub, scopes=scopes, ttl=3600),
        "FUZZ_SUB": sub,
        "PYTHONPATH": str(ROOT),
        "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path / "hypothesis"),
    }
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        fuzz_suite.gateway + "/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--baseline",
        str(HERE / "fuzz-baseline.json"),
        "--report",
        "junit,har",
        "--report-dir",
        str(tmp_path),
        *selection,
    ]
    try:
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    finally:
        maintenance_off(fuzz_suite, secret)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20_000:]
    assert "Tested:" in output, output[-5000:]
    exchanges = _exchanges(tmp_path)
    assert {"HEAD", "OPTIONS"} <= {method for method, _, _ in exchanges}
    if "admin" in scopes:  # the user-id bound was exercised, and held
        long_ids = {status for _, path, status in exchanges if _user_id_length(path) > 128}
        assert 422 in long_ids, long_ids
        assert not any(200 <= status < 300 for status in long_ids), long_ids


def _exchanges(report_dir: Path) -> list[tuple[str, str, int]]:
    """(method, path, status) of every request the run sent, from its HAR report."""
    [har] = report_dir.glob("har-*.json")
    entries = json.loads(har.read_text())["log"]["entries"]
    return [
        (e["request"]["method"], urlsplit(e["request"]["url"]).path, e["response"]["status"])
        for e in entries
    ]


def _user_id_length(path: str) -> int:
    match = re.fullmatch(r"/v1/users/([^/]*)/preferences", path)
    return len(unquote(match.group(1))) if match else 0
