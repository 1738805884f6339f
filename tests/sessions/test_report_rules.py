"""The finer points of the rules: what is the same request, a retry, a prompted wait."""

from typing import Any

from gateway.sessions.report import grade
from gateway.sessions.report_journal import Journal
from tests.sessions.journals import attempts, entry

PETS = "POST /v1/pets"
PET = "GET /v1/pets/p1"


def check(journal: list[dict[str, Any]], check_id: str) -> dict[str, Any]:
    result: dict[str, Any] = next(c for c in grade(journal)["checks"] if c["id"] == check_id)
    return result


def test_the_same_request_is_method_path_body_and_if_match() -> None:
    journal = Journal(
        [
            entry(1, 0, "PUT /v1/pets/p1", 409, body="a", if_match='"1"'),
            entry(2, 20, "PUT /v1/pets/p1", 200, body="a", if_match='"2"'),
            entry(3, 40, "PUT /v1/pets/p1", 503, body="b", if_match='"2"'),
            entry(4, 60, "PUT /v1/pets/p1", 200, body="b", if_match='"2"'),
        ]
    )
    assert [[e.seq for e in c] for c in journal.chains] == [[1], [2], [3, 4]]
    assert [(r.before.seq, r.after.seq, r.attempt) for r in journal.retries] == [(3, 4, 2)]


def test_a_success_ends_a_chain_and_a_duplicate_in_flight_is_not_a_retry() -> None:
    journal = Journal(
        [
            entry(1, 0, PET, 200),
            entry(2, 10, PET, 200),
            entry(3, 20, PET, 503, duration=50),
            entry(4, 30, PET, 200),
        ]
    )
    assert journal.retries == []
    assert len(journal.chains) == 4


def test_a_truncated_or_garbage_200_is_a_failure_to_back_off_from() -> None:
    for fault in ("truncate", "garbage"):
        journal = [entry(1, 0, PET, 200, fault=fault), entry(2, 8, PET, 200)]
        result = check(journal, "backs-off")
        assert result["verdict"] == "failed"
        assert f"after its {fault}" in result["detail"]


def test_retry_after_binds_the_route_not_only_the_same_request() -> None:
    journal = [
        entry(1, 0, "GET /v1/pets/p1", 429, route="/v1/pets/{petId}", retry_after=1),
        entry(2, 300, "GET /v1/pets/p2", 200, route="/v1/pets/{petId}"),
    ]
    result = check(journal, "honours-retry-after")
    assert result["verdict"] == "failed"
    assert result["detail"].startswith("sent GET /v1/pets/{petId} 295 ms after")


def test_requests_in_flight_or_to_other_routes_do_not_break_retry_after() -> None:
    journal = [
        entry(1, 0, PETS, 503, duration=40, retry_after=1),
        entry(2, 20, PETS, 201, body="other"),  # sent before the 503 came back
        entry(3, 60, "GET /v1/pets", 200),
        entry(4, 1045, PETS, 201),
    ]
    assert check(journal, "honours-retry-after")["verdict"] == "passed"


def test_the_in_flight_409_may_be_retried() -> None:
    journal = attempts(PETS, [409, 201], [1000], key="k", retry_after=1)
    assert check(journal, "no-retry-on-client-error")["verdict"] == "not-exercised"


def test_a_write_in_between_may_change_a_4xx() -> None:
    journal = [entry(1, 0, PET, 404), entry(2, 10, PETS, 201), entry(3, 20, PET, 200)]
    assert check(journal, "no-retry-on-client-error")["verdict"] == "passed"


def test_a_retry_with_a_new_key_fails() -> None:
    journal = [entry(1, 0, PETS, 503, key="a"), entry(2, 400, PETS, 201, key="b")]
    assert "with a new Idempotency-Key" in check(journal, "idempotent-retries")["detail"]


def test_waits_told_by_retry_after_are_not_held_to_growth() -> None:
    # 503 + Retry-After twice (1 s waits), then a dropped connection and a shorter backoff.
    journal = attempts(PETS, [503, 503, 0, 201], [1000, 1000, 300], key="k")
    for entry_ in journal[:2]:
        entry_["response"]["retryAfter"] = 1
    assert check(journal, "backs-off")["verdict"] == "passed"
    assert check(journal, "honours-retry-after")["verdict"] == "passed"


def test_waits_that_do_not_grow_fail() -> None:
    journal = attempts(PET, [503, 503, 503, 200], [200, 400, 410])
    result = check(journal, "backs-off")
    assert result["verdict"] == "failed"
    assert result["detail"].startswith("waited 400 ms then 410 ms between retries")
    assert result["evidence"] == [3, 4]


def test_a_fixed_schedule_across_requests_is_not_jitter() -> None:
    journal = attempts(PET, [503, 503, 200], [200, 400]) + attempts(
        "GET /v1/pets/p2", [503, 503, 200], [200, 400], first_seq=4
    )
    result = check(journal, "jittered")
    assert result["verdict"] == "failed"
    assert "the schedule is fixed" in result["detail"]


def test_polls_without_any_retry_after_are_not_graded() -> None:
    status = "/v1/medical-records/r1/status"
    journal = [
        entry(1, 0, "POST /v1/pets/p1/medical-records", 202, location=f"http://gw{status}"),
        entry(2, 10, f"GET {status}", 200),
    ]
    assert check(journal, "polls-politely")["verdict"] == "not-exercised"


def test_summary_counts_every_check_and_evidence_is_capped() -> None:
    journal = attempts(PET, [503] * 30, [1] * 29)
    report = grade(journal)
    assert len(report["checks"]) == 8
    summary = report["summary"]
    assert summary == {
        "passed": sum(c["verdict"] == "passed" for c in report["checks"]),
        "failed": sum(c["verdict"] == "failed" for c in report["checks"]),
        "notExercised": sum(c["verdict"] == "not-exercised" for c in report["checks"]),
    }
    assert summary["failed"] >= 3  # backs-off, jittered, bounded-retries
    bounded = next(c for c in report["checks"] if c["id"] == "bounded-retries")
    assert len(bounded["evidence"]) == 20


def test_an_empty_journal_exercises_nothing() -> None:
    assert grade([])["summary"] == {"passed": 0, "failed": 0, "notExercised": 8}


def test_two_draws_alone_do_not_decide_jitter() -> None:
    # Two requests' first retries coincide, a third retry differs: too little to call fixed.
    journal = attempts(PET, [503, 503, 200], [200, 450]) + attempts(
        "GET /v1/pets/p2", [503, 200], [201], first_seq=4
    )
    assert check(journal, "jittered")["verdict"] == "passed"


def test_an_immediate_retry_a_rounding_ms_early_is_still_a_retry() -> None:
    # t and durationMs are whole ms from two clocks: 10 + 5 > 14.
    journal = Journal([entry(1, 10, PET, 404, duration=5), entry(2, 14, PET, 404)])
    assert [(r.before.seq, r.after.seq, r.wait) for r in journal.retries] == [(1, 2, 0.0)]


def test_a_4xx_tried_too_often_fails_bounded_retries_too() -> None:
    result = check(attempts(PET, [404] * 7, [0] * 6), "bounded-retries")
    assert result["verdict"] == "failed"
    assert result["detail"].startswith("tried GET /v1/pets/p1 7 times")
