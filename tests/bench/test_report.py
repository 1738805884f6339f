"""Summaries over rounds, the ratios against their goals, and the printed tables."""

import pytest
from bench.load import LoadResult
from bench.report import Ratio, Sample, ratio_rows, ratios, summarize, table


def sample(target: str, rps: float, p50: float, p99: float, *, c: int = 50, turn: int = 0,
           cpu: float = 1.0, errors: int = 0) -> Sample:  # fmt: skip
    requests = int(rps * 10)
    result = LoadResult(requests, 10.0, errors, p50, p50 * 1.5, p99, p99 * 2)
    return Sample(target, turn, c, result, server_cpu_s=cpu, loadgen_cpu_s=cpu / 4)


def test_summary_takes_medians_and_cpu_per_request_over_all_rounds() -> None:
    rounds = [sample("gateway", 1000, 2.0, 9.0, turn=0, cpu=1.0),
              sample("gateway", 3000, 1.0, 5.0, turn=1, cpu=3.0),
              sample("gateway", 2000, 3.0, 7.0, turn=2, cpu=2.0)]  # fmt: skip
    summary = summarize(rounds)[("gateway", 50)]
    assert summary.rounds == 3
    assert summary.rps == 2000
    assert summary.p50_ms == 2.0
    assert summary.p99_ms == 7.0
    assert summary.requests == 60_000
    # 6 CPU seconds over 60 000 requests.
    assert summary.cpu_us_per_request == pytest.approx(100.0)
    assert summary.loadgen_cpu_us_per_request == pytest.approx(25.0)
    assert summary.rps_spread == (1000, 3000)


def test_cpu_of_other_processes_is_what_the_machine_used_beyond_the_run() -> None:
    quiet = sample("direct", 1000, 1, 2, cpu=3.0)
    busy = Sample("direct", 1, 50, quiet.result, 3.0, 0.75, machine_cpu_s=3.75 + 5.0)
    assert summarize([quiet])[("direct", 50)].others_cores == 0.0  # not measured
    assert summarize([busy])[("direct", 50)].others_cores == pytest.approx(0.5)


def test_connection_counts_are_kept_apart() -> None:
    summaries = summarize([sample("direct", 1000, 1, 2), sample("direct", 500, 0.2, 1, c=1)])
    assert summaries[("direct", 50)].rps == 1000
    assert summaries[("direct", 1)].p50_ms == 0.2


def all_targets(*, gateway_rps: float = 9000, gateway_p99: float = 10.0) -> list[Sample]:
    return [
        sample("direct", 11000, 4.0, 8.0),
        sample("nginx", 10000, 5.0, 9.0),
        sample("gateway", gateway_rps, 5.5, gateway_p99),
        sample("gateway-no-rl", 10000, 5.0, 9.0),
        sample("gateway-no-fs", 9200, 5.0, 9.0),
        sample("hello", 20000, 2.0, 4.0),
        sample("direct", 4000, 0.20, 0.5, c=1),
        sample("gateway", 2500, 0.45, 0.9, c=1),
    ]


def by_name(items: list[Ratio]) -> dict[str, Ratio]:
    return {r.name.split(",")[0]: r for r in items}


def test_ratios_and_verdicts() -> None:
    got = by_name(ratios(summarize(all_targets()), 50, 1))
    assert got["gateway / nginx throughput"].value == pytest.approx(0.9)
    assert got["gateway / nginx throughput"].verdict == "PASS"
    assert got["gateway p99 / nginx p99"].value == pytest.approx(10 / 9)
    assert got["gateway p99 / nginx p99"].verdict == "PASS"
    assert got["gateway p50 added vs direct"].value == pytest.approx(0.25)
    assert got["gateway p50 added vs direct"].verdict == "MISS"  # the goal is 0.20 ms
    assert got["rate-limiter cost (throughput)"].value == pytest.approx(0.1)
    assert got["rate-limiter cost (throughput)"].verdict == "PASS"
    assert got["pets GET / hello-world throughput"].value == pytest.approx(0.55)
    assert got["pets GET / hello-world throughput"].verdict == "PASS"
    assert got["fault-session hook cost"].value == pytest.approx(1 - 9000 / 9200)
    assert got["fault-session hook cost"].verdict == "PASS"


def test_misses_are_reported() -> None:
    got = by_name(ratios(summarize(all_targets(gateway_rps=7000, gateway_p99=14.0)), 50, 1))
    assert got["gateway / nginx throughput"].verdict == "MISS"
    assert got["gateway p99 / nginx p99"].verdict == "MISS"
    assert got["rate-limiter cost (throughput)"].value == pytest.approx(0.3)
    assert got["rate-limiter cost (throughput)"].verdict == "MISS"


def test_a_missing_or_failing_target_makes_its_ratios_not_applicable() -> None:
    samples = [s for s in all_targets() if s.target != "gateway-no-rl"]
    samples = [sample("nginx", 10000, 5, 9, errors=12) if s.target == "nginx" and
               s.connections == 50 else s for s in samples]  # fmt: skip
    got = by_name(ratios(summarize(samples), 50, 1))
    cost = got["rate-limiter cost (throughput)"]
    assert cost.value is None
    assert cost.verdict == "n/a"
    assert cost.missing == "not measured: gateway with the rate limiter off"
    # Error answers make a run worthless as a comparison.
    assert got["gateway / nginx throughput"].verdict == "n/a"
    assert got["pets GET / hello-world throughput"].verdict == "PASS"


def test_ratio_rows_show_units_goals_and_verdicts() -> None:
    rows = ratio_rows([
        Ratio("throughput", 0.912, ">=", 0.85),
        Ratio("added", 0.3456, "<=", 0.30, unit="ms"),
        Ratio("cost", 0.0712, "<=", 0.15, unit="%"),
        Ratio("absent", None, "<=", 0.15, unit="%", missing="not measured: x"),
    ])  # fmt: skip
    assert rows == [
        ["throughput", "0.91", ">= 0.85", "PASS"],
        ["added", "0.346 ms", "<= 0.300 ms", "MISS"],
        ["cost", "7.1 %", "<= 15.0 %", "PASS"],
        ["absent", "-", "<= 15.0 %", "n/a: not measured: x"],
    ]


def test_table_aligns_columns() -> None:
    text = table([["a", "1"], ["long name", "12345"]], ["name", "n"])
    assert text.splitlines() == [
        "name           n",
        "---------  -----",
        "a              1",
        "long name  12345",
    ]


def test_table_can_align_more_columns_left() -> None:
    text = table([["a", "1", "PASS"], ["bb", "22", "n/a: why"]], ["r", "v", "verdict"], (0, 2))
    assert text.splitlines()[2:] == ["a    1  PASS", "bb  22  n/a: why"]
