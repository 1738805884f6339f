"""`petstore session ...` against the running gateway: what a person at a terminal sees."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from tests.resilience.harness import Suite
from tests.sessions.client import Faults
from tests.support import TEST_SECRET


async def petstore(suite: Suite, *argv: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(_petstore, suite, *argv)


def _petstore(suite: Suite, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "petstore_cli", "session", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "GATEWAY_URL": suite.gateway,
            "PETSTORE_JWT_SECRET": TEST_SECRET,
        },
    )


async def test_start_from_a_rules_file_then_journal_list_and_end(
    suite: Suite, faults: Faults, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(
            {
                "name": "cli check",
                "rules": [{"method": "GET", "route": "/v1/pets", "steps": [{"respond": 503}]}],
            }
        )
    )
    started = await petstore(suite, "start", "--rules", str(rules), "--ttl", "60", "--json")
    assert started.returncode == 0, started.stderr
    created = json.loads(started.stdout)
    session = created["id"]
    faults.started.append(session)
    assert created["name"] == "cli check"
    assert created["ttlSeconds"] == 60

    journal = await petstore(suite, "journal", session)
    assert journal.returncode == 0
    assert journal.stdout.strip() == "(no exchanges yet)"

    listed = await petstore(suite, "list")
    assert session in listed.stdout
    assert "cli check" in listed.stdout

    ended = await petstore(suite, "end", session)
    assert (ended.returncode, ended.stdout.strip()) == (0, f"Ended fault session {session}.")
    again = await petstore(suite, "end", session)
    assert again.returncode == 1
    assert again.stderr.startswith("petstore session end: HTTP 404")


async def test_start_prints_the_header_and_the_journal_shows_the_exchange(
    suite: Suite, faults: Faults
) -> None:
    started = await petstore(suite, "start", "--preset", "maintenance-window", "--ttl", "60")
    assert started.returncode == 0, started.stderr
    lines = started.stdout.splitlines()
    assert lines[0].startswith("Started fault session fs_")
    assert "(maintenance-window)" in lines[0]
    header = lines[-1].strip()
    assert header.startswith("Fault-Session: fs_")
    session = header.split(": ", 1)[1]
    faults.started.append(session)

    answer = await faults.send("GET", "/v1/pets", session=session)
    assert answer.status == 503
    journal = await petstore(suite, "journal", session)
    assert "GET /v1/pets  503" in journal.stdout
    assert "[respond 503]" in journal.stdout

    report = await petstore(suite, "report", session)
    assert report.returncode == 0  # nothing failed: the client did not come back too early
    assert "✓ bounded-retries" in report.stdout  # met a 503 and did not hammer
    assert "– honours-retry-after" in report.stdout  # never came back at all
    assert report.stdout.splitlines()[-1] == "1 passed, 0 failed, 7 not exercised"


async def test_what_the_gateway_refuses_is_said_plainly(suite: Suite) -> None:
    unknown = await petstore(suite, "start", "--preset", "no-such-preset")
    assert unknown.returncode == 1
    assert "preset: No such preset" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    missing = await petstore(suite, "report", "fs_" + "0" * 32)
    assert missing.returncode == 1
    assert missing.stderr.startswith("petstore session report: HTTP 404")
