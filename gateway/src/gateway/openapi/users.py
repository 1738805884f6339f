"""A user's preferences (the user themself, or admin)."""

from gateway.openapi.base import Section, ref
from gateway.openapi.pets import UPSTREAM_ERRORS
from gateway.openapi.responses import json_body, ok, operation


def section() -> Section:
    return Section(
        paths={
            "/v1/users/{userId}/preferences": {
                "parameters": [ref("parameters", "UserId")],
                "get": operation(
                    "retrievePreferences",
                    "A user's preferences (the user themself, or admin)",
                    {200: ok("The preferences.", ref("schemas", "Preferences"))},
                    errors=(*UPSTREAM_ERRORS, 422),
                ),
                "put": operation(
                    "replacePreferences",
                    "Replace a user's preferences (the user themself, or admin)",
                    {204: ok("Saved; no body.", None)},
                    errors=(400, 404, 413, 415, 422, 502, 504),
                    body=json_body("Preferences"),
                ),
            },
        }
    )
