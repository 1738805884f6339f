"""The error cases of the README's status table about what the request asks: 405, 409, 413,
415, 422 (a method, a state or a body the API cannot take)."""

import re

from tests.e2e.cases import JSON_CT, REX, TOO_LARGE, Call, ProblemCase

REQUEST_CASES = [
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
            ("pet", "POST", "/v1/pets/{pet}", "GET, HEAD, PUT, PATCH, DELETE"),
            ("pets", "DELETE", "/v1/pets", "GET, HEAD, POST"),
            ("weather", "POST", "/v1/pets/{pet}/weather", "GET, HEAD"),
            ("record-status", "PUT", "/v1/medical-records/{missing}/status", "GET, HEAD"),
            ("preferences", "DELETE", "/v1/users/{me}/preferences", "GET, HEAD, PUT"),
        )
    ),
    # 409
    ProblemCase(
        "409-id-exists",
        Call("POST", "/v1/pets", json={"id": "{pet}", "name": "Twin", "species": "CAT"}),
        409,
        "conflict",
    ),
    # The article's example: an id that exists is 409 even though the body lacks a species.
    ProblemCase(
        "409-article-example-body",
        Call("POST", "/v1/pets", json={"id": "{pet}", "name": "Max"}),
        409,
        "conflict",
    ),
    *(
        ProblemCase(
            f"409-stale-if-match-{method.lower()}",
            Call(method, "/v1/pets/{pet}", headers={"If-Match": '"7"'}, json=body),
            409,
            "conflict",
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
        Call("PUT", "/v1/users/{me}/preferences", json={"units": "furlongs", "theme": "neon"}),
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
    ),
]
