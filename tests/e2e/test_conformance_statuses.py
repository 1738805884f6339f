"""Every request/answer case of tests/e2e/cases.py through the gateway of the running suite."""

import pytest

from tests.e2e.cases import ProblemCase, SuccessCase, fill, header_matches, prepare
from tests.e2e.cases_errors import PROBLEM_CASES
from tests.e2e.cases_success import SUCCESS_CASES
from tests.e2e.client import Api, Reply, check_common, check_problem


async def _send(api: Api, case: ProblemCase | SuccessCase) -> tuple[Reply, dict[str, str]]:
    """The case's request, with what it names (a pet, preferences) made first."""
    call, values = await prepare(api, case.call)
    reply = await api.send(
        call.method,
        call.path,
        auth=call.auth,
        headers=call.headers,
        json=call.json,
        data=call.data,
    )
    return reply, values


def _params(cases: list[ProblemCase]) -> list[object]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(strict=True, reason=case.known_bug)] if case.known_bug else [],
        )
        for case in cases
    ]


@pytest.mark.parametrize("case", _params(PROBLEM_CASES))
async def test_problem(api: Api, case: ProblemCase) -> None:
    reply, values = await _send(api, case)
    await check_problem(
        api,
        reply,
        status=case.status,
        slug=case.slug,
        rate_limited=case.rate_limited,
        members=fill(dict(case.members), values),
        fields=case.fields,
    )
    for name, expected in case.headers.items():
        assert header_matches(expected, reply.headers.get(name), values), (name, reply)


@pytest.mark.parametrize("case", SUCCESS_CASES, ids=lambda c: c.id)
async def test_success(api: Api, case: SuccessCase) -> None:
    reply, values = await _send(api, case)
    assert reply.status == case.status, reply
    check_common(reply, rate_limited=case.rate_limited)
    if case.media is None:
        assert reply.body == b"", reply
    else:
        assert reply.media_type == case.media, reply
    if case.media == "application/json":
        body = reply.json()
        if isinstance(body, dict) and isinstance(body.get("id"), str):
            values["id"] = body["id"]
            if case.status == 201:
                api.created.append(body["id"])
        for name, expected in fill(dict(case.body), values).items():
            assert body.get(name) == expected, (name, reply)
        assert case.keys <= body.keys(), reply
    for name, expected in case.headers.items():
        assert header_matches(expected, reply.headers.get(name), values), (name, reply)
