"""After DELETE, every route that reads or changes the pet answers 404; OPTIONS still
describes the route (204 + Allow, docs/http.md). The fuzz run leaves Schemathesis's
use-after-free check to this test: that check counts OPTIONS as a use of the deleted pet."""

import pytest

from tests.e2e.client import Api, check_problem

GONE = [
    ("GET", ""),
    ("HEAD", ""),
    ("PUT", ""),
    ("PATCH", ""),
    ("DELETE", ""),
    ("GET", "/weather"),
    ("GET", "/recommendations"),
    ("POST", "/medical-records"),
]


async def test_every_use_of_a_deleted_pet_is_404(api: Api) -> None:
    pet = await api.create_pet(name="Gone")
    base = f"/v1/pets/{pet['id']}"
    deleted = await api.send("DELETE", base)
    assert deleted.status == 204, deleted
    bodies = {
        "PUT": {"name": "Back", "species": "DOG"},
        "PATCH": {"name": "Back"},
        "POST": {"type": "CHECKUP", "date": "2026-01-15"},
    }
    for method, tail in GONE:
        content = {"Content-Type": "application/merge-patch+json"} if method == "PATCH" else {}
        reply = await api.send(method, base + tail, json=bodies.get(method), headers=content)
        if method == "HEAD":
            assert reply.status == 404, reply
            assert reply.body == b""
        else:
            await check_problem(api, reply, status=404, slug="not-found")


@pytest.mark.parametrize(
    ("tail", "allow"), [("", "GET, HEAD, PUT, PATCH, DELETE"), ("/weather", "GET, HEAD")]
)
async def test_options_on_a_deleted_pet_still_describes_the_route(
    api: Api, tail: str, allow: str
) -> None:
    pet = await api.create_pet(name="Gone")
    base = f"/v1/pets/{pet['id']}"
    assert (await api.send("DELETE", base)).status == 204
    reply = await api.send("OPTIONS", base + tail)
    assert reply.status == 204, reply
    assert reply.headers["Allow"] == allow
