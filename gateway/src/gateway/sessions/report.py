"""The grade of a fault session: every check run on its journal, and a summary."""

from collections.abc import Iterable, Mapping
from typing import Any

from gateway.sessions import report_retries, report_timing, report_waiting
from gateway.sessions.report_journal import Journal
from gateway.sessions.report_verdicts import Check

_BY_ID = {c.id: c for c in report_retries.CHECKS + report_timing.CHECKS + report_waiting.CHECKS}
CHECK_IDS = (
    "honours-retry-after",
    "no-retry-on-client-error",
    "idempotent-retries",
    "backs-off",
    "jittered",
    "bounded-retries",
    "polls-politely",
    "gives-up-on-hang",
)
CHECKS: tuple[Check, ...] = tuple(_BY_ID[i] for i in CHECK_IDS)
assert set(_BY_ID) == set(CHECK_IDS), "every check is listed once, in report order"

# The docs print the rules between these markers; a test keeps them equal to rules_markdown().
DOC_BEGIN = "<!-- report checks: begin -->"
DOC_END = "<!-- report checks: end -->"


def grade(entries: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The report body for a journal's entries: {checks: [...], summary: {...}}."""
    journal = Journal(entries)
    checks = [check.run(journal) for check in CHECKS]
    summary = {
        "passed": sum(c["verdict"] == "passed" for c in checks),
        "failed": sum(c["verdict"] == "failed" for c in checks),
        "notExercised": sum(c["verdict"] == "not-exercised" for c in checks),
    }
    return {"checks": checks, "summary": summary}


def rules_markdown() -> str:
    """One line per check with its exact rule, as docs/fault-sessions.md prints it."""
    lines = [f"- `{check.id}`: {check.rule}" for check in CHECKS]
    return "\n".join([DOC_BEGIN, *lines, DOC_END])
