"""Every check of the report: a journal it passes, one it fails, one that does not exercise it."""

from typing import Any

import pytest

from gateway.sessions.report import CHECK_IDS, grade
from tests.sessions.journals import attempts, entry

PETS = "POST /v1/pets"
PET = "GET /v1/pets/p1"
STATUS = "/v1/medical-records/r1/status"
Journal = list[dict[str, Any]]

# check id -> verdict -> (journal, a phrase its detail must contain)
CASES: dict[str, dict[str, tuple[Journal, str]]] = {
    "honours-retry-after": {
        "passed": (attempts(PETS, [503, 201], [2050], retry_after=2, key="k"), "waited out"),
        "failed": (
            [entry(1, 0, PETS, 503, retry_after=2, key="k"), entry(2, 125, PETS, 201, key="k")],
            "retried POST /v1/pets 120 ms after a Retry-After of 2 s (seq 1 → 2)",
        ),
        "not-exercised": ([entry(1, 0, PETS, 503, retry_after=2)], "no 429 or 503"),
    },
    "no-retry-on-client-error": {
        "passed": ([entry(1, 0, PET, 404), entry(2, 10, "GET /v1/pets", 200)], "answered 404"),
        "failed": (attempts(PET, [404, 404], [0]), "sent GET /v1/pets/p1 again after its 404"),
        "not-exercised": ([entry(1, 0, PET, 200)], "no request was answered"),
    },
    "idempotent-retries": {
        "passed": (attempts(PETS, [0, 201], [300], key="k1"), "reused the Idempotency-Key"),
        "failed": (attempts(PETS, [0, 201], [300]), "without an Idempotency-Key"),
        "not-exercised": ([entry(1, 0, PETS, 201, key="k1")], "no POST was retried"),
    },
    "backs-off": {
        "passed": (attempts(PET, [503, 503, 200], [200, 450]), "longer each time"),
        "failed": (attempts(PET, [503, 200], [3]), "retried GET /v1/pets/p1 3 ms after its 503"),
        "not-exercised": ([entry(1, 0, PET, 503), entry(2, 9, "GET /v1/pets", 200)], "no request"),
    },
    "jittered": {
        "passed": (
            attempts(PET, [503, 200], [150])
            + attempts(PETS, [0, 201], [230], first_seq=3)
            + attempts("GET /v1/pets", [502, 200], [190], first_seq=5),
            "retry waits vary",
        ),
        "failed": (
            attempts(PET, [503, 503, 503, 200], [200, 202, 201]),
            "all 3 retries waited 200 ms",
        ),
        "not-exercised": (
            attempts(PET, [503, 503, 200], [150, 400]),
            "fewer than 3 retries",
        ),
    },
    "bounded-retries": {
        "passed": (attempts(PET, [503, 503, 200], [200, 400]), "at most 3 attempts"),
        "failed": (
            attempts(PET, [503] * 6, [200, 400, 800, 1600, 3200]),
            "tried GET /v1/pets/p1 6 times (seq 1–6)",
        ),
        "not-exercised": ([entry(1, 0, PET, 200), entry(2, 9, PETS, 422)], "no request met"),
    },
    "polls-politely": {
        "passed": (
            [
                entry(1, 0, "POST /v1/pets/p1/medical-records", 202, location=STATUS),
                entry(2, 20, f"GET {STATUS}", 200, retry_after=1),
                entry(3, 1030, f"GET {STATUS}", 200),
            ],
            "1 poll of",
        ),
        "failed": (
            [
                entry(1, 0, "POST /v1/pets/p1/medical-records", 202, location=STATUS),
                entry(2, 20, f"GET {STATUS}", 200, retry_after=1),
                entry(3, 65, f"GET {STATUS}", 200),
            ],
            f"polled {STATUS} 40 ms after a Retry-After of 1 s (seq 2 → 3)",
        ),
        "not-exercised": (
            [entry(1, 0, "POST /v1/pets/p1/medical-records", 202, location=STATUS)],
            "no 202 status URL",
        ),
    },
    "gives-up-on-hang": {
        "passed": (
            [entry(1, 0, PET, 0, duration=1000, fault="hang", closed=True)],
            "gave up on 1 hung request, the first after 1000 ms",
        ),
        "failed": (
            [entry(1, 0, PET, 0, duration=30000, fault="hang")],
            "waited 30000 ms on the hung GET /v1/pets/p1 (seq 1)",
        ),
        "not-exercised": ([entry(1, 0, PET, 200, fault="latency 300 ms")], "no request hung"),
    },
}


def test_every_check_has_all_three_cases() -> None:
    assert tuple(CASES) == CHECK_IDS
    for cases in CASES.values():
        assert set(cases) == {"passed", "failed", "not-exercised"}


@pytest.mark.parametrize(
    ("check", "verdict"),
    [(check, verdict) for check, cases in CASES.items() for verdict in cases],
)
def test_verdict(check: str, verdict: str) -> None:
    journal, phrase = CASES[check][verdict]
    result = next(c for c in grade(journal)["checks"] if c["id"] == check)
    assert result["verdict"] == verdict, result
    assert phrase in result["detail"]
    assert "\n" not in result["detail"]
    if verdict == "not-exercised":
        assert result["evidence"] == []
    else:
        assert result["evidence"]
        assert set(result["evidence"]) <= {e["seq"] for e in journal}
