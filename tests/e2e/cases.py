"""The status-code cases of DESIGN sections 4-5 as data: one request, what must come back.

Strings in a ``Call`` (path, header values, JSON strings) are templates: ``{pet}`` is a pet
made for the test, ``{missing}`` an id nothing has, ``{me}`` the test's token subject,
``{prefs_owner}`` the same once its preferences are set, ``{other}`` someone else.
Expected header values and body members are templates too, also given ``{id}`` (the answer's).
"""

import re
import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tests.e2e.client import Api

Expect = str | re.Pattern[str]
INVALID_TOKEN = re.compile(r'Bearer realm="PetStore API", error="invalid_token"(, .*)?')
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    auth: str = "rw"
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    data: bytes | None = None


@dataclass(frozen=True)
class ProblemCase:
    id: str
    call: Call
    status: int
    slug: str
    headers: Mapping[str, Expect] = field(default_factory=dict)
    members: Mapping[str, Any] = field(default_factory=dict)
    fields: frozenset[str] | None = None
    rate_limited: bool = True
    known_bug: str | None = None  # a deviation found and reported: the test is xfail(strict)


@dataclass(frozen=True)
class SuccessCase:
    id: str
    call: Call
    status: int
    headers: Mapping[str, Expect] = field(default_factory=dict)
    body: Mapping[str, Any] = field(default_factory=dict)
    keys: frozenset[str] = frozenset()
    media: str | None = "application/json"
    rate_limited: bool = True


