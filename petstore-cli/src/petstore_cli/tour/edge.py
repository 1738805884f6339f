"""Tour steps at the protocol edge: HEAD and OPTIONS, content negotiation, unknown methods,
and requests too large to parse, each answered as a problem."""

from petstore_cli.tour.core import UNPARSED_MEMBERS, Reply, Tour
from petstore_cli.tour.pets import PET_METHODS, allows

TOO_LONG = 20_000


def no_body(reply: Reply) -> str | None:
    return None if reply.body is None else "HEAD answered a body"


def nothing_echoed(reply: Reply) -> str | None:
    return "the request was echoed" if "aaaaaaaa" in str(reply.body) else None


async def protocol_edge(t: Tour) -> None:
    if t.pet:
        path = f"/v1/pets/{t.pet['id']}"
        await t.step("HEAD a pet", "HEAD", path, 200, ("ETag",), no_body, token=t.rw)
        await t.step(
            "OPTIONS a pet", "OPTIONS", path, 204, ("Allow",), allows(PET_METHODS), token=t.rw
        )
        await t.step(
            "only XML acceptable",
            "GET",
            path,
            406,
            token=t.rw,
            headers={"Accept": "application/xml"},
        )
    await t.step("HEAD the list", "HEAD", "/v1/pets?limit=1", 200, (), no_body, token=t.rw)
    for name, method, path, status, headers in [
        ("unknown method", "FOO", "/v1/pets", 501, {}),
        ("path too long", "GET", "/v1/pets/" + "a" * TOO_LONG, 414, {}),
        ("header too large", "GET", "/v1/pets", 431, {"X-Pad": "a" * TOO_LONG}),
    ]:
        await t.step(
            name,
            method,
            path,
            status,
            check=nothing_echoed,
            members=UNPARSED_MEMBERS,
            token=t.rw,
            headers=headers,
        )
