"""The upstream verdict: for every way an upstream call can end, what the client gets and
what the circuit breaker is told. The whole policy is the ``RULES`` table below.

An answer is first sorted into an ``Outcome`` (``classify``), then looked up. A change such
as "an upstream 503 with Retry-After becomes a 502 and counts as a failure" is one edited
line of ``RULES`` (tests/gateway/test_verdict.py holds the table's expected rows).
"""

import email.utils
import time
from dataclasses import dataclass
from enum import StrEnum

import orjson

from gateway.http1 import UpstreamResponse
from service_kit.jsonutil import JSON, PROBLEM_JSON
from service_kit.problems import BadGateway, GatewayTimeout, Problem, ServiceUnavailable


class Outcome(StrEnum):
    """How an upstream call ended; the values label ``gateway_upstream_failures_total``."""

    ANSWER = "answer"  # 2xx/3xx/4xx (a 429 without Retry-After included)
    BACK_OFF = "unavailable"  # 503 or 429 with Retry-After: the upstream asked to back off
    SERVER_ERROR = "5xx"
    REFUSED = "refused"  # the connection failed before the request was sent
    RESET = "reset"  # dropped or reset after that
    MALFORMED = "malformed"  # not HTTP, a status outside 100-599, or a body not as promised
    TIMEOUT = "timeout"  # no whole answer within the deadline


class Answer(StrEnum):
    """What the client gets."""

    RELAY = "relay"  # the upstream's answer (a composed route words a 4xx itself)
    UNAVAILABLE = "503"  # 503 + the upstream's Retry-After
    BAD_GATEWAY = "502"
    GATEWAY_TIMEOUT = "504"


class Breaker(StrEnum):
    """What the upstream's circuit breaker is told."""

    SUCCESS = "success"  # the upstream is alive: closes a half-open circuit
    FAILURE = "failure"  # counts towards opening it
    NOTHING = "nothing"  # neither (the call tells nothing about the upstream's health)


@dataclass(frozen=True, slots=True)
class Rule:
    answer: Answer
    breaker: Breaker
    counted: bool  # counted in gateway_upstream_failures_total under the outcome's label


RULES: dict[Outcome, Rule] = {
    Outcome.ANSWER: Rule(Answer.RELAY, Breaker.SUCCESS, counted=False),
    Outcome.BACK_OFF: Rule(Answer.UNAVAILABLE, Breaker.SUCCESS, counted=True),
    Outcome.SERVER_ERROR: Rule(Answer.BAD_GATEWAY, Breaker.FAILURE, counted=True),
    Outcome.REFUSED: Rule(Answer.BAD_GATEWAY, Breaker.FAILURE, counted=True),
    Outcome.RESET: Rule(Answer.BAD_GATEWAY, Breaker.FAILURE, counted=True),
    Outcome.MALFORMED: Rule(Answer.BAD_GATEWAY, Breaker.FAILURE, counted=True),
    Outcome.TIMEOUT: Rule(Answer.GATEWAY_TIMEOUT, Breaker.FAILURE, counted=True),
}


# One client must not be able to open a shared circuit (docs/security.md). An upstream that
# is sent the client's own request (the pets service: method, path, headers and body as the
# client wrote them) answering 500 (or 501, 505-599) has answered that input, and one client
# can repeat such an input at will: still a 502 and still counted, but the breaker is not
# told. Transport failures, timeouts, malformed answers and 502/503/504 (the service, or
# what stands behind it, is down) count for every upstream; so does any 5xx of an upstream
# whose requests the gateway composes itself (the stubs).
INPUT_ERROR = Rule(Answer.BAD_GATEWAY, Breaker.NOTHING, counted=True)
GATEWAY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    rule: Rule
    retry_after: int | None = None  # the upstream's, for BACK_OFF
    relayed: bool = False  # the client gets the upstream's answer (status and body)

    @property
    def answer(self) -> Answer:
        return self.rule.answer

    @property
    def breaker(self) -> Breaker:
        return self.rule.breaker


