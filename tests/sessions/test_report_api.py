"""GET /admin/fault-presets and GET /admin/fault-sessions/{id}/report on the running gateway."""

from multidict import CIMultiDict, CIMultiDictProxy

from gateway.sessions.presets import presets_document
from tests.gateway.contract import check_reply
from tests.gateway.leaks import Reply
from tests.sessions.client import Answer, Faults
from tests.support import wait_until

RULES = [{"method": "GET", "route": "/v1/pets", "steps": [{"respond": 503, "retryAfter": 1}]}]


def conforms(method: str, path: str, answer: Answer) -> list[str]:
    """What in the answer the served OpenAPI document does not describe."""
    headers = CIMultiDictProxy(CIMultiDict(answer.headers))
    return check_reply(Reply(method, path, answer.status, headers, answer.body))


async def _start(faults: Faults, body: dict[str, object]) -> str:
    answer = await faults.send("POST", "/admin/fault-sessions", token=faults.admin, body=body)
    assert answer.status == 201, answer
    session_id: str = answer.json()["id"]
    faults.started.append(session_id)
    return session_id


async def test_presets_are_listed_for_the_faults_scope(faults: Faults) -> None:
    answer = await faults.send("GET", "/admin/fault-presets", token=faults.admin)
    assert answer.status == 200, answer
    assert answer.json() == presets_document()
    assert conforms("GET", "/admin/fault-presets", answer) == []
    refused = await faults.send("GET", "/admin/fault-presets")  # read:pets write:pets only
    assert refused.status == 403
    assert refused.json()["requiredScope"] == "faults"
    anonymous = await faults.send("GET", "/admin/fault-presets", headers={"Authorization": ""})
    assert anonymous.status == 401


async def test_a_fresh_session_exercises_nothing(faults: Faults) -> None:
    session_id = await _start(faults, {"preset": "hang", "ttlSeconds": 60})
    answer = await faults.send(
        "GET", f"/admin/fault-sessions/{session_id}/report", token=faults.admin
    )
    assert answer.status == 200, answer
    report = answer.json()
    assert report["id"] == session_id
    assert report["truncated"] is False
    assert report["summary"] == {"passed": 0, "failed": 0, "notExercised": 8}
    assert all(c["evidence"] == [] for c in report["checks"])


async def test_the_report_grades_what_the_journal_holds(faults: Faults) -> None:
    session_id = await _start(faults, {"rules": RULES, "ttlSeconds": 60})
    first = await faults.send("GET", "/v1/pets", session=session_id)
    again = await faults.send("GET", "/v1/pets", session=session_id)  # at once: too early
    assert (first.status, again.status) == (503, 200)

    async def journal() -> Answer:
        path = f"/admin/fault-sessions/{session_id}/journal"
        return await faults.send("GET", path, token=faults.admin)

    # An exchange is journaled once its last byte is written: the client may see it first.
    await wait_until(journal, lambda a: len(a.json()["entries"]) == 2, what="both entries")
    answer = await faults.send(
        "GET", f"/admin/fault-sessions/{session_id}/report", token=faults.admin
    )
    assert answer.status == 200, answer
    assert conforms("GET", f"/admin/fault-sessions/{session_id}/report", answer) == []
    checks = {c["id"]: c for c in answer.json()["checks"]}
    assert checks["honours-retry-after"]["verdict"] == "failed"
    assert checks["honours-retry-after"]["evidence"] == [1, 2]
    assert checks["honours-retry-after"]["detail"].startswith("retried GET /v1/pets ")
    assert checks["backs-off"]["verdict"] == "failed"


async def test_an_unknown_or_malformed_session_is_404(faults: Faults) -> None:
    for session_id in ("fs_" + "0" * 32, "not-a-session"):
        path = f"/admin/fault-sessions/{session_id}/report"
        answer = await faults.send("GET", path, token=faults.admin)
        assert answer.status == 404, answer
        assert answer.headers["Content-Type"].startswith("application/problem+json")
    ended = await _start(faults, {"rules": RULES, "ttlSeconds": 60})
    deleted = await faults.send("DELETE", f"/admin/fault-sessions/{ended}", token=faults.admin)
    assert deleted.status == 204
    gone = await faults.send("GET", f"/admin/fault-sessions/{ended}/report", token=faults.admin)
    assert gone.status == 404
