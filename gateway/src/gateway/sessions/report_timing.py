"""Checks on when a client tries again after a failure: backoff and jitter."""

from collections import defaultdict

from gateway.sessions.report_journal import Journal, Retry
from gateway.sessions.report_verdicts import (
    Check,
    Outcome,
    count,
    failed,
    more,
    ms,
    not_exercised,
    passed,
    what_failed,
)

MIN_BACKOFF_MS = 100
GROWTH = 1.1
SAME_WAIT_MS = 3
MIN_SAMPLES = 3  # fewer draws than this can coincide by chance


def _unprompted(retries: list[Retry]) -> list[Retry]:
    return [r for r in retries if not r.before.throttled]


def backs_off(journal: Journal) -> Outcome:
    retries = [r for r in journal.retries if r.before.server_failure]
    if not retries:
        return not_exercised(
            "no request was retried after a 5xx, a dropped connection or a timeout"
        )
    hasty = [r for r in retries if r.wait < MIN_BACKOFF_MS]
    if hasty:
        r = hasty[0]
        return failed(
            f"retried {r.after.label} {ms(r.wait)} after its {what_failed(r.before)} "
            f"(seq {r.before.seq} → {r.after.seq}){more(len(hasty), 'hasty retries')}: "
            f"wait at least {ms(MIN_BACKOFF_MS)}, longer each time",
            [r.before for r in hasty],
            [r.after for r in hasty],
        )
    previous: dict[int, Retry] = {}
    for r in _unprompted(retries):
        last = previous.get(r.index)
        if last is not None and r.wait < GROWTH * last.wait:
            return failed(
                f"waited {ms(last.wait)} then {ms(r.wait)} between retries of {r.after.label} "
                f"(seq {last.after.seq}, {r.after.seq}): make each wait longer (exponential)",
                [last.after, r.after],
            )
        previous[r.index] = r
    waits = sorted(r.wait for r in retries)
    return passed(
        f"waited before {count(len(retries), 'retry', 'retries')} after a failure "
        f"({ms(waits[0])} to {ms(waits[-1])}), longer each time",
        [r.after for r in retries],
    )


def jittered(journal: Journal) -> Outcome:
    retries = _unprompted([r for r in journal.retries if r.before.server_failure])
    if len(retries) < MIN_SAMPLES:
        return not_exercised(
            f"fewer than {MIN_SAMPLES} retries after a failure without Retry-After "
            f"({len(retries)}): too few to tell jitter from chance"
        )
    waits = [r.wait for r in retries]
    evidence = [r.after for r in retries]
    if max(waits) - min(waits) <= SAME_WAIT_MS:
        return failed(
            f"all {len(waits)} retries waited {ms(min(waits))}: add random jitter to the "
            "backoff so clients do not retry in lockstep",
            evidence,
        )
    by_attempt: dict[int, list[float]] = defaultdict(list)
    for r in retries:
        by_attempt[r.attempt].append(r.wait)
    compared = {n: w for n, w in by_attempt.items() if len(w) >= 2}
    same = all(max(w) - min(w) <= SAME_WAIT_MS for w in compared.values())
    if sum(map(len, compared.values())) >= MIN_SAMPLES and same:
        n, w = min(compared.items())
        return failed(
            f"retry {n - 1} of {len(w)} requests waited {ms(w[0])} each time: the schedule is "
            "fixed; add random jitter",
            evidence,
        )
    return passed(f"retry waits vary ({ms(min(waits))} to {ms(max(waits))})", evidence)


CHECKS = (
    Check(
        "backs-off",
        "A retry after a 5xx, a dropped connection, a client timeout or a spoiled 200 "
        f"(truncated or garbage body) waits at least {MIN_BACKOFF_MS} ms after the failed "
        "attempt ended; and each retry after a failure without `Retry-After` waits at "
        f"least {GROWTH:g}× as long as the previous such retry of that request. Not exercised "
        "unless a request was retried after such a failure.",
        backs_off,
    ),
    Check(
        "jittered",
        "The waits of retries after a failure without `Retry-After` are not all the same "
        f"(all within {SAME_WAIT_MS} ms of each other fails); and the n-th retries of "
        "different requests did not all wait the same (judged when at least "
        f"{MIN_SAMPLES} such waits share their n). Not exercised with fewer than "
        f"{MIN_SAMPLES} such retries.",
        jittered,
    ),
)
