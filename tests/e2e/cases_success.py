"""The success cases of the README's status table (and public pages): 200, 201, 202, 204, 304."""

from tests.e2e.cases import Call, SuccessCase

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
        "204-article-preferences",
        Call(
            "PUT", "/v1/users/{me}/preferences", json={"emailNotifications": True, "theme": "dark"}
        ),
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