def _names(value: Any) -> set[str]:
    if isinstance(value, str):
        return {name for _, name, _, _ in string.Formatter().parse(value) if name}
    if isinstance(value, Mapping):
        return set().union(*(_names(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_names(v) for v in value))
    return set()


def fill(value: Any, values: Mapping[str, str]) -> Any:
    """``value`` with every template string in it filled from ``values``."""
    if isinstance(value, str):
        return value.format_map(values)
    if isinstance(value, Mapping):
        return {k: fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    return value


async def prepare(api: Api, call: Call) -> tuple[Call, dict[str, str]]:
    """The call with its templates filled, making only what it names (a pet, preferences)."""
    names = _names(call.path) | _names(dict(call.headers)) | _names(call.json)
    values = {"missing": str(uuid.uuid4()), "me": api.sub, "other": f"other-{uuid.uuid4().hex}"}
    if "pet" in names:
        values["pet"] = (await api.create_pet(age=3))["id"]
    if "prefs_owner" in names:
        reply = await api.send(
            "PUT", f"/v1/users/{api.sub}/preferences", json={"preferredSpecies": ["CAT"]}
        )
        assert reply.status == 204, reply
        values["prefs_owner"] = api.sub
    filled = replace(
        call,
        path=fill(call.path, values),
        headers=fill(dict(call.headers), values),
        json=fill(call.json, values),
    )
    return filled, values


def header_matches(expected: Expect, actual: str | None, values: Mapping[str, str]) -> bool:
    if actual is None:
        return False
    if isinstance(expected, re.Pattern):
        return expected.fullmatch(actual) is not None
    return actual == expected.format_map(values)


LOOKUP_INSTANCE = (
    "gateway relays the pet lookup's 404 as it is, so `instance` is /v1/pets/{id}, not the "
    "path the client asked for (/v1/pets/{id}/weather); DESIGN 5: instance = the request path"
)
INSTANCE_NOT_URI = (
    "`instance` is the percent-decoded path (service_kit.middleware.render uses request.path): "
    "with non-ASCII or control characters it is not a URI reference (RFC 9457 3.1.5), and "
    "not the path the client sent; found by schemathesis (response_schema_conformance)"
)
REX = {"name": "Rex", "species": "DOG"}
TOO_LARGE = b'{"name": "' + b"x" * 70_000 + b'", "species": "DOG"}'
JSON_CT = {"Content-Type": "application/json"}

PROBLEM_CASES = [
    # 400: what cannot be parsed
    ProblemCase(
        "400-malformed-json",
        Call("POST", "/v1/pets", headers=JSON_CT, data=b'{"name": "Rex",'),
        400,
        "bad-request",
        fields=frozenset({"body"}),
    ),
    ProblemCase(
        "400-json-array",
        Call("POST", "/v1/pets", json=[REX]),
        400,
        "bad-request",
        fields=frozenset({"body"}),
    ),
    ProblemCase(
        "400-query-not-an-integer",
        Call("GET", "/v1/pets?limit=ten"),
        400,
        "bad-request",
        fields=frozenset({"limit"}),
    ),
    ProblemCase(
        "400-malformed-if-match",
        Call("PUT", "/v1/pets/{pet}", headers={"If-Match": "version 1"}, json=REX),
        400,
        "bad-request",
        fields=frozenset({"If-Match"}),
    ),
    ProblemCase(
        "400-malformed-idempotency-key",
        Call("POST", "/v1/pets", headers={"Idempotency-Key": "\u00e9t\u00e9"}, json=REX),
        400,
        "bad-request",
        fields=frozenset({"Idempotency-Key"}),
    ),
    # 401: the token check comes before routing, so an unknown /v1 path is 401 too
    *(
        ProblemCase(
            f"401-{auth}",
            Call("GET", "/v1/pets", auth=auth),
            401,
            "unauthorized",
            headers={
                "WWW-Authenticate": 'Bearer realm="PetStore API"'
                if auth == "none"
                else INVALID_TOKEN
            },
        )
        for auth in ("none", "bad-signature", "expired", "alg-none", "wrong-audience")
    ),
    ProblemCase(
        "401-unknown-v1-path-without-token",
        Call("GET", "/v1/no-such-thing", auth="none"),
        401,
        "unauthorized",
    ),
    ProblemCase(
        "401-admin-route-without-token",
        Call("GET", "/admin/maintenance", auth="none"),
        401,
        "unauthorized",
        rate_limited=False,
    ),
    # 403: the token is good but not enough
    ProblemCase(
        "403-delete-without-write-scope",
        Call("DELETE", "/v1/pets/{pet}", auth="read"),
        403,
        "forbidden",
        members={"requiredScope": "write:pets"},
    ),
    ProblemCase(
        "403-create-without-write-scope",
        Call("POST", "/v1/pets", auth="read", json=REX),
        403,
        "forbidden",
        members={"requiredScope": "write:pets"},
    ),
    ProblemCase(
        "403-someone-elses-preferences",
        Call("GET", "/v1/users/{other}/preferences"),
        403,
        "forbidden",
        members={"requiredScope": "admin"},
    ),
    ProblemCase(
        "403-write-someone-elses-preferences",
        Call("PUT", "/v1/users/{other}/preferences", json={"newsletter": True}),
        403,
        "forbidden",
        members={"requiredScope": "admin"},
    ),
    ProblemCase(
        "403-admin-route",
        Call("PUT", "/admin/maintenance", json={"enabled": True}),
        403,
        "forbidden",
        members={"requiredScope": "admin"},
        rate_limited=False,
    ),
    # 404
    ProblemCase(
        "404-unknown-path-without-token",
        Call("GET", "/no-such-page", auth="none"),
        404,
        "not-found",
        rate_limited=False,
    ),
    ProblemCase("404-unknown-v1-path", Call("GET", "/v1/no-such-thing"), 404, "not-found"),
    ProblemCase(
        "404-client-request-id-is-trace-id",
        Call("GET", "/v1/pets/{missing}", headers={"X-Request-ID": "client-trace-{me}"}),
        404,
        "not-found",
        headers={"X-Request-ID": "client-trace-{me}"},
    ),
    ProblemCase("404-unknown-pet", Call("GET", "/v1/pets/{missing}"), 404, "not-found"),
    ProblemCase("404-pet-id-not-a-uuid", Call("GET", "/v1/pets/rex"), 404, "not-found"),
    ProblemCase(
        "404-non-ascii-pet-id",
        Call("GET", "/v1/pets/%C3%A4ffchen"),
        404,
        "not-found",
        known_bug=INSTANCE_NOT_URI,
    ),
    ProblemCase(
        "404-replace-unknown-pet", Call("PUT", "/v1/pets/{missing}", json=REX), 404, "not-found"
    ),
    ProblemCase(
        "404-patch-unknown-pet",
        Call("PATCH", "/v1/pets/{missing}", json={"age": 1}),
        404,
        "not-found",
    ),
    ProblemCase("404-delete-unknown-pet", Call("DELETE", "/v1/pets/{missing}"), 404, "not-found"),
    *(
        ProblemCase(
            f"404-{route}-unknown-pet",
            Call("GET", f"/v1/pets/{{missing}}/{route}"),
            404,
            "not-found",
            known_bug=LOOKUP_INSTANCE,
        )
        for route in ("weather", "recommendations")
    ),
    ProblemCase(
        "404-record-for-unknown-pet",
        Call(
            "POST",
            "/v1/pets/{missing}/medical-records",
            json={"type": "CHECKUP", "date": "2025-01-02"},
        ),
        404,
        "not-found",
    ),
    ProblemCase(
        "404-unknown-record", Call("GET", "/v1/medical-records/{missing}"), 404, "not-found"
    ),
    ProblemCase(
        "404-unknown-record-status",
        Call("GET", "/v1/medical-records/{missing}/status"),
        404,
        "not-found",
    ),
    ProblemCase(
        "404-preferences-never-set", Call("GET", "/v1/users/{me}/preferences"), 404, "not-found"
    ),
    ProblemCase(
        "404-unknown-problem-type",
        Call("GET", "/problems/no-such-problem", auth="none"),
        404,
        "not-found",
        rate_limited=False,
    ),
    # 405: Allow and allowedMethods name exactly what exists
    *(
        ProblemCase(
            f"405-{method.lower()}-{name}",
            Call(method, path),
            405,
            "method-not-allowed",
            headers={"Allow": allow},
            members={"allowedMethods": allow.split(", ")},
        )
        for name, method, path, allow in (
            ("pet", "POST", "/v1/pets/{pet}", "GET, PUT, PATCH, DELETE"),
            ("pets", "DELETE", "/v1/pets", "GET, POST"),
            ("weather", "POST", "/v1/pets/{pet}/weather", "GET"),
            ("record-status", "PUT", "/v1/medical-records/{missing}/status", "GET"),
            ("preferences", "DELETE", "/v1/users/{me}/preferences", "GET, PUT"),
        )
    ),
    # 409
    ProblemCase(
        "409-id-exists",
        Call("POST", "/v1/pets", json={"id": "{pet}", "name": "Twin", "species": "CAT"}),
        409,
        "already-exists",
    ),
    *(
        ProblemCase(
            f"409-stale-if-match-{method.lower()}",
            Call(method, "/v1/pets/{pet}", headers={"If-Match": '"7"'}, json=body),
            409,
            "version-conflict",
            members={"currentVersion": 1},
        )
        for method, body in (("PUT", REX), ("PATCH", {"age": 4}), ("DELETE", None))
    ),
    # 413, 415
    ProblemCase(
        "413-body-too-large",
        Call("POST", "/v1/pets", headers=JSON_CT, data=TOO_LARGE),
        413,
        "payload-too-large",
    ),
    ProblemCase(
        "413-preferences-too-large",
        Call("PUT", "/v1/users/{me}/preferences", headers=JSON_CT, data=TOO_LARGE),
        413,
        "payload-too-large",
    ),
    ProblemCase(
        "415-not-json",
        Call("POST", "/v1/pets", headers={"Content-Type": "text/plain"}, data=b"Rex the dog"),
        415,
        "unsupported-media-type",
    ),
    ProblemCase(
        "415-patch-not-merge-patch",
        Call(
            "PATCH", "/v1/pets/{pet}", headers={"Content-Type": "application/xml"}, data=b"<pet/>"
        ),
        415,
        "unsupported-media-type",
        headers={"Accept-Patch": re.compile(r".*application/merge-patch\+json.*")},
    ),
    # 422: every failing field listed; an unknown enum value is 422, not 400
    ProblemCase(
        "422-pet-every-error-listed",
        Call(
            "POST",
            "/v1/pets",
            json={
                "name": "",
                "species": "DRAGON",
                "age": -1,
                "breed": " ",
                "status": "LOST",
                "colour": "red",
                "createdAt": "2020-01-01T00:00:00Z",
            },
        ),
        422,
        "validation-error",
        fields=frozenset({"name", "species", "age", "breed", "status", "colour", "createdAt"}),
    ),
    ProblemCase(
        "422-species-enum",
        Call("POST", "/v1/pets", json={"name": "Rex", "species": "DRAGON"}),
        422,
        "validation-error",
        fields=frozenset({"species"}),
    ),
    ProblemCase(
        "422-query-out-of-range",
        Call("GET", "/v1/pets?limit=0&species=DRAGON"),
        422,
        "validation-error",
        fields=frozenset({"limit", "species"}),
    ),
    ProblemCase(
        "422-replace-missing-species",
        Call("PUT", "/v1/pets/{pet}", json={"name": "Rex"}),
        422,
        "validation-error",
        fields=frozenset({"species"}),
    ),
    ProblemCase(
        "422-patch-null-name",
        Call("PATCH", "/v1/pets/{pet}", json={"name": None}),
        422,
        "validation-error",
        fields=frozenset({"name"}),
    ),
    ProblemCase(
        "422-preferences",
        Call("PUT", "/v1/users/{me}/preferences", json={"units": "furlongs", "theme": "dark"}),
        422,
        "validation-error",
        fields=frozenset({"units", "theme"}),
    ),
    ProblemCase(
        "422-medical-record",
        Call(
            "POST",
            "/v1/pets/{pet}/medical-records",
            json={"type": "SURGERY", "date": "2999-01-01", "vaccine": "Rabies"},
        ),
        422,
        "validation-error",
        fields=frozenset({"date", "procedure", "vaccine"}),
    ),
    ProblemCase(
        "422-maintenance-update",
        Call("PUT", "/admin/maintenance", auth="admin", json={"enabled": "yes", "retryAfter": 0}),
        422,
        "validation-error",
        fields=frozenset({"enabled", "retryAfter"}),
        rate_limited=False,
    ),
]

SUCCESS_CASES = [
    SuccessCase(
        "200-list-pets",
        Call("GET", "/v1/pets?limit=2&species=DOG"),
        200,
        keys=frozenset({"items", "nextCursor"}),
    ),
    SuccessCase(
        "201-create-pet",
        Call("POST", "/v1/pets", json={"name": "Rex", "species": "DOG", "age": 3}),
        201,
        headers={"Location": "/v1/pets/{id}", "ETag": '"1"'},
        body={"name": "Rex", "species": "DOG", "age": 3, "status": "AVAILABLE", "version": 1},
        keys=frozenset({"id", "createdAt", "updatedAt"}),
    ),
    SuccessCase(
        "201-create-pet-with-client-id",
        Call("POST", "/v1/pets", json={"id": "{missing}", "name": "Tom", "species": "CAT"}),
        201,
        headers={"Location": "/v1/pets/{missing}", "ETag": '"1"'},
        body={"id": "{missing}"},
    ),
    SuccessCase(
        "200-client-request-id-kept",
        Call("GET", "/v1/pets?limit=1", headers={"X-Request-ID": "client-trace-{me}"}),
        200,
        headers={"X-Request-ID": "client-trace-{me}"},
    ),
    SuccessCase(
        "200-retrieve-pet",
        Call("GET", "/v1/pets/{pet}"),
        200,
        headers={"ETag": '"1"'},
        body={"id": "{pet}", "version": 1},
    ),
    *(
        SuccessCase(
            f"304-if-none-match-{name}",
            Call("GET", "/v1/pets/{pet}", headers={"If-None-Match": tag}),
            304,
            headers={"ETag": '"1"'},
            media=None,
        )
        for name, tag in (("strong", '"1"'), ("weak", 'W/"1"'), ("list", '"5", "1"'))
    ),
    SuccessCase(
        "200-replace-pet",
        Call(
            "PUT",
            "/v1/pets/{pet}",
            headers={"If-Match": '"1"'},
            json={"name": "Max", "species": "CAT"},
        ),
        200,
        headers={"ETag": '"2"'},
        body={"id": "{pet}", "name": "Max", "species": "CAT", "version": 2},
        keys=frozenset({"updatedAt", "createdAt"}),
    ),
    SuccessCase(
        "200-merge-patch-pet",
        Call(
            "PATCH",
            "/v1/pets/{pet}",
            headers={"Content-Type": "application/merge-patch+json", "If-Match": '"1"'},
            json={"status": "ADOPTED", "age": None},
        ),
        200,
        headers={"ETag": '"2"'},
        body={"id": "{pet}", "name": "Rex", "status": "ADOPTED", "version": 2},
    ),
    SuccessCase("204-delete-pet", Call("DELETE", "/v1/pets/{pet}"), 204, media=None),
    SuccessCase(
        "204-delete-pet-if-match",
        Call("DELETE", "/v1/pets/{pet}", headers={"If-Match": '"1"'}),
        204,
        media=None,
    ),
    SuccessCase(
        "204-replace-preferences",
        Call("PUT", "/v1/users/{me}/preferences", json={"newsletter": True, "units": "imperial"}),
        204,
        media=None,
    ),
    SuccessCase(
        "200-own-preferences",
        Call("GET", "/v1/users/{prefs_owner}/preferences"),
        200,
        body={"preferredSpecies": ["CAT"], "newsletter": False, "language": "en"},
    ),
    SuccessCase(
        "200-admin-reads-preferences",
        Call("GET", "/v1/users/{prefs_owner}/preferences", auth="admin"),
        200,
        body={"preferredSpecies": ["CAT"]},
    ),
    SuccessCase(
        "200-weather",
        Call("GET", "/v1/pets/{pet}/weather"),
        200,
        body={"petId": "{pet}"},
        keys=frozenset({"temperatureC", "conditions"}),
    ),
    SuccessCase(
        "200-recommendations",
        Call("GET", "/v1/pets/{pet}/recommendations"),
        200,
        body={"petId": "{pet}", "species": "DOG", "age": 3},
        keys=frozenset({"food", "toys", "careTips"}),
    ),
    SuccessCase(
        "202-medical-record",
        Call(
            "POST",
            "/v1/pets/{pet}/medical-records",
            json={"type": "VACCINATION", "date": "2025-03-01", "vaccine": "Rabies"},
        ),
        202,
        headers={"Location": "/v1/medical-records/{id}/status"},
        body={"status": "PROCESSING", "statusUrl": "/v1/medical-records/{id}/status"},
    ),
    SuccessCase(
        "200-maintenance-state",
        Call("GET", "/admin/maintenance", auth="admin"),
        200,
        body={"enabled": False},
        rate_limited=False,
    ),
    SuccessCase(
        "200-problem-types",
        Call("GET", "/problems", auth="none"),
        200,
        media="text/html",
        rate_limited=False,
    ),
    SuccessCase(
        "200-openapi",
        Call("GET", "/openapi.json", auth="none"),
        200,
        body={"openapi": "3.1.0"},
        rate_limited=False,
    ),
]
