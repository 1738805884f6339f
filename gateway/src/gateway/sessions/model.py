"""The session document: pydantic models, and every invalid field as one list of errors."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from service_kit.contract.fields import Integer
from service_kit.problems import FieldError

MAX_TTL = 86400
DEFAULT_TTL = 900
MAX_MS = 300_000  # latencyMs, jitterMs and hang.ms: five minutes at most
MAX_SEED = 2**53 - 1  # exact in every JSON reader
ACTIONS = ("respond", "latencyMs", "hang", "reset", "truncate", "garbage", "slowBody", "pass")
Then = Literal["pass", "repeat", "hold"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Hang(_Strict):
    ms: Annotated[int, Integer(1, MAX_MS)] = 30_000


class SlowBody(_Strict):
    bytesPerSecond: Annotated[int, Integer(1, 10_000_000)]


class Step(_Strict):
    """One scripted answer; exactly one action, with ``times`` and ``probability``."""

    respond: Annotated[int, Integer(400, 599)] | None = None
    retryAfter: Annotated[int, Integer(0, MAX_TTL)] | None = None
    latencyMs: Annotated[int, Integer(0, MAX_MS)] | None = None
    jitterMs: Annotated[int, Integer(0, MAX_MS)] | None = None
    hang: Hang | None = None
    reset: Literal["before", "after-commit"] | None = None
    truncate: bool | None = None
    garbage: bool | None = None
    slowBody: SlowBody | None = None
    pass_: bool | None = Field(None, alias="pass")
    times: Annotated[int, Integer(1, 1_000_000)] = 1
    probability: float = Field(1.0, ge=0.0, le=1.0)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("Leave the field out instead of null.")
        return value

    @field_validator("truncate", "garbage", "pass_")
    @classmethod
    def _true(cls, value: bool | None) -> bool | None:
        if value is False:
            raise ValueError("Must be true (or left out).")
        return value

    @model_validator(mode="after")
    def _one_action(self) -> "Step":
        chosen = [name for name in ACTIONS if self.action_value(name) is not None]
        if len(chosen) != 1:
            raise ValueError(
                "A step needs exactly one action of: "
                + ", ".join(ACTIONS)
                + (f" (got {', '.join(chosen)})" if chosen else "")
            )
        if self.retryAfter is not None and self.respond is None:
            raise ValueError("retryAfter goes with respond.")
        if self.jitterMs is not None and self.latencyMs is None:
            raise ValueError("jitterMs goes with latencyMs.")
        return self

    def action_value(self, name: str) -> Any:
        return self.pass_ if name == "pass" else getattr(self, name)

    @property
    def action(self) -> str:
        return next(n for n in ACTIONS if self.action_value(n) is not None)

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class Rule(_Strict):
    method: str = Field("*", pattern=r"^(\*|[A-Z]{1,16})$")
    route: str = Field("*", min_length=1, max_length=200)
    steps: list[Step] = Field(min_length=1, max_length=20)
    then: Then = "pass"


class Match(_Strict):
    sub: str | None = Field(None, min_length=1, max_length=200)


class SessionSpec(_Strict):
    """What a client sends to create a session (rules or a preset, or both)."""

    name: str | None = Field(None, min_length=1, max_length=200)
    ttlSeconds: Annotated[int, Integer(1, MAX_TTL)] = DEFAULT_TTL
    seed: Annotated[int, Integer(0, MAX_SEED)] | None = None
    match: Match = Field(default_factory=lambda: Match(sub=None))
    preset: str | None = Field(None, min_length=1, max_length=100)
    rules: list[Rule] = Field(default_factory=list, max_length=50)


def field_path(loc: tuple[int | str, ...]) -> str:
    """('rules', 0, 'steps', 1, 'respond') -> 'rules[0].steps[1].respond'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + ("pass" if part == "pass_" else part)
    return out or "body"


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "Unknown field."
    if error["type"] == "missing":
        return "Required."
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def parse_spec(body: dict[str, Any]) -> tuple[SessionSpec | None, list[FieldError]]:
    """The validated document, or every invalid field (nested paths) and no document."""
    try:
        return SessionSpec.model_validate(body), []
    except ValidationError as exc:
        return None, [FieldError(field_path(e["loc"]), _message(e)) for e in exc.errors()]


def parse_rules(rules: list[dict[str, Any]]) -> list[Rule]:
    """Rules from a trusted source (a preset); raises ValidationError if one is not valid."""
    return [Rule.model_validate(rule) for rule in rules]


def rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "method": rule.method,
        "route": rule.route,
        "steps": [step.as_json() for step in rule.steps],
        "then": rule.then,
    }
