"""The overload, exactness and pipeline rows: their values, goals and verdicts."""

import pytest
from bench.verdicts import exactness_rows, overload_rows, overload_text, pipeline_rows


def _run(rate: float, ok_per_s: float, ok_p99: float, shed_p99: float | None) -> dict[str, object]:
    return {
        "rate": rate,
        "by_status": {"200": int(ok_per_s * 6)},
        "ok_per_s": ok_per_s,
        "ok_p50_ms": 1.0,
        "ok_p99_ms": ok_p99,
        "shed_p99_ms": shed_p99,
        "unanswered": 0,
        "errors": 0,
    }


def test_overload_rows() -> None:
    doc = {
        "measured": True,
        "capacity": 1000.0,
        "connections": 1000,
        "unloaded": _run(500, 500, 10.0, None),
        "overload": _run(2000, 930, 35.0, 4.0),
    }
    goodput, p99, shed = overload_rows(doc)
    assert goodput.value == pytest.approx(0.93)
    assert goodput.verdict == "PASS"
    assert p99.value == pytest.approx(3.5)
    assert p99.verdict == "MISS"
    assert (shed.value, shed.verdict) == (4.0, "PASS")
    assert "2,000 req/s offered" in overload_text(doc)


def test_rows_of_what_was_not_measured_say_why() -> None:
    rows = overload_rows({"measured": False, "why": "no gateway"})
    assert {r.verdict for r in rows} == {"n/a"}
    assert rows[0].missing == "not measured: no gateway"
    assert overload_text({"measured": False, "why": "no gateway"}).endswith("no gateway")


def test_exactness_is_equality() -> None:
    exact = {"measured": True, "limit": 100, "admitted": 100, "first_429": 101}
    assert [r.verdict for r in exactness_rows(exact)] == ["PASS", "PASS"]
    over = exact | {"admitted": 101, "first_429": 100}
    assert [r.verdict for r in exactness_rows(over)] == ["MISS", "MISS"]
    under = exact | {"admitted": 99, "first_429": None}
    assert [r.verdict for r in exactness_rows(under)] == ["MISS", "n/a"]


def test_pipeline_rows() -> None:
    rows = pipeline_rows({"measured": True, "records_per_s": 2100.0, "p99_ms": 51.0})
    assert [(r.value, r.verdict) for r in rows] == [(2100.0, "PASS"), (51.0, "MISS")]
