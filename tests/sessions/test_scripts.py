"""Scripts: times, then (pass, repeat, hold), probability with a seed, first matching rule."""

from typing import Any

from tests.sessions.client import Faults, one_rule


async def statuses(faults: Faults, sid: str, count: int, path: str = "/v1/pets") -> list[int]:
    return [(await faults.send("GET", path, session=sid)).status for _ in range(count)]


SCRIPT = ({"respond": 503, "times": 2}, {"respond": 502})


async def test_then_pass_repeat_and_hold(faults: Faults) -> None:
    passing = (await faults.start(one_rule(*SCRIPT)))["id"]
    repeating = (await faults.start(one_rule(*SCRIPT, then="repeat")))["id"]
    holding = (await faults.start(one_rule(*SCRIPT, then="hold")))["id"]
    assert await statuses(faults, passing, 5) == [503, 503, 502, 200, 200]
    assert await statuses(faults, repeating, 7) == [503, 503, 502, 503, 503, 502, 503]
    assert await statuses(faults, holding, 5) == [503, 503, 502, 502, 502]
    read = (await faults.read(repeating)).json()
    assert [step["fired"] for step in read["rules"][0]["steps"]] == [5, 2]


async def _draws(faults: Faults, seed: int | None, count: int) -> tuple[list[int], int]:
    document: dict[str, Any] = one_rule({"respond": 503, "probability": 0.5}, then="hold")
    if seed is not None:
        document["seed"] = seed
    created = await faults.start(document)
    return await statuses(faults, created["id"], count), created["seed"]


async def test_the_same_seed_gives_the_same_sequence(faults: Faults) -> None:
    first, _ = await _draws(faults, 42, 24)
    again, _ = await _draws(faults, 42, 24)
    other, _ = await _draws(faults, 7, 24)
    assert first == again
    assert set(first) == {200, 503}  # a coin, not a constant
    assert other != first
    # Without a seed one is chosen, and shown: replaying it replays the run.
    unseeded, chosen = await _draws(faults, None, 24)
    replayed, _ = await _draws(faults, chosen, 24)
    assert unseeded == replayed


async def test_the_first_matching_rule_applies(faults: Faults) -> None:
    pet = await faults.create_pet()
    sid = (
        await faults.start(
            {
                "rules": [
                    {"method": "GET", "route": "/v1/pets/{id}", "steps": [{"respond": 404}]},
                    {"method": "*", "route": "*", "steps": [{"respond": 500}], "then": "hold"},
                ]
            }
        )
    )["id"]
    assert (await faults.send("GET", f"/v1/pets/{pet['id']}", session=sid)).status == 404
    # The first rule is used up (then: pass): the request is served, not handed to the second.
    assert (await faults.send("GET", f"/v1/pets/{pet['id']}", session=sid)).status == 200
    assert (await faults.send("GET", "/v1/pets", session=sid)).status == 500
    write = await faults.send("PATCH", f"/v1/pets/{pet['id']}", body={"age": 3}, session=sid)
    assert write.status == 500
