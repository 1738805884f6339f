"""The error cases of the README's status table: 400, 401, 403 and 404 here, 405 to 422 in
cases_errors_request.py; PROBLEM_CASES is all of them."""

import re

from tests.e2e.cases import JSON_CT, REX, Call, ProblemCase
from tests.e2e.cases_errors_request import REQUEST_CASES

INVALID_TOKEN = re.compile(r'Bearer realm="PetStore API", error="invalid_token"(, .*)?')

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
        "unauthorized",  # /admin/* is rate-limited per client IP (docs/security.md)
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
    ProblemCase("404-article-invalid-id", Call("GET", "/v1/pets/invalid-id"), 404, "not-found"),
    ProblemCase(
        "422-user-id-over-128-characters",
        Call("PUT", "/v1/users/" + "u" * 129 + "/preferences", json={}, auth="admin"),
        422,
        "validation-error",
        fields=frozenset({"userId"}),
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
    *REQUEST_CASES,
]
