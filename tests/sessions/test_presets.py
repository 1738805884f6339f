"""The fault presets: well-formed rules on routes that exist, and descriptions that name checks."""

import re

import orjson
import pytest

from gateway.openapi import document
from gateway.sessions.model import parse_rules, rule_json
from gateway.sessions.presets import PRESETS, preset_rules, presets_document

REQUIRED = {
    "flaky-writes",
    "rate-limit-storm",
    "brownout",
    "commit-then-drop",
    "slow-upstream",
    "maintenance-window",
    "hang",
}
ACTIONS = {"respond", "latencyMs", "hang", "reset", "truncate", "garbage", "slowBody", "pass"}
STEP_FIELDS = ACTIONS | {"times", "probability", "retryAfter", "jitterMs"}
METHODS = {"*", "GET", "POST", "PUT", "PATCH", "DELETE"}


def test_the_incidents_are_all_there() -> None:
    assert set(PRESETS) >= REQUIRED


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_rules_are_in_the_session_document_shape(name: str) -> None:
    routes = set(document("http://petstore.test/problems/")["paths"]) | {"*"}
    rules = PRESETS[name].rules
    assert rules
    for rule in rules:
        assert set(rule) <= {"method", "route", "steps", "then"}
        assert rule["method"] in METHODS
        assert rule["route"] in routes
        assert rule.get("then", "pass") in {"pass", "repeat", "hold"}
        for step in rule["steps"]:
            assert set(step) <= STEP_FIELDS, step
            assert len(set(step) & ACTIONS) == 1, step
            if "respond" in step:
                assert 400 <= step["respond"] <= 599
            assert 0 < step.get("probability", 1.0) <= 1.0
            assert step.get("times", 1) >= 1


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_description_says_what_it_tests_and_which_checks(name: str) -> None:
    description = PRESETS[name].description
    assert "Tests that a client " in description
    checks = re.search(r"Checks: ([a-z, -]+)\.$", description)
    assert checks is not None, description
    assert checks.group(1).split(", ")


def test_the_document_is_plain_json_and_copies() -> None:
    body = presets_document()
    assert [item["name"] for item in body["items"]] == list(PRESETS)
    assert orjson.loads(orjson.dumps(body)) == body
    rules = preset_rules("flaky-writes")
    rules[0]["steps"].clear()
    assert PRESETS["flaky-writes"].rules[0]["steps"]
    with pytest.raises(KeyError):
        preset_rules("no-such-preset")


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_the_session_model_takes_every_preset(name: str) -> None:
    rules = [rule_json(rule) for rule in parse_rules(preset_rules(name))]
    assert len(rules) == len(PRESETS[name].rules)
    assert all(rule["steps"] for rule in rules)
