"""What a check is and what it answers: a verdict, one line a person can act on, evidence."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gateway.sessions.report_journal import Exchange, Journal

MAX_EVIDENCE = 20  # journal seqs quoted per check; the journal itself has the rest


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_EXERCISED = "not-exercised"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    detail: str
    evidence: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Check:
    """One graded behaviour: its stable id, its exact rule (as the docs print it), its grader."""

    id: str
    rule: str
    grade: Callable[[Journal], Outcome]

    def run(self, journal: Journal) -> dict[str, Any]:
        outcome = self.grade(journal)
        return {
            "id": self.id,
            "verdict": str(outcome.verdict),
            "detail": outcome.detail,
            "evidence": outcome.evidence[:MAX_EVIDENCE],
        }


def seqs(*groups: Iterable[Exchange]) -> list[int]:
    return sorted({e.seq for group in groups for e in group})


def passed(detail: str, *evidence: Iterable[Exchange]) -> Outcome:
    return Outcome(Verdict.PASSED, detail, seqs(*evidence))


def failed(detail: str, *evidence: Iterable[Exchange]) -> Outcome:
    return Outcome(Verdict.FAILED, detail, seqs(*evidence))


def not_exercised(detail: str) -> Outcome:
    return Outcome(Verdict.NOT_EXERCISED, detail)


def ms(value: float) -> str:
    return f"{round(value)} ms"


def seconds(value: float) -> str:
    return f"{value:g} s"


def count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def more(count: int, noun: str) -> str:
    """ "" for one case, else " (and N more noun)" so one line still tells the extent."""
    return "" if count <= 1 else f" (and {count - 1} more {noun})"


def what_failed(entry: Exchange) -> str:
    if entry.client_closed:
        return "client timeout"
    if entry.status == 0:
        return "dropped connection"
    spoiled = {"truncate": "truncated body", "garbage": "garbage body"}
    return spoiled.get(entry.fault_kind or "", str(entry.status))
