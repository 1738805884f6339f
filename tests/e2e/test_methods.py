"""HEAD wherever GET works, OPTIONS on every resource, 501 for methods nobody serves, on
every service of the running suite; HEAD and OPTIONS on /v1 pass the same gate as GET."""

import pytest

from tests.e2e.client import Api, Reply, assert_no_server_version, check_common, check_problem
from tests.rawhttp import exchange
from tests.support import wait_until

# Headers that may differ between two answers of the same resource.
VOLATILE = {"date", "x-request-id", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit"}

# (path, Allow) of every GET route of the gateway; {pet} and {record} are made first.
GATEWAY_ROUTES = (
    ("/v1/pets", "GET, HEAD, POST"),
    ("/v1/pets/{pet}", "GET, HEAD, PUT, PATCH, DELETE"),
    ("/v1/pets/{pet}/weather", "GET, HEAD"),
    ("/v1/pets/{pet}/recommendations", "GET, HEAD"),
    ("/v1/medical-records/{record}", "GET, HEAD"),
    ("/v1/medical-records/{record}/status", "GET, HEAD"),
    ("/v1/users/{me}/preferences", "GET, HEAD, PUT"),
    ("/admin/maintenance", "GET, HEAD, PUT"),
    ("/problems", "GET, HEAD"),
    ("/problems/not-found", "GET, HEAD"),
    ("/openapi.json", "GET, HEAD"),
    ("/docs", "GET, HEAD"),
    ("/healthz", "GET, HEAD"),
    ("/readyz", "GET, HEAD"),
)
# Routes whose body is made anew on each call: same headers, but not the same length.
UNSTABLE = {"/v1/pets/{pet}/weather", "/v1/pets/{pet}/recommendations"}
SERVICE_ROUTES = {
    "pets-service": (
        ("/v1/pets/{pet}", "GET, HEAD, PUT, PATCH, DELETE"),
        ("/readyz", "GET, HEAD"),
        ("/metrics", "GET, HEAD"),
    ),
    "weather-stub": (
        ("/v1/weather/{pet}", "GET, HEAD"),
        ("/admin/faults", "GET, HEAD, PUT, DELETE"),
    ),
    "recommendations-stub": (
        ("/v1/recommendations/{pet}", "GET, HEAD"),
        ("/admin/faults", "GET, HEAD, PUT, DELETE"),
    ),
    "records-worker": (("/healthz", "GET, HEAD"), ("/readyz", "GET, HEAD")),
}


async def _values(api: Api) -> dict[str, str]:
    pet = await api.create_pet(name="Head", species="CAT")
    record = await api.send(
        "POST",
        f"/v1/pets/{pet['id']}/medical-records",
        json={"type": "CHECKUP", "date": "2025-01-02"},
    )
    assert record.status == 202, record
    prefs = await api.send("PUT", f"/v1/users/{api.sub}/preferences", json={"newsletter": True})
    assert prefs.status == 204, prefs
    record_id = record.json()["id"]
    await wait_until(
        lambda: api.send("GET", f"/v1/medical-records/{record_id}"),
        lambda reply: reply.status == 200,
        within=20,
        interval=0.1,
        what="the processed record",
    )
    return {"pet": pet["id"], "record": record_id, "me": api.sub}


def _same_headers(get: Reply, head: Reply, *, length: bool) -> None:
    assert head.status == get.status, (get, head)
    assert head.body == b"", head
    names = {n.lower() for n in get.headers} - VOLATILE
    assert names == {n.lower() for n in head.headers} - VOLATILE, (get, head)
    for name in names - {"content-length"}:
        assert head.headers.getall(name) == get.headers.getall(name), (name, get, head)
    if length:
        assert head.headers["Content-Length"] == get.headers["Content-Length"], (get, head)


async def test_head_and_options_on_every_gateway_get_route(api: Api) -> None:
    values = await _values(api)
    for template, allow in GATEWAY_ROUTES:
        path = template.format(**values)
        auth = "admin" if template.startswith("/admin") else "rw"
        get = await api.send("GET", path, auth=auth)
        assert get.status == 200, get
        head = await api.send("HEAD", path, auth=auth)
        _same_headers(get, head, length=template not in UNSTABLE)
        options = await api.send("OPTIONS", path, auth=auth)
        assert options.status == 204, options
        assert options.headers["Allow"] == allow, options
        assert options.body == b"", options
        check_common(options, rate_limited="X-RateLimit-Limit" in get.headers)  # as GET


async def test_head_of_an_error_is_the_error_without_its_body(api: Api) -> None:
    path = "/v1/pets/0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11"
    get = await api.send("GET", path)
    assert get.status == 404, get
    head = await api.send("HEAD", path)
    _same_headers(get, head, length=False)  # the detail names the path, so its length varies
    assert head.media_type == "application/problem+json", head


@pytest.mark.parametrize("service", sorted(SERVICE_ROUTES))
async def test_head_and_options_on_each_service(api: Api, service: str) -> None:
    pet = await api.create_pet(name="Direct", species="DOG")
    base = api.suite.url(service)
    for template, allow in SERVICE_ROUTES[service]:
        path = template.format(pet=pet["id"])
        get = await api.send("GET", path, base=base)
        assert get.status == 200, get
        head = await api.send("HEAD", path, base=base)
        _same_headers(get, head, length=template != "/metrics")  # counters move
        options = await api.send("OPTIONS", path, base=base)
        assert options.status == 204, options
        assert options.headers["Allow"] == allow, options


async def test_head_and_options_pass_the_v1_gate(api: Api) -> None:
    for method in ("HEAD", "OPTIONS"):
        anonymous = await api.send(method, "/v1/pets", auth="none")
        assert anonymous.status == 401, anonymous
        assert anonymous.headers["WWW-Authenticate"].startswith('Bearer realm="PetStore API"')
        check_common(anonymous, rate_limited=True)
        someone_else = await api.send(method, "/v1/users/another-user/preferences")
        assert someone_else.status == 403, someone_else
    read_only = await api.send("OPTIONS", "/v1/pets", auth="read")
    assert read_only.status == 204, read_only
    unknown = await api.send("OPTIONS", "/v1/no-such-thing")
    assert unknown.status == 404, unknown


async def test_methods_the_server_does_not_implement_are_501(api: Api) -> None:
    for method in ("PROPFIND", "LINK"):
        reply = await api.send(method, "/v1/pets")
        await check_problem(api, reply, status=501, slug="not-implemented", rate_limited=False)
    trace = await api.send("TRACE", "/v1/pets")  # known to HTTP, served by no resource here
    await check_problem(api, trace, status=405, slug="method-not-allowed")
    for service in ("gateway", "pets-service", "weather-stub", "records-worker"):
        raw = await exchange(
            api.suite.url(service), b"PROPFIND /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        assert raw.status == 501, raw
        assert raw.json()["type"].endswith("/not-implemented"), raw
        assert_no_server_version(raw)


async def test_405_lists_head_but_not_options(api: Api) -> None:
    pet = await api.create_pet()
    reply = await api.send("POST", f"/v1/pets/{pet['id']}", json={})
    body = await check_problem(api, reply, status=405, slug="method-not-allowed")
    assert reply.headers["Allow"] == "GET, HEAD, PUT, PATCH, DELETE"
    assert body["allowedMethods"] == ["GET", "HEAD", "PUT", "PATCH", "DELETE"]


async def test_the_gateway_metrics_port(api: Api) -> None:
    url = str(api.suite.state["metrics"])
    get = await api.send("GET", "", base=url, auth="none")
    assert get.status == 200, get
    head = await api.send("HEAD", "", base=url, auth="none")
    _same_headers(get, head, length=False)  # the counters move between the two
    options = await api.send("OPTIONS", "", base=url, auth="none")
    assert options.status == 204, options
    assert options.headers["Allow"] == "GET, HEAD", options
    for reply in (get, head, options):
        assert reply.headers["Server"] == "petstore", reply


async def test_head_of_the_event_stream_ends(api: Api) -> None:
    reply = await api.send("HEAD", "/admin/events", auth="admin")  # within the client timeout
    assert reply.status == 200, reply
    assert reply.media_type == "text/event-stream", reply
    assert reply.body == b"", reply
