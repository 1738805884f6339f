"""The petstore_faults pytest fixture, as a client team uses it: a test suite of its own."""

import re
import subprocess
import sys
import uuid
from pathlib import Path

from petstore_faults import SessionApi, mint_faults_token
from service_kit.auth import mint_token
from tests.e2e.harness import RunningSuite

INNER = """
import os
import time
import urllib.error
import urllib.request

RULES = [{"method": "GET", "route": "/v1/pets", "steps": [{"respond": 503, "retryAfter": 1}]}]


def get(session):
    headers = {"Authorization": "Bearer " + os.environ["CLIENT_TOKEN"], **session.header}
    request = urllib.request.Request(os.environ["GATEWAY_URL"] + "/v1/pets", headers=headers)
    try:
        urllib.request.urlopen(request, timeout=5).close()
    except urllib.error.HTTPError:
        pass


def test_a_client_that_waits(petstore_faults):
    session = petstore_faults.start(rules=RULES, name=os.environ["RUN"])
    get(session)
    time.sleep(1.2)
    get(session)
    session.assert_passed("honours-retry-after")


def test_a_client_that_does_not(petstore_faults):
    session = petstore_faults.start(rules=RULES, name=os.environ["RUN"])
    get(session)
    get(session)
    session.assert_passed()
"""


def test_the_fixture_grades_each_test_and_ends_its_sessions(
    suite: RunningSuite, tmp_path: Path
) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_my_client.py").write_text(INNER)
    secret = suite.state["env"]["PETSTORE_JWT_SECRET"]
    run = f"plugin-{uuid.uuid4().hex[:8]}"
    env = {
        "PATH": "/usr/bin:/bin",
        "GATEWAY_URL": suite.gateway,
        "PETSTORE_JWT_SECRET": secret,
        "CLIENT_TOKEN": mint_token(secret, sub=run, scopes=["read:pets"]),
        "RUN": run,
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env=env,
    )
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "1 failed, 1 passed" in out, out
    assert "test_a_client_that_does_not" in out.split("short test summary")[1]
    assert "failed: honours-retry-after" in out
    assert re.search(r"✗ honours-retry-after +retried GET /v1/pets \d+ ms after a Retry-After", out)
    assert "warnings" not in out.splitlines()[-1], "the dev secret's short key warns nobody"
    live = SessionApi(suite.gateway, mint_faults_token(secret)).sessions()
    assert not [s for s in live if s.get("name") == run], "the fixture ends its sessions"