def judge(outcome: Outcome, retry_after: int | None = None) -> Verdict:
    """The verdict on an outcome: the one place that maps outcomes to answers."""
    rule = RULES[outcome]
    return Verdict(outcome, rule, retry_after, relayed=rule.answer is Answer.RELAY)


def problem_of(verdict: Verdict, name: str) -> Problem | None:
    """The client's problem for a verdict (None: the upstream's answer is relayed). Never the
    upstream's body: it may name internal paths."""
    answer = verdict.answer
    if verdict.relayed:
        return None
    if answer is Answer.UNAVAILABLE:
        seconds = 5 if verdict.retry_after is None else verdict.retry_after
        return ServiceUnavailable(
            f"The {name} service is unavailable; retry later.", retry_after=seconds
        )
    if answer is Answer.BAD_GATEWAY:
        return BadGateway(f"The {name} service failed.")
    if answer is Answer.GATEWAY_TIMEOUT:
        return GatewayTimeout(f"The {name} service did not answer in time.")
    return None


def judge_answer(
    resp: UpstreamResponse, *, composed: bool = False, forwarded: bool = False
) -> Verdict:
    """The verdict on an answer that arrived (``composed``: the gateway's own routes, which
    accept only a 200 with a JSON object, or a 4xx; ``forwarded``: the upstream was sent what
    the client chose, see ``INPUT_ERROR``)."""
    retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
    verdict = judge(classify(resp, retry_after, composed=composed), retry_after)
    if (
        forwarded
        and verdict.outcome is Outcome.SERVER_ERROR
        and resp.status not in GATEWAY_STATUSES
    ):
        return Verdict(verdict.outcome, INPUT_ERROR, retry_after)
    if verdict.answer is Answer.UNAVAILABLE and relays_problem(resp, composed=composed):
        return Verdict(verdict.outcome, verdict.rule, retry_after, relayed=True)
    return verdict


def classify(resp: UpstreamResponse, retry_after: int | None, *, composed: bool) -> Outcome:
    status = resp.status
    if not 100 <= status < 600:
        return Outcome.MALFORMED
    if status in (429, 503) and retry_after is not None:
        if relays_problem(resp, composed=composed) and not _is_json_object(resp.body):
            return Outcome.MALFORMED  # a problem body that would be relayed must be one
        return Outcome.BACK_OFF
    if status >= 500:
        return Outcome.SERVER_ERROR
    if composed:
        if status == 200:
            return Outcome.ANSWER if _is_json_object(resp.body) else Outcome.MALFORMED
        return Outcome.ANSWER if status >= 400 else Outcome.MALFORMED  # a redirect inward
    if resp.body and _is_json(resp) and "Content-Encoding" not in resp.headers:
        return Outcome.ANSWER if _parses(resp.body) else Outcome.MALFORMED
    return Outcome.ANSWER


def relays_problem(resp: UpstreamResponse, *, composed: bool) -> bool:
    """A 503 whose problem body the client gets as it is (the pets service telling why it is
    unavailable); the stubs' bodies name their own paths, so composed routes never relay."""
    return not composed and resp.status == 503 and bool(resp.body) and _media(resp) == PROBLEM_JSON


def _media(resp: UpstreamResponse) -> str:
    return (resp.headers.get("Content-Type") or "").partition(";")[0].strip().lower()


def _is_json(resp: UpstreamResponse) -> bool:
    media = _media(resp)
    return media == JSON or (media.startswith("application/") and media.endswith("+json"))


def _parses(body: bytes) -> bool:
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return True


def _is_json_object(body: bytes) -> bool:
    try:
        return isinstance(orjson.loads(body), dict)
    except orjson.JSONDecodeError:
        return False


def retry_after_seconds(value: str | None) -> int | None:
    """Retry-After as whole seconds (delta-seconds or an HTTP date), None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0, int(when.timestamp() - time.time() + 0.999))
