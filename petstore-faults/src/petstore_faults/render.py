"""Reports, journals and session lists as text for a terminal or an assertion message."""

from typing import Any

MARKS = {"passed": "✓", "failed": "✗", "not-exercised": "–"}


def render_report(report: dict[str, Any]) -> str:
    checks = report.get("checks", [])
    width = max((len(c["id"]) for c in checks), default=0)
    lines = [f"{MARKS.get(c['verdict'], '?')} {c['id']:<{width}}  {c['detail']}" for c in checks]
    summary = report.get("summary", {})
    lines.append(
        f"{summary.get('passed', 0)} passed, {summary.get('failed', 0)} failed, "
        f"{summary.get('notExercised', 0)} not exercised"
    )
    if report.get("truncated"):
        lines.append("(the journal was capped: only the entries it kept were graded)")
    return "\n".join(lines)


def render_journal(journal: dict[str, Any]) -> str:
    lines = []
    for e in journal.get("entries", []):
        status = "—" if e.get("status") == 0 else str(e.get("status"))
        if e.get("clientClosed"):
            status += " (client left)"
        fault = f"  [{e['fault']}]" if e.get("fault") else ""
        lines.append(
            f"{e.get('seq'):>4} {e.get('t', 0):>9.0f} ms  {e.get('method')} {e.get('path')}  "
            f"{status}  {e.get('durationMs', 0):.0f} ms{fault}"
        )
    if journal.get("truncated"):
        lines.append("(truncated: the journal reached its cap)")
    return "\n".join(lines) if lines else "(no exchanges yet)"


def render_sessions(items: list[dict[str, Any]]) -> str:
    lines = [
        f"{s.get('id')}  {s.get('name') or s.get('preset') or '-'}  expires {s.get('expiresAt')}"
        for s in items
    ]
    return "\n".join(lines) if lines else "(no live sessions)"
