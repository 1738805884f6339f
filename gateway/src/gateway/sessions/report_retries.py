"""Checks on whether and how often a client repeats a request: Retry-After, 4xx, keys, caps."""

from gateway.sessions.report_journal import CLIENT_ERRORS, Exchange, Journal
from gateway.sessions.report_verdicts import (
    Check,
    Outcome,
    count,
    failed,
    more,
    ms,
    not_exercised,
    passed,
    seconds,
)

RETRY_AFTER_TOLERANCE_MS = 100
SCAN_SLACK_MS = 1_000  # far more than requests of one route arrive out of seq order
MAX_ATTEMPTS = 5
LISTED = ", ".join(str(s) for s in sorted(CLIENT_ERRORS))


def honours_retry_after(journal: Journal) -> Outcome:
    early: list[tuple[Exchange, Exchange]] = []
    met: list[Exchange] = []
    for told in journal.entries:
        if not told.throttled or told.retry_after is None:
            continue
        due = told.end + told.retry_after * 1000 - RETRY_AFTER_TOLERANCE_MS
        came_back = False
        same_route = journal.by_route[(told.method, told.route)]
        for e in same_route[journal.route_position[told.seq] + 1 :]:
            if e.t < told.end:
                continue  # already in flight when the answer came
            came_back = True
            if e.t < due:
                early.append((told, e))
            elif e.t > due + SCAN_SLACK_MS:
                break  # seqs follow arrival closely: nothing later can be early
        if came_back:
            met.append(told)
    if early:
        told, sent = early[0]
        verb = "retried" if sent.identity == told.identity else "sent"
        return failed(
            f"{verb} {sent.label} {ms(sent.t - told.end)} after a Retry-After of "
            f"{seconds(told.retry_after or 0)} (seq {told.seq} → {sent.seq})"
            f"{more(len(early), 'early requests')}: wait the time the answer gives",
            [e for pair in early for e in pair],
        )
    if not met:
        return not_exercised(
            "no 429 or 503 with Retry-After was followed by a request to its route"
        )
    return passed(
        f"waited out every Retry-After ({count(len(met), 'answer')}) before calling again", met
    )


def no_retry_on_client_error(journal: Journal) -> Outcome:
    refused = [e for e in journal.entries if e.client_error]
    # A write that succeeded in between may have changed the answer (create, then read again).
    again = [
        r
        for r in journal.retries
        if r.before.client_error and not journal.wrote_between(r.before, r.after)
    ]
    if again:
        first = again[0]
        return failed(
            f"sent {first.after.label} again after its {first.before.status} "
            f"(seq {first.before.seq} → {first.after.seq}){more(len(again), 'repeats')}: "
            "a 4xx will not change on retry; fix the request instead",
            [r.before for r in again],
            [r.after for r in again],
        )
    if not refused:
        return not_exercised(f"no request was answered {LISTED}")
    statuses = "/".join(sorted({str(e.status) for e in refused}))
    return passed(f"did not repeat {count(len(refused), 'request')} answered {statuses}", refused)


def idempotent_retries(journal: Journal) -> Outcome:
    posts = [r for r in journal.retries if r.after.method == "POST"]
    first = {r.index: journal.chains[r.index][0] for r in posts}
    bad = [r for r in posts if r.after.key is None or r.after.key != first[r.index].key]
    if bad:
        r = bad[0]
        how = "without an Idempotency-Key" if r.after.key is None else "with a new Idempotency-Key"
        return failed(
            f"retried {r.after.label} {how} (seq {r.after.seq}, first attempt seq "
            f"{first[r.index].seq}){more(len(bad), 'retries')}: "
            "send one key per write and reuse it on every retry",
            [first[r.index] for r in bad],
            [r.after for r in bad],
        )
    if not posts:
        return not_exercised("no POST was retried")
    return passed(
        f"{count(len(posts), 'retried POST')} reused the Idempotency-Key of "
        f"{'its' if len(posts) == 1 else 'their'} first attempt",
        [r.after for r in posts],
    )


def bounded_retries(journal: Journal) -> Outcome:
    over = [c for c in journal.chains if len(c) > MAX_ATTEMPTS]
    if not over and not any(e.retryable for e in journal.entries):
        return not_exercised("no request met a failure a retry could cure (429, 5xx, lost answer)")
    longest = max(journal.chains, key=len)
    if over:
        chain = max(over, key=len)
        return failed(
            f"tried {chain[0].label} {len(chain)} times (seq {chain[0].seq}–{chain[-1].seq})"
            f"{more(len(over), 'requests')}: stop after {MAX_ATTEMPTS} attempts and report",
            chain,
        )
    most = count(len(longest), "attempt")
    return passed(f"at most {most} of any request (cap {MAX_ATTEMPTS})", longest)


CHECKS = (
    Check(
        "honours-retry-after",
        "After a 429 or 503 that carries `Retry-After: N`, no request with the same method "
        "and route starts before N seconds have passed since that answer ended (tolerance "
        f"{RETRY_AFTER_TOLERANCE_MS} ms). Requests already in flight when the answer came do "
        "not count. Not exercised unless such an answer was followed by a request to its route.",
        honours_retry_after,
    ),
    Check(
        "no-retry-on-client-error",
        f"A request answered {LISTED} (a 409 only when it has no `Retry-After`: the "
        "in-flight 409 of an Idempotency-Key asks to be retried) is not sent again as the "
        "same request, unless a write of the session succeeded in between (it may have "
        "changed the answer). Not exercised unless some request got one of those statuses.",
        no_retry_on_client_error,
    ),
    Check(
        "idempotent-retries",
        "Every retry of a POST carries an `Idempotency-Key`, the one its first attempt "
        "carried. Not exercised unless a POST was retried.",
        idempotent_retries,
    ),
    Check(
        "bounded-retries",
        f"No request is tried more than {MAX_ATTEMPTS} times in a row (the first attempt "
        "and its retries). Not exercised unless some request met a failure a retry could "
        "cure (429, 5xx, a dropped or spoiled answer, a timeout, the in-flight 409).",
        bounded_retries,
    ),
)
