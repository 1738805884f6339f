"""The upstream verdict: each outcome's answer and breaker outcome, and how answers sort."""

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from gateway.http1 import UpstreamResponse
from gateway.verdict import (
    RULES,
    Answer,
    Breaker,
    Outcome,
    judge,
    judge_answer,
    problem_of,
)
from service_kit.problems import BadGateway, GatewayTimeout, ServiceUnavailable

# The policy, row by row: changing one mapping is one line of RULES and one line here.
EXPECTED = {
    Outcome.ANSWER: (Answer.RELAY, Breaker.SUCCESS),
    Outcome.BACK_OFF: (Answer.UNAVAILABLE, Breaker.SUCCESS),
    Outcome.SERVER_ERROR: (Answer.BAD_GATEWAY, Breaker.FAILURE),
    Outcome.REFUSED: (Answer.BAD_GATEWAY, Breaker.FAILURE),
    Outcome.RESET: (Answer.BAD_GATEWAY, Breaker.FAILURE),
    Outcome.MALFORMED: (Answer.BAD_GATEWAY, Breaker.FAILURE),
    Outcome.TIMEOUT: (Answer.GATEWAY_TIMEOUT, Breaker.FAILURE),
}


def answer(
    status: int, body: bytes = b"", content_type: str | None = None, **headers: str
) -> UpstreamResponse:
    fields = CIMultiDict({k.replace("_", "-"): v for k, v in headers.items()})
    if content_type is not None:
        fields["Content-Type"] = content_type
    return UpstreamResponse(status, CIMultiDictProxy(fields), body)


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_has_its_rule(outcome: Outcome) -> None:
    verdict = judge(outcome)
    assert (verdict.answer, verdict.breaker) == EXPECTED[outcome]
    assert RULES[outcome].counted is (outcome is not Outcome.ANSWER)


def test_503_with_retry_after_is_a_503_with_that_retry_after() -> None:
    verdict = judge_answer(answer(503, Retry_After="42"))
    assert verdict.outcome is Outcome.BACK_OFF
    problem = problem_of(verdict, "pets")
    assert isinstance(problem, ServiceUnavailable)
    assert problem.retry_after == 42
    assert verdict.breaker is Breaker.SUCCESS  # the upstream answered, and in time


def test_pets_problem_503_is_relayed_but_a_stubs_is_not() -> None:
    resp = answer(503, b'{"status": 503}', "application/problem+json", Retry_After="7")
    assert judge_answer(resp).relayed
    assert problem_of(judge_answer(resp), "pets") is None
    assert not judge_answer(resp, composed=True).relayed
    broken = answer(503, b"[1]", "application/problem+json", Retry_After="7")
    assert judge_answer(broken).outcome is Outcome.MALFORMED


@pytest.mark.parametrize(
    ("resp", "composed", "outcome"),
    [
        (answer(200, b"{}", "application/json"), False, Outcome.ANSWER),
        (answer(404, b"{", "text/plain"), False, Outcome.ANSWER),
        (answer(200, b"{", "application/json"), False, Outcome.MALFORMED),
        (answer(200, b"{", "application/json", Content_Encoding="gzip"), False, Outcome.ANSWER),
        (answer(429), False, Outcome.ANSWER),
        (answer(429, Retry_After="3"), False, Outcome.BACK_OFF),
        (answer(503), False, Outcome.SERVER_ERROR),
        (answer(500, b"{}", "application/json"), False, Outcome.SERVER_ERROR),
        (answer(99), False, Outcome.MALFORMED),
        (answer(600), False, Outcome.MALFORMED),
        (answer(200, b"[1]", "application/json"), True, Outcome.MALFORMED),
        (answer(200, b'{"a": 1}', "application/json"), True, Outcome.ANSWER),
        (answer(204), True, Outcome.MALFORMED),
        (answer(302), True, Outcome.MALFORMED),
        (answer(418), True, Outcome.ANSWER),
    ],
)
def test_answers_sort_into_outcomes(
    resp: UpstreamResponse, composed: bool, outcome: Outcome
) -> None:
    assert judge_answer(resp, composed=composed).outcome is outcome


def test_the_clients_problem_never_carries_the_upstreams_words() -> None:
    assert isinstance(problem_of(judge(Outcome.RESET), "weather"), BadGateway)
    timeout = problem_of(judge(Outcome.TIMEOUT), "weather")
    assert isinstance(timeout, GatewayTimeout)
    assert timeout.detail == "The weather service did not answer in time."


@pytest.mark.parametrize(
    ("status", "breaker"),
    [
        (500, Breaker.NOTHING),
        (501, Breaker.NOTHING),
        (507, Breaker.NOTHING),
        (502, Breaker.FAILURE),
        (503, Breaker.FAILURE),
        (504, Breaker.FAILURE),
    ],
)
def test_a_forwarded_requests_500_does_not_move_the_breaker(status: int, breaker: Breaker) -> None:
    verdict = judge_answer(answer(status), forwarded=True)
    assert verdict.breaker is breaker
    assert verdict.answer is Answer.BAD_GATEWAY
    assert verdict.rule.counted
    assert judge_answer(answer(status)).breaker is Breaker.FAILURE  # composed by the gateway
