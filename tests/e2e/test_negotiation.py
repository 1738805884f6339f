"""Content negotiation through the running suite: 406 when Accept admits neither JSON nor
problem+json, q-values honoured, and 415 answers that name what would have been accepted."""

import pytest

from service_kit.negotiation import admits
from tests.e2e.client import Api, check_problem
from tests.rawhttp import exchange

REFUSED = (
    "application/xml",
    "text/html",
    "application/json;q=0, application/problem+json;q=0",
    "*/*;q=0",
    "text/*",
    "not a media type",
)
ADMITTED = (
    "*/*",
    "application/json",
    "application/problem+json",
    "application/*",
    "Application/JSON",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/xml, application/json;q=0.1",
    "application/json;q=0, */*",  # problem+json is still admitted
    "",
)


@pytest.mark.parametrize("accept", REFUSED)
async def test_an_accept_without_json_is_406(api: Api, accept: str) -> None:
    reply = await api.send("GET", "/v1/pets", headers={"Accept": accept})
    await check_problem(api, reply, status=406, slug="not-acceptable")


@pytest.mark.parametrize("accept", ADMITTED)
async def test_json_admitting_accepts_keep_working(api: Api, accept: str) -> None:
    reply = await api.send("GET", "/v1/pets", headers={"Accept": accept})
    assert reply.status == 200, reply
    assert reply.media_type == "application/json", reply


async def test_no_accept_keeps_working(api: Api) -> None:
    token = api.authorization("rw")
    assert token is not None
    request = f"GET /v1/pets HTTP/1.1\r\nHost: t\r\nAuthorization: {token}\r\n"
    reply = await exchange(api.suite.gateway, (request + "Connection: close\r\n\r\n").encode())
    assert reply.status == 200, reply
    assert reply.media_type == "application/json", reply


async def test_406_comes_after_the_gate_and_routing(api: Api) -> None:
    xml = {"Accept": "application/xml"}
    anonymous = await api.send("GET", "/v1/pets", auth="none", headers=xml)
    assert anonymous.status == 401, anonymous
    unknown = await api.send("GET", "/v1/no-such-thing", headers=xml)
    assert unknown.status == 404, unknown
    wrong_method = await api.send("DELETE", "/v1/pets", headers=xml)
    assert wrong_method.status == 405, wrong_method


@pytest.mark.parametrize("service", ["pets-service", "weather-stub", "records-worker"])
async def test_every_service_negotiates(api: Api, service: str) -> None:
    base = api.suite.url(service)
    path = {"pets-service": "/v1/pets", "weather-stub": "/v1/weather/x"}.get(service, "/healthz")
    refused = await api.send("GET", path, base=base, headers={"Accept": "application/xml"})
    assert refused.status == 406, refused
    assert refused.media_type == "application/problem+json", refused
    assert refused.json()["type"].endswith("/not-acceptable"), refused
    admitted = await api.send("GET", path, base=base, headers={"Accept": "application/json"})
    assert admitted.status == 200, admitted


async def test_pages_negotiate_their_own_types(api: Api) -> None:
    page = await api.send("GET", "/docs", auth="none", headers={"Accept": "text/html"})
    assert page.status == 200, page
    pets = api.suite.url("pets-service")
    metrics = await api.send("GET", "/metrics", base=pets, headers={"Accept": "text/plain"})
    assert metrics.status == 200, metrics
    refused = await api.send("GET", "/docs", auth="none", headers={"Accept": "image/png"})
    assert refused.status == 406, refused


async def test_415_names_what_would_have_been_accepted(api: Api) -> None:
    post = await api.send(
        "POST", "/v1/pets", headers={"Content-Type": "text/plain"}, data=b"name=Rex"
    )
    await check_problem(api, post, status=415, slug="unsupported-media-type")
    assert post.headers["Accept-Post"] == "application/json", post
    pet = await api.create_pet()
    patch = await api.send(
        "PATCH", f"/v1/pets/{pet['id']}", headers={"Content-Type": "text/plain"}, data=b"x"
    )
    await check_problem(api, patch, status=415, slug="unsupported-media-type")
    assert patch.headers["Accept-Patch"] == "application/json, application/merge-patch+json"


def test_q_values_decide() -> None:
    assert admits("application/json;q=0.001")
    assert not admits("application/json;q=0")
    assert not admits("application/json;q=0.000, application/problem+json;q=0")
    assert admits("application/problem+json;q=0.5, application/json;q=0")
    assert not admits("text/html", ("application/json",))
    assert admits("text/*", ("text/html",))


async def test_files_are_sent_whatever_their_type(api: Api) -> None:
    css = await api.send("GET", "/console/console.css", auth="none", headers={"Accept": "text/css"})
    assert css.status == 200, css
    assert css.media_type == "text/css", css
    page = await api.send("GET", "/console", auth="none", headers={"Accept": "text/html"})
    assert page.status == 200, page
