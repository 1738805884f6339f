"""Schemathesis hooks for tests/e2e/test_fuzz.py, applied to each request before it is sent.

Rules the OpenAPI document states in words because JSON Schema cannot express them:

- An Idempotency-Key names one intended request: the generator reuses short keys by chance
  with other bodies, which is the documented 422 (idempotency-key-reused). A valid key is
  made unique; an invalid one is sent as generated.
- The stubs' fault API (relayed by /admin/upstreams) wants integers written as integers
  (3, not 3.0): there a whole number drawn as a float is sent as an integer. The API's own
  models count 3.0 as an integer, as JSON Schema does.
- A medical record's `date` may not be later than tomorrow (UTC): a valid date after today
  becomes today, so a schema-valid record stays acceptable.
- A fault session's rule names a method its route serves: in a case generated as valid, a
  method drawn for another route becomes `*`.

And one limit of the tool: the coverage phase of Schemathesis 4.32 draws header values from
A-Z a-z 0-9 only, so for If-Match / If-None-Match (whose pattern needs quotes) it sends a
filler such as `0` in its "default positive" case. Such a header is dropped from cases
generated as valid (it is optional); cases generated as invalid keep it.
"""

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

import schemathesis

from gateway.openapi.components import ENTITY_TAGS, IDEMPOTENCY_KEY

_KEY = re.compile(IDEMPOTENCY_KEY)
_TAGS = re.compile(ENTITY_TAGS)
_CONDITIONS = ("if-match", "if-none-match")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    headers = case.headers
    if headers:
        negative = case.meta is not None and case.meta.generation.mode.is_negative
        for name in list(headers):
            value = headers[name]
            if name.lower() == "idempotency-key":
                headers[name] = _unique(value)
            elif name.lower() in _CONDITIONS and not negative and not _TAGS.fullmatch(value):
                del headers[name]
    body = case.body
    if isinstance(body, dict):
        if case.operation.label.startswith("PUT /admin/upstreams/"):
            for name, value in body.items():
                if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                    body[name] = int(value)
        if case.operation.label.endswith("/medical-records") and "date" in body:
            body["date"] = _not_future(body["date"])
        if case.operation.label == "POST /admin/fault-sessions" and not negative_case(case):
            served_method(body)


def negative_case(case: Any) -> bool:
    return bool(case.meta is not None and case.meta.generation.mode.is_negative)


def _unique(key: Any) -> Any:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        return key
    quoted = len(key) >= 2 and key[0] == key[-1] == '"'
    inner = key[1:-1] if quoted else key
    inner = f"{inner[:200]}~{uuid.uuid4().hex}"
    return f'"{inner}"' if quoted else inner


def _not_future(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    try:
        when = date.fromisoformat(value)
    except ValueError:
        return value
    today = datetime.now(UTC).date()
    return today.isoformat() if when > today else value


def _served_methods() -> dict[str, list[str]]:
    from gateway.openapi import document

    paths = document("http://fuzz.test/problems/")["paths"]
    return {
        path: [m.upper() for m in item if m not in ("parameters", "head", "options")]
        for path, item in paths.items()
        if path.startswith("/v1/")
    }


_SERVED = _served_methods()


def served_method(body: dict[str, Any]) -> None:
    """A fault session's rule names a method its route serves (or `*`): a method drawn for
    another route becomes `*` in a case generated as valid."""
    for rule in body.get("rules") or ():
        if not isinstance(rule, dict):
            continue
        methods = _SERVED.get(rule.get("route", "*"))
        if methods is not None and rule.get("method", "*") not in ("*", *methods):
            rule["method"] = "*"
