"""The session API: create, list, read with fired counters, end, and what it refuses."""

from typing import Any

from tests.sessions.client import Faults

RULES = [{"method": "POST", "route": "/v1/pets", "steps": [{"respond": 503, "retryAfter": 2}]}]


async def test_create_answers_201_with_location_and_the_session(faults: Faults) -> None:
    answer = await faults.send(
        "POST",
        "/admin/fault-sessions",
        token=faults.admin,
        body={"name": "checkout retries", "ttlSeconds": 60, "seed": 42, "rules": RULES},
    )
    assert answer.status == 201, answer
    created = answer.json()
    faults.started.append(created["id"])
    assert answer.headers["Location"] == f"/admin/fault-sessions/{created['id']}"
    assert created["header"] == {"Fault-Session": created["id"]}
    assert created["name"] == "checkout retries"
    assert created["seed"] == 42
    assert created["ttlSeconds"] == 60
    assert created["createdAt"].endswith("Z")
    assert created["expiresAt"] > created["createdAt"]
    step = created["rules"][0]["steps"][0]
    assert step == {"respond": 503, "retryAfter": 2, "times": 1, "probability": 1.0, "fired": 0}
    assert created["rules"][0]["then"] == "pass"


async def test_every_invalid_field_is_listed_with_its_path(faults: Faults) -> None:
    document: dict[str, Any] = {
        "ttlSeconds": 0,
        "colour": "red",
        "rules": [
            {"method": "GET", "route": "/v1/pets", "steps": [{"respond": 503}, {"respond": 200}]},
            {"route": "/v1/nowhere", "steps": [{"latencyMs": 10, "garbage": True}]},
            {"method": "DELETE", "route": "/v1/pets", "steps": [{"pass": True}]},
        ],
    }
    answer = await faults.send("POST", "/admin/fault-sessions", token=faults.admin, body=document)
    assert answer.status == 422, answer
    problem = answer.json()
    assert problem["type"].endswith("/validation-error")
    fields = {error["field"] for error in problem["errors"]}
    assert fields == {"ttlSeconds", "colour", "rules[0].steps[1].respond", "rules[1].steps[0]"}
    # Once the shapes are right, routes and methods are checked against the API itself.
    document = {
        "rules": [document["rules"][0] | {"steps": [{"pass": True}]}, *document["rules"][1:]]
    }
    document["rules"][1]["steps"] = [{"garbage": True}]
    answer = await faults.send("POST", "/admin/fault-sessions", token=faults.admin, body=document)
    assert answer.status == 422, answer
    fields = {error["field"] for error in answer.json()["errors"]}
    assert fields == {"rules[1].route", "rules[2].method"}


async def test_a_session_needs_rules_or_a_known_preset(faults: Faults) -> None:
    for document, field in (({"name": "empty"}, "rules"), ({"preset": "no-such"}, "preset")):
        answer = await faults.send(
            "POST", "/admin/fault-sessions", token=faults.admin, body=document
        )
        assert answer.status == 422, answer
        assert [e["field"] for e in answer.json()["errors"]] == [field]


async def test_a_preset_rules_come_first_then_the_given_ones(faults: Faults) -> None:
    created = await faults.start({"preset": "maintenance-window", "rules": RULES})
    assert created["preset"] == "maintenance-window"
    assert len(created["rules"]) == 2
    assert created["rules"][0]["steps"][0]["respond"] == 503
    assert created["rules"][1]["route"] == "/v1/pets"


async def test_the_api_needs_the_faults_scope_admin_implies_it(faults: Faults) -> None:
    answer = await faults.send("GET", "/admin/fault-sessions", token=faults.rw)
    assert answer.status == 403
    assert answer.json()["requiredScope"] == "faults"
    answer = await faults.send("GET", "/admin/fault-sessions", token=faults.token("admin"))
    assert answer.status == 200
    answer = await faults.send(
        "GET", "/admin/fault-sessions", headers={"Authorization": "Bearer nope"}
    )
    assert answer.status == 401


async def test_list_read_end(faults: Faults) -> None:
    created = await faults.start({"rules": RULES})
    sid = created["id"]
    listed = await faults.send("GET", "/admin/fault-sessions", token=faults.admin)
    assert sid in [item["id"] for item in listed.json()["items"]]
    await faults.send("POST", "/v1/pets", body={"name": "Rex", "species": "DOG"}, session=sid)
    read = await faults.read(sid)
    assert read.status == 200
    assert read.json()["rules"][0]["steps"][0]["fired"] == 1
    options = await faults.send("OPTIONS", f"/admin/fault-sessions/{sid}")
    assert options.status == 204
    assert options.headers["Allow"] == "GET, HEAD, DELETE"
    ended = await faults.send("DELETE", f"/admin/fault-sessions/{sid}", token=faults.admin)
    assert ended.status == 204
    assert (await faults.read(sid)).status == 404
    assert (await faults.read(sid, "/journal")).status == 404
    again = await faults.send("DELETE", f"/admin/fault-sessions/{sid}", token=faults.admin)
    assert again.status == 404
    options = await faults.send("OPTIONS", f"/admin/fault-sessions/{sid}/journal")
    assert options.status == 404  # an ended session has no methods left
    listed = await faults.send("GET", "/admin/fault-sessions", token=faults.admin)
    assert sid not in [item["id"] for item in listed.json()["items"]]


async def test_an_unknown_or_ended_session_header_is_400(faults: Faults) -> None:
    for value in ("fs_" + "0" * 32, "not-an-id"):
        answer = await faults.send("GET", "/v1/pets", session=value)
        assert answer.status == 400, answer
        problem = answer.json()
        assert problem["type"].endswith("/fault-session-unknown")
        assert problem["errors"][0]["field"] == "Fault-Session"
    page = await faults.send("GET", "/problems/fault-session-unknown")
    assert page.status == 200
    created = await faults.start({"rules": RULES})
    await faults.send("DELETE", f"/admin/fault-sessions/{created['id']}", token=faults.admin)
    answer = await faults.send("GET", "/v1/pets", session=created["id"])
    assert answer.status == 400


async def test_the_gate_and_the_routing_answer_before_the_session(faults: Faults) -> None:
    created = await faults.start({"rules": [{"steps": [{"respond": 500}], "then": "hold"}]})
    sid = created["id"]
    bad = await faults.send("GET", "/v1/pets", session=sid, token="not-a-token")
    assert bad.status == 401
    missing = await faults.send("GET", "/v1/nowhere", session=sid)
    assert missing.status == 404
    wrong = await faults.send("POST", "/v1/pets/some-id", session=sid, body={})
    assert wrong.status == 405
    # ... and a header naming no session leaves those answers alone too.
    assert (await faults.send("GET", "/v1/nowhere", session="fs_" + "1" * 32)).status == 404
    served = await faults.send("GET", "/v1/pets", session=sid)
    assert served.status == 500
    entries = await faults.journal(sid, count=4)
    assert [(e["status"], e["route"], e["fault"]) for e in entries] == [
        (401, "/v1/pets", None),
        (404, None, None),
        (405, None, None),
        (500, "/v1/pets", "respond 500"),
    ]
