"""bench-results/bench.png: throughput, latency and CPU per request of every target.

matplotlib comes from bench/requirements.txt (the bench target installs it); without it
the run still writes its JSON and says that the chart was left out.
"""

import importlib
from pathlib import Path
from typing import Any

from bench.report import Ratio, Summary
from bench.targets import Target


def draw(
    path: Path,
    targets: dict[str, Target],
    summaries: dict[tuple[str, int], Summary],
    items: list[Ratio],
    busy: int,
    title: str,
) -> str | None:
    """Writes the chart; returns why it could not, or None."""
    try:
        matplotlib: Any = importlib.import_module("matplotlib")
        matplotlib.use("Agg")
        plt: Any = importlib.import_module("matplotlib.pyplot")
    except ImportError:
        return "matplotlib is not installed (pip install -r bench/requirements.txt)"
    shown = [(t.label, summaries[(k, busy)]) for k, t in targets.items() if (k, busy) in summaries]
    if not shown:
        return "nothing was measured"
    labels = [label.replace(", ", ",\n").replace(" (", "\n(") for label, _ in shown]
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.5))
    rps = [s.rps for _, s in shown]
    axes[0].bar(labels, rps, color="#4c72b0")
    axes[0].set_title(f"throughput, req/s (-c{busy})")
    for i, value in enumerate(rps):
        axes[0].text(i, value, f"{value:,.0f}", ha="center", va="bottom", fontsize=8)
    xs = range(len(shown))
    axes[1].bar([x - 0.2 for x in xs], [s.p50_ms for _, s in shown], 0.4, label="p50")
    axes[1].bar([x + 0.2 for x in xs], [s.p99_ms for _, s in shown], 0.4, label="p99")
    axes[1].set_xticks(list(xs), labels)
    axes[1].set_title(f"latency, ms (-c{busy})")
    axes[1].legend()
    server = [s.cpu_us_per_request for _, s in shown]
    loadgen = [s.loadgen_cpu_us_per_request for _, s in shown]
    axes[2].bar(labels, server, label="serving processes", color="#55a868")
    axes[2].bar(labels, loadgen, bottom=server, label="load generator", color="#c0c0c0")
    axes[2].set_title("CPU µs per request")
    axes[2].legend()
    for axis in axes:
        axis.tick_params(axis="x", labelsize=8)
    verdicts = "   ".join(
        f"{r.name}: {r.shown(r.value)} {r.verdict}" for r in items if r.value is not None
    )
    fig.suptitle(title + ("\n" + verdicts if verdicts else ""), fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None
