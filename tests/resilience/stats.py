"""The load test's summary: rates, status counts and latency per kind, and memory per process."""

from collections import Counter
from collections.abc import Mapping, Sequence

from tests.resilience.client import Answer


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending sequence (0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def latency_row(name: str, answers: Sequence[Answer]) -> str:
    latencies = sorted(a.elapsed * 1000 for a in answers)
    statuses = Counter(a.outcome for a in answers)
    counts = " ".join(f"{k}x{n}" for k, n in sorted(statuses.items()))
    return (
        f"  {name:<18} {len(answers):>6}  {counts:<24} "
        f"{percentile(latencies, 50):>8.1f} {percentile(latencies, 99):>8.1f} "
        f"{(latencies[-1] if latencies else 0.0):>8.1f}"
    )


def traffic_table(answers: Sequence[Answer]) -> str:
    """One row per request kind and one for all: count, statuses, p50/p99/max latency (ms)."""
    header = (
        f"  {'kind':<18} {'count':>6}  {'statuses':<24} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    kinds = sorted({a.kind for a in answers})
    rows = [latency_row(kind, [a for a in answers if a.kind == kind]) for kind in kinds]
    return "\n".join([header, *rows, latency_row("all", answers)])


def memory_table(cold: Mapping[str, int], start: Mapping[str, int], end: Mapping[str, int]) -> str:
    """RSS per process (MiB) before the load, after the warm-up and at the end; the growth
    from the warm-up's end to the end is what the test bounds."""
    lines = [f"  {'process':<22} {'before':>8} {'warm':>8} {'end':>8} {'growth after warm-up':>22}"]
    for name, before in start.items():
        after = end[name]
        grow = (after - before) / 1024
        lines.append(
            f"  {name:<22} {cold[name] / 1024:>8.1f} {before / 1024:>8.1f} {after / 1024:>8.1f} "
            f"{grow:>+12.1f} ({grow * 1024 / before * 100:+5.1f}%)"
        )
    return "\n".join(lines)
