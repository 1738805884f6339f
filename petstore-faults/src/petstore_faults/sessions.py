"""Fault sessions a test starts, hands to its client, grades, and ends."""

import contextlib
import time
from typing import Any

from petstore_faults.api import SessionApi, SessionApiError
from petstore_faults.render import render_report

SETTLE_MS = 200  # the journal is written just after each answer: wait until it stops growing
SETTLE_TIMEOUT_S = 5.0


class FaultSession:
    def __init__(self, api: SessionApi, created: dict[str, Any]) -> None:
        self.api = api
        self.created = created
        self.id: str = created["id"]
        self.header: dict[str, str] = dict(created.get("header") or {"Fault-Session": self.id})

    def journal(self) -> dict[str, Any]:
        return self.api.journal(self.id)

    def settle(self) -> None:
        """Return once the journal has not grown for SETTLE_MS (at most SETTLE_TIMEOUT_S)."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        count = len(self.journal()["entries"])
        while time.monotonic() < deadline:
            time.sleep(SETTLE_MS / 1000)
            now = len(self.journal()["entries"])
            if now == count:
                return
            count = now

    def report(self) -> dict[str, Any]:
        self.settle()
        return self.api.report(self.id)

    def assert_passed(self, *required: str) -> dict[str, Any]:
        """Fail when a check failed, or when a check named in `required` did not pass."""
        report = self.report()
        verdicts = {c["id"]: c["verdict"] for c in report["checks"]}
        unknown = [c for c in required if c not in verdicts]
        if unknown:
            raise ValueError(f"no such checks: {', '.join(unknown)}")
        failed = [c for c, v in verdicts.items() if v == "failed"]
        unmet = [c for c in required if verdicts[c] != "passed"]
        if failed or unmet:
            why = []
            if failed:
                why.append(f"failed: {', '.join(failed)}")
            if unmet:
                why.append(f"required but not passed: {', '.join(unmet)}")
            table = render_report(report)
            raise AssertionError(f"fault session {self.id}: {'; '.join(why)}\n{table}")
        return report

    def end(self) -> None:
        self.api.end(self.id)


class FaultSessions:
    """Starts sessions and ends every one of them when the test is over."""

    def __init__(self, api: SessionApi) -> None:
        self.api = api
        self.started: list[FaultSession] = []

    def start(
        self,
        preset: str | None = None,
        *,
        rules: list[dict[str, Any]] | None = None,
        ttl: int | None = None,
        sub: str | None = None,
        seed: int | None = None,
        name: str | None = None,
    ) -> FaultSession:
        document: dict[str, Any] = {"preset": preset, "rules": rules, "ttlSeconds": ttl}
        document |= {"seed": seed, "name": name, "match": {"sub": sub} if sub else None}
        created = self.api.start({k: v for k, v in document.items() if v is not None})
        session = FaultSession(self.api, created)
        self.started.append(session)
        return session

    def end_all(self) -> None:
        for session in self.started:
            with contextlib.suppress(SessionApiError):  # expired or ended: nothing to clean
                session.end()
        self.started.clear()
