"""The tour's steps as a table for a terminal: request, expected, got, ✓ or ✗."""

from petstore_cli.tour.core import Step

WIDEST = 48


def render(steps: list[Step]) -> str:
    widths = [max(len(getattr(s, f)) for s in steps) for f in ("name", "request", "expected")]
    widths = [min(w, WIDEST) for w in widths]
    lines = [f"{'step':<{widths[0]}}  {'request':<{widths[1]}}  {'expected':<{widths[2]}}  got"]
    for s in steps:
        mark = "✓" if s.ok else "✗"
        lines.append(
            f"{s.name[:WIDEST]:<{widths[0]}}  {s.request[:WIDEST]:<{widths[1]}}  "
            f"{s.expected[:WIDEST]:<{widths[2]}}  {s.got} {mark}"
        )
    passed = sum(s.ok for s in steps)
    lines.append(f"\n{passed} of {len(steps)} steps as expected")
    return "\n".join(lines)
