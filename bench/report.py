"""From load runs to the figures: per-target summaries, the ratios with their targets, the table."""

import statistics
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from bench.load import LoadResult

Op = Literal[">=", "<=", "=="]


@dataclass(frozen=True)
class Sample:
    """One measured load run: a target, a round, a connection count."""

    target: str
    round: int
    connections: int
    result: LoadResult
    server_cpu_s: float  # CPU time of the processes serving this target, during the run
    loadgen_cpu_s: float  # CPU time of the load generator itself
    machine_cpu_s: float = 0.0  # busy CPU time of the whole machine, all processes

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["result"]["rps"] = self.result.rps
        return data


@dataclass(frozen=True)
class Summary:
    """A target at one connection count, over its rounds: medians, and CPU per request."""

    target: str
    connections: int
    rounds: int
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us_per_request: float
    loadgen_cpu_us_per_request: float
    requests: int
    errors: int
    rps_spread: tuple[float, float]  # lowest and highest round
    others_cores: float  # CPU that neither the serving processes nor the generator used


def summarize(samples: Iterable[Sample]) -> dict[tuple[str, int], Summary]:
    groups: dict[tuple[str, int], list[Sample]] = {}
    for sample in samples:
        groups.setdefault((sample.target, sample.connections), []).append(sample)
    out = {}
    for (target, connections), group in groups.items():
        requests = sum(s.result.requests for s in group)
        per_request = 1e6 / requests if requests else 0.0
        rates = [s.result.rps for s in group]
        out[(target, connections)] = Summary(
            target=target,
            connections=connections,
            rounds=len(group),
            rps=statistics.median(rates),
            p50_ms=statistics.median(s.result.p50_ms for s in group),
            p99_ms=statistics.median(s.result.p99_ms for s in group),
            cpu_us_per_request=sum(s.server_cpu_s for s in group) * per_request,
            loadgen_cpu_us_per_request=sum(s.loadgen_cpu_s for s in group) * per_request,
            requests=requests,
            errors=sum(s.result.errors for s in group),
            rps_spread=(min(rates), max(rates)),
            others_cores=_others(group),
        )
    return out


def _others(group: Sequence[Sample]) -> float:
    """Cores' worth of CPU that other processes on the machine took during the runs."""
    seconds = sum(s.result.duration_s for s in group)
    if seconds <= 0 or not all(s.machine_cpu_s for s in group):
        return 0.0
    rest = sum(s.machine_cpu_s - s.server_cpu_s - s.loadgen_cpu_s for s in group)
    return max(0.0, rest / seconds)


@dataclass(frozen=True)
class Ratio:
    name: str
    value: float | None
    op: Op
    goal: float
    unit: str = ""  # "" for a plain ratio, "ms", "%" or "count"
    missing: str | None = None  # why it could not be computed

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        if self.op == "==":
            ok = self.value == self.goal
        else:
            ok = self.value >= self.goal if self.op == ">=" else self.value <= self.goal
        return "PASS" if ok else "MISS"

    def shown(self, number: float | None) -> str:
        if number is None:
            return "-"
        if self.unit == "%":
            return f"{number * 100:.1f} %"
        if self.unit == "ms":
            return f"{number:.3f} ms"
        if self.unit == "count":
            return f"{number:.0f}"
        return f"{number:.2f}"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def _get(
    summaries: dict[tuple[str, int], Summary], target: str, connections: int
) -> Summary | None:
    found = summaries.get((target, connections))
    return found if found is not None and found.errors == 0 else None


def _ratio(
    name: str,
    op: Op,
    goal: float,
    parts: Sequence[Summary | None],
    needs: Sequence[str],
    compute: Callable[..., float],
    unit: str = "",
) -> Ratio:
    absent = [need for need, part in zip(needs, parts, strict=True) if part is None]
    if absent:
        return Ratio(name, None, op, goal, unit, "not measured: " + ", ".join(absent))
    try:
        value = float(compute(*parts))
    except ZeroDivisionError:
        return Ratio(name, None, op, goal, unit, "a zero in the figures")
    return Ratio(name, value, op, goal, unit)


def ratios(summaries: dict[tuple[str, int], Summary], busy: int, single: int) -> list[Ratio]:
    """The throughput and latency ratios and their goals (docs/benchmark.md); ``busy`` and
    ``single`` are the connection counts."""
    direct, nginx = _get(summaries, "direct", busy), _get(summaries, "nginx", busy)
    gateway, no_rl = _get(summaries, "gateway", busy), _get(summaries, "gateway-no-rl", busy)
    no_fs = _get(summaries, "gateway-no-fs", busy)
    hello = _get(summaries, "hello", busy)
    direct1, gateway1 = _get(summaries, "direct", single), _get(summaries, "gateway", single)
    return [
        _ratio(
            "gateway / nginx throughput",
            ">=",
            0.75,
            [gateway, nginx],
            ["gateway", "nginx"],
            lambda g, n: g.rps / n.rps,
        ),
        _ratio(
            "gateway p99 / nginx p99",
            "<=",
            1.5,
            [gateway, nginx],
            ["gateway", "nginx"],
            lambda g, n: g.p99_ms / n.p99_ms,
        ),
        _ratio(
            f"gateway p50 added vs direct, -c{single}",
            "<=",
            0.20,
            [gateway1, direct1],
            [f"gateway -c{single}", f"direct -c{single}"],
            lambda g, d: g.p50_ms - d.p50_ms,
            unit="ms",
        ),
        _ratio(
            "rate-limiter cost (throughput)",
            "<=",
            0.10,
            [gateway, no_rl],
            ["gateway", "gateway with the rate limiter off"],
            lambda g, n: 1 - g.rps / n.rps,
            unit="%",
        ),
        _ratio(
            "pets GET / hello-world throughput",
            ">=",
            0.5,
            [direct, hello],
            ["direct", "hello"],
            lambda d, h: d.rps / h.rps,
        ),
        _ratio(
            "fault-session hook cost, none active",
            "<=",
            0.05,
            [gateway, no_fs],
            ["gateway", "gateway with fault sessions off"],
            lambda g, n: 1 - g.rps / n.rps,
            unit="%",
        ),
    ]


def table(
    rows: Sequence[Sequence[str]], header: Sequence[str], left: Collection[int] = (0,)
) -> str:
    """A plain text table; the ``left`` columns left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(c).ljust(w) if i in left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def ratio_rows(items: Sequence[Ratio]) -> list[list[str]]:
    rows = []
    for item in items:
        goal = f"{item.op} {item.shown(item.goal)}"
        verdict = item.verdict if item.missing is None else f"{item.verdict}: {item.missing}"
        rows.append([item.name, item.shown(item.value), goal, verdict])
    return rows
