"""petstore-faults without a gateway: its token is one the suite accepts, its text forms."""

import subprocess
import sys

from petstore_cli.embedded import free_port
from petstore_faults import mint_faults_token, render_journal, render_report
from service_kit.auth import TokenVerifier
from service_kit.settings import DEV_JWT_SECRET
from tests.sessions.journals import entry


def test_the_minted_token_verifies_with_scope_faults() -> None:
    principal = TokenVerifier(DEV_JWT_SECRET).verify(mint_faults_token(DEV_JWT_SECRET))
    assert principal.sub == "petstore-faults"
    assert principal.has("faults")
    assert not principal.has("write:pets")


def test_report_table_marks_each_verdict() -> None:
    report = {
        "checks": [
            {"id": "honours-retry-after", "verdict": "passed", "detail": "waited", "evidence": []},
            {"id": "jittered", "verdict": "failed", "detail": "all the same", "evidence": [2]},
            {"id": "gives-up-on-hang", "verdict": "not-exercised", "detail": "no hang"},
        ],
        "summary": {"passed": 1, "failed": 1, "notExercised": 1},
        "truncated": True,
    }
    lines = render_report(report).splitlines()
    assert lines[0] == "✓ honours-retry-after  waited"
    assert lines[1] == "✗ jittered             all the same"
    assert lines[2] == "– gives-up-on-hang     no hang"
    assert lines[3] == "1 passed, 1 failed, 1 not exercised"
    assert "capped" in lines[4]


def test_journal_lines_say_what_happened() -> None:
    journal = {
        "entries": [
            entry(1, 0, "POST /v1/pets", 503, fault="respond 503"),
            entry(2, 1200, "GET /v1/pets/p1", 0, duration=1000, fault="hang", closed=True),
        ],
        "truncated": False,
    }
    first, second = render_journal(journal).splitlines()
    assert "POST /v1/pets  503  5 ms  [respond 503]" in first
    assert "GET /v1/pets/p1  — (client left)  1000 ms  [hang]" in second
    assert render_journal({"entries": []}) == "(no exchanges yet)"


def test_session_commands_fail_cleanly_when_the_gateway_is_down() -> None:
    gateway = f"http://127.0.0.1:{free_port()}"
    for argv in (["start", "--preset", "hang"], ["report", "x"], ["list"], ["end", "x"]):
        done = subprocess.run(
            [sys.executable, "-m", "petstore_cli", "session", *argv, "--gateway", gateway],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 1
        assert done.stderr.startswith(f"petstore session {argv[0]}: cannot reach {gateway}")
        assert "Traceback" not in done.stderr
