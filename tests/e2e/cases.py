"""Status-code cases as data (cases_errors.py, cases_success.py): one request, what comes back.

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


REX = {"name": "Rex", "species": "DOG"}
TOO_LARGE = b'{"name": "' + b"x" * 70_000 + b'", "species": "DOG"}'
JSON_CT = {"Content-Type": "application/json"}
