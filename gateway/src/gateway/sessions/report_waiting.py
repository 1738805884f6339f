"""Checks on how long a client waits: polling a 202's status, giving up on a hung request."""

from urllib.parse import urlsplit

from gateway.sessions.report_journal import Exchange, Journal
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

POLL_TOLERANCE_MS = 100


def _path(url: str) -> str:
    return urlsplit(url).path


def polls_politely(journal: Journal) -> Outcome:
    hasty: list[tuple[Exchange, Exchange]] = []
    polled: list[Exchange] = []
    for accepted in (e for e in journal.entries if e.status == 202 and e.location):
        target = _path(accepted.location or "")
        previous = accepted
        for poll in journal.gets_by_path.get(target, []):
            if poll.seq <= accepted.seq:
                continue
            if previous.retry_after is not None:
                polled.append(poll)
                if poll.t - previous.end < previous.retry_after * 1000 - POLL_TOLERANCE_MS:
                    hasty.append((previous, poll))
            previous = poll
    if hasty:
        told, poll = hasty[0]
        return failed(
            f"polled {poll.path} {ms(poll.t - told.end)} after a Retry-After of "
            f"{seconds(told.retry_after or 0)} (seq {told.seq} → {poll.seq})"
            f"{more(len(hasty), 'early polls')}: poll no faster than Retry-After says",
            [e for pair in hasty for e in pair],
        )
    if not polled:
        return not_exercised("no 202 status URL was polled after an answer with Retry-After")
    return passed(
        f"{count(len(polled), 'poll')} of a 202's status URL, none before Retry-After", polled
    )


def gives_up_on_hang(journal: Journal) -> Outcome:
    hangs = [e for e in journal.entries if e.fault_kind == "hang"]
    if not hangs:
        return not_exercised("no request hung")
    waited = [e for e in hangs if not e.client_closed]
    if waited:
        e = waited[0]
        return failed(
            f"waited {ms(e.duration)} on the hung {e.label} (seq {e.seq}) until the gateway "
            f"closed it{more(len(waited), 'hangs')}: set a client timeout",
            waited,
        )
    quickest = min(e.duration for e in hangs)
    return passed(
        f"gave up on {count(len(hangs), 'hung request')}, the first after {ms(quickest)}", hangs
    )


CHECKS = (
    Check(
        "polls-politely",
        "After a 202 with a `Location`, each GET of that status URL starts no sooner after "
        "the previous answer (the 202 or the last poll) than that answer's `Retry-After` "
        f"(tolerance {POLL_TOLERANCE_MS} ms). Not exercised unless a poll followed an "
        "answer with `Retry-After`.",
        polls_politely,
    ),
    Check(
        "gives-up-on-hang",
        "Every request the session made hang was closed by the client (`clientClosed`) "
        "before the gateway ended the hang. Not exercised unless a request hung.",
        gives_up_on_hang,
    ),
)
