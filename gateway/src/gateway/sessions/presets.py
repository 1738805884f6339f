"""Named fault scripts after real incidents: rules ready to start a fault session with."""

import copy
from typing import Any, NamedTuple

# Retry-After values are short (1 s) so a client's test run under a preset stays quick; the
# behaviour they test is the same as with the minutes a real incident would announce.

# Read routes of the two upstreams and their deadlines (weather 2 s, recommendations 1 s):
# the latencies below overrun them, so the gateway answers 504.
WEATHER = "/v1/pets/{petId}/weather"
RECOMMENDATIONS = "/v1/pets/{petId}/recommendations"

# docs/fault-sessions.md prints the presets between these markers (a test keeps them equal).
DOC_BEGIN = "<!-- presets: begin -->"
DOC_END = "<!-- presets: end -->"


class Preset(NamedTuple):
    description: str
    rules: list[dict[str, Any]]


PRESETS: dict[str, Preset] = {
    "flaky-writes": Preset(
        "Every POST answers 503 with Retry-After: 1 twice, then is committed and its "
        "connection dropped, then succeeds; and over again. Tests that a client waits as "
        "told, backs off, keeps one Idempotency-Key across a write's retries (one pet, not "
        "two) and stops. Checks: honours-retry-after, idempotent-retries, backs-off, "
        "bounded-retries.",
        [
            {
                "method": "POST",
                "route": "*",
                "steps": [
                    {"respond": 503, "retryAfter": 1, "times": 2},
                    {"reset": "after-commit"},
                    {"pass": True},
                ],
                "then": "repeat",
            }
        ],
    ),
    "rate-limit-storm": Preset(
        "Every route answers 429 with Retry-After: 1 and the rate-limit headers, two "
        "requests in five, over and over. Tests that a client waits out Retry-After instead "
        "of hammering, and gives up in the end. Checks: honours-retry-after, bounded-retries.",
        [
            {
                "method": "*",
                "route": "*",
                "steps": [
                    {"respond": 429, "retryAfter": 1, "times": 2},
                    {"pass": True, "times": 3},
                ],
                "then": "repeat",
            }
        ],
    ),
    "brownout": Preset(
        "A degraded backend: about 30 % of requests answer 503 without Retry-After and about "
        "30 % are slow (0.3 to 1 s, a long tail); the draws alternate, a request with a 60 % "
        "chance of a 503, the next with a 60 % chance of a slow answer. Tests that a client "
        "backs off exponentially, with jitter, when the server gives no hint, and caps its "
        "retries. Checks: backs-off, jittered, bounded-retries.",
        [
            {
                "method": "*",
                "route": "*",
                "steps": [
                    {"respond": 503, "probability": 0.6},
                    {"latencyMs": 300, "jitterMs": 700, "probability": 0.6},
                ],
                "then": "repeat",
            }
        ],
    ),
    "commit-then-drop": Preset(
        "Every write (POST) is forwarded and committed, then its connection is dropped "
        "without an answer; the retry succeeds. The case that shows whether a retried "
        "write creates a duplicate. Tests that a client retries a lost answer with the same "
        "Idempotency-Key, after a pause. Checks: idempotent-retries, backs-off, "
        "bounded-retries.",
        [
            {
                "method": "POST",
                "route": "*",
                "steps": [{"reset": "after-commit"}, {"pass": True}],
                "then": "repeat",
            }
        ],
    ),
    "slow-upstream": Preset(
        "The weather and recommendations upstreams overrun their deadlines twice each, so "
        "the gateway answers 504, then recover. Tests that a client retries a timed-out read "
        "with growing, jittered pauses and a cap. Checks: backs-off, jittered, "
        "bounded-retries.",
        [
            {
                "method": "GET",
                "route": WEATHER,
                "steps": [{"latencyMs": 2500, "times": 2}],
                "then": "pass",
            },
            {
                "method": "GET",
                "route": RECOMMENDATIONS,
                "steps": [{"latencyMs": 1500, "times": 2}],
                "then": "pass",
            },
        ],
    ),
    "maintenance-window": Preset(
        "A short maintenance window: the first four requests, on every /v1 route, answer "
        "503 with Retry-After: 1, then service resumes. Tests that a client waits as told "
        "and retries a bounded number of times. Checks: honours-retry-after, "
        "bounded-retries.",
        [
            {
                "method": "*",
                "route": "*",
                "steps": [{"respond": 503, "retryAfter": 1, "times": 4}],
                "then": "pass",
            }
        ],
    ),
    "hang": Preset(
        "The first two reads (GET) hang: the gateway answers nothing for 30 s, then closes. "
        "Tests that a client has its own timeout, gives up on a hung connection and retries "
        "after a pause. Checks: gives-up-on-hang, backs-off, bounded-retries.",
        [
            {
                "method": "GET",
                "route": "*",
                "steps": [{"hang": {"ms": 30000}, "times": 2}],
                "then": "pass",
            }
        ],
    ),
}


def preset_rules(name: str) -> list[dict[str, Any]]:
    """A fresh copy of a preset's rules (KeyError for an unknown name)."""
    return copy.deepcopy(PRESETS[name].rules)


def presets_document() -> dict[str, Any]:
    """The body of GET /admin/fault-presets."""
    items = [
        {"name": name, "description": p.description, "rules": copy.deepcopy(p.rules)}
        for name, p in PRESETS.items()
    ]
    return {"items": items}


def presets_markdown() -> str:
    """The presets as docs/fault-sessions.md lists them, between its markers."""
    lines = [f"- `{name}`: {preset.description}" for name, preset in PRESETS.items()]
    return "\n".join([DOC_BEGIN, *lines, DOC_END])
