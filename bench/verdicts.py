"""PASS/MISS rows for what is not a closed-loop ratio: the overload runs, the limiter's
exactness across replicas, and the 202 pipeline (goals in docs/benchmark.md)."""

from collections.abc import Callable
from typing import Any

from bench.report import Op, Ratio


def _row(
    name: str,
    op: Op,
    goal: float,
    doc: dict[str, Any],
    value: Callable[[], float | None],
    unit: str = "",
) -> Ratio:
    if not doc.get("measured"):
        return Ratio(name, None, op, goal, unit, "not measured: " + str(doc.get("why", "?")))
    got = value()
    if got is None:
        return Ratio(name, None, op, goal, unit, "no such answers in the run")
    return Ratio(name, got, op, goal, unit)


def overload_rows(doc: dict[str, Any]) -> list[Ratio]:
    over = doc.get("overload", {})
    calm = doc.get("unloaded", {})

    def goodput() -> float | None:
        return over["ok_per_s"] / doc["capacity"] if doc.get("capacity") else None

    def p99_ratio() -> float | None:
        if over.get("ok_p99_ms") is None or not calm.get("ok_p99_ms"):
            return None
        return float(over["ok_p99_ms"]) / float(calm["ok_p99_ms"])

    return [
        _row("overload 2x: goodput / capacity", ">=", 0.90, doc, goodput, "%"),
        _row("overload 2x: admitted p99 / unloaded p99", "<=", 3.0, doc, p99_ratio),
        _row(
            "overload 2x: shed answers p99", "<=", 5.0, doc, lambda: over.get("shed_p99_ms"), "ms"
        ),
    ]


def exactness_rows(doc: dict[str, Any]) -> list[Ratio]:
    limit = float(doc.get("limit", 100))
    return [
        _row(
            "2 replicas, 200 parallel: admitted", "==", limit, doc, lambda: doc["admitted"], "count"
        ),
        _row(
            "one client: first 429 at request",
            "==",
            limit + 1,
            doc,
            lambda: doc["first_429"],
            "count",
        ),
    ]


def pipeline_rows(doc: dict[str, Any]) -> list[Ratio]:
    return [
        _row("202 pipeline records/s", ">=", 2000, doc, lambda: doc.get("records_per_s"), "count"),
        _row("202 → COMPLETED p99", "<=", 50.0, doc, lambda: doc.get("p99_ms"), "ms"),
    ]


def overload_text(doc: dict[str, Any]) -> str:
    if not doc.get("measured"):
        return f"overload: not measured: {doc.get('why', 'unknown')}"
    lines = [
        f"overload (open loop on {doc.get('generator', 'python')}, {doc['connections']} "
        f"connections, latency from the intended send time; capacity = the gateway's -c50 "
        f"req/s, {doc['capacity']:,.0f}):"
    ]
    for name in ("unloaded", "overload"):
        run = doc[name]
        ok_p99 = run.get("ok_p99_ms")
        shed_p99 = run.get("shed_p99_ms")
        lines.append(
            f"  {name:<9} {run['rate']:>8,.0f} req/s offered: answers {run['by_status']}, "
            f"{run['ok_per_s']:,.0f} 200s/s, 200 p50 {_ms(run.get('ok_p50_ms'))} p99 "
            f"{_ms(ok_p99)}, 503 p99 {_ms(shed_p99)}, unanswered {run['unanswered']}, "
            f"errors {run['errors']}"
        )
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} ms"
