"""The example clients graded end to end: real suite, real client processes, the real CLI."""

import asyncio
import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gateway.sessions.presets import PRESETS
from petstore_faults import SessionApi, mint_faults_token
from service_kit.auth import mint_token
from tests.e2e.harness import RunningSuite

EXAMPLES = Path(__file__).parents[2] / "examples"
CLIENT_TIMEOUT_S = "2.5"  # past the weather deadline (2 s), so slow-upstream shows its 504s
RUN_TIMEOUT_S = 45


@dataclass
class Graded:
    session: str
    output: str
    code: int
    report: dict[str, Any]
    journal: list[dict[str, Any]]

    def verdicts(self) -> dict[str, str]:
        return {c["id"]: c["verdict"] for c in self.report["checks"]}


def _api(suite: RunningSuite) -> SessionApi:
    secret = suite.state["env"]["PETSTORE_JWT_SECRET"]
    return SessionApi(suite.gateway, mint_faults_token(secret))


async def _run_client(suite: RunningSuite, client: str, preset: str, seed: int) -> Graded:
    api = _api(suite)
    session = await asyncio.to_thread(
        api.start, {"preset": preset, "seed": seed, "ttlSeconds": 300}
    )
    secret = suite.state["env"]["PETSTORE_JWT_SECRET"]
    token = mint_token(
        secret, sub=f"{client}-{uuid.uuid4().hex[:8]}", scopes=["read:pets", "write:pets"]
    )
    argv = [str(EXAMPLES / f"{client}_client.py"), "--gateway", suite.gateway]
    argv += ["--token", token, "--session", session["id"]]
    if client == "careful":
        argv += ["--timeout", CLIENT_TIMEOUT_S]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), RUN_TIMEOUT_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    report = await asyncio.to_thread(api.report, session["id"])
    journal = await asyncio.to_thread(api.journal, session["id"])
    return Graded(
        session["id"], out.decode(), int(proc.returncode or 0), report, journal["entries"]
    )


def _all_presets(suite: RunningSuite, client: str) -> dict[str, Graded]:
    async def run_all() -> list[Graded]:
        runs = [_run_client(suite, client, name, seed=7) for name in PRESETS]
        return list(await asyncio.gather(*runs))

    return dict(zip(PRESETS, asyncio.run(run_all()), strict=True))


@pytest.fixture(scope="module")
def careful(suite: RunningSuite) -> dict[str, Graded]:
    """The careful client under every preset, all at once (each in a session of its own)."""
    return _all_presets(suite, "careful")


@pytest.fixture(scope="module")
def naive(suite: RunningSuite) -> Graded:
    async def run() -> Graded:
        return await _run_client(suite, "naive", "flaky-writes", seed=7)

    return asyncio.run(run())


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_the_careful_client_passes_what_each_preset_exercises(
    careful: dict[str, Graded], preset: str
) -> None:
    graded = careful[preset]
    failed = [c for c in graded.report["checks"] if c["verdict"] == "failed"]
    assert not failed, f"{preset}: {failed}\n{graded.output}"
    assert graded.code == 0, graded.output
    # A preset's draws may spare a short run (brownout); when a failure was injected, the
    # checks the preset names are the ones it exercised.
    hit = [e for e in graded.journal if e["status"] in (0, 429) or e["status"] >= 500]
    if hit:
        named = PRESETS[preset].description.rsplit("Checks: ", 1)[1].rstrip(".").split(", ")
        passed = {c for c, v in graded.verdicts().items() if v == "passed"}
        assert passed & set(named), f"{preset} exercised none of {named}: {graded.report}"
    else:
        assert preset == "brownout", f"{preset} injected no failure: {graded.journal}"


def test_what_each_preset_is_for_is_what_the_careful_client_showed(
    careful: dict[str, Graded],
) -> None:
    expected = {
        "flaky-writes": {"honours-retry-after", "idempotent-retries", "backs-off"},
        "rate-limit-storm": {"honours-retry-after", "bounded-retries"},
        "brownout": {"backs-off", "bounded-retries"},
        "commit-then-drop": {"idempotent-retries", "backs-off"},
        "slow-upstream": {"backs-off", "jittered", "polls-politely"},  # writes untouched
        "maintenance-window": {"honours-retry-after", "bounded-retries"},
        "hang": {"gives-up-on-hang", "backs-off"},
    }
    for preset, checks in expected.items():
        verdicts = careful[preset].verdicts()
        assert {c: verdicts[c] for c in checks} == dict.fromkeys(checks, "passed"), preset


def test_the_naive_client_fails_the_five(naive: Graded) -> None:
    verdicts = naive.verdicts()
    for check in (
        "honours-retry-after",
        "idempotent-retries",
        "no-retry-on-client-error",
        "backs-off",
        "bounded-retries",
    ):
        assert verdicts[check] == "failed", (check, naive.report)
    assert verdicts["polls-politely"] == "failed"  # every 100 ms, against Retry-After: 1
    assert verdicts["gives-up-on-hang"] == "not-exercised"  # nothing hung under flaky-writes
    details = {c["id"]: c["detail"] for c in naive.report["checks"]}
    assert details["idempotent-retries"].startswith(
        "retried POST /v1/pets without an Idempotency-Key"
    )
    assert details["bounded-retries"].startswith("tried GET /v1/pets/{petId} 10 times")


def _cli_report(suite: RunningSuite, session: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "petstore_cli", "session", "report", session],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "GATEWAY_URL": suite.gateway, **suite.state["env"]},
    )


def test_session_report_exits_1_for_the_naive_client_and_0_for_the_careful(
    suite: RunningSuite, careful: dict[str, Graded], naive: Graded
) -> None:
    bad = _cli_report(suite, naive.session)
    assert bad.returncode == 1, bad.stderr
    assert "✗ idempotent-retries" in bad.stdout
    good = _cli_report(suite, careful["flaky-writes"].session)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "✓ idempotent-retries" in good.stdout
    assert "0 failed" in good.stdout.splitlines()[-1]
    listed = json.loads(
        subprocess.run(
            [sys.executable, "-m", "petstore_cli", "session", "list", "--json"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env={"PATH": "/usr/bin:/bin", "GATEWAY_URL": suite.gateway, **suite.state["env"]},
        ).stdout
    )
    assert naive.session in {s["id"] for s in listed["items"]}
