"""Fault specs: the modes, their parameters, and strict validation of a requested spec."""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from service_kit.problems import FieldError, ValidationFailed


class Mode(enum.StrEnum):
    HEALTHY = "healthy"
    ERROR = "error"
    LATENCY = "latency"
    TIMEOUT = "timeout"
    RESET = "reset"
    GARBAGE = "garbage"
    TRUNCATE = "truncate"
    SLOW_BODY = "slow-body"


FAULTY = frozenset(Mode) - {Mode.HEALTHY}
_MODE_NAMES = [m.value for m in Mode]
MAX_DELAY_MS = 600_000  # ten minutes: longer is what `timeout` is for
DEFAULT_LATENCY_MS = 1000


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """One fault as requested; ``as_dict`` is its canonical JSON form (defaults filled in)."""

    mode: Mode = Mode.HEALTHY
    probability: float = 1.0
    count: int | None = None
    seed: int | None = None
    delay_ms: int = 0
    jitter_ms: int = 0
    status: int = 500
    retry_after: int | None = None
    bytes_per_second: int = 100

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"mode": self.mode.value}
        if self.mode is Mode.HEALTHY:
            return body
        for name, param in PARAMS.items():
            if self.mode in param.modes:
                body[name] = getattr(self, param.attr)
        return body


@dataclass(frozen=True, slots=True)
class Param:
    attr: str
    integer: bool
    low: int | float
    high: int | float
    modes: frozenset[Mode]
    nullable: bool = False

    def check(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable, or None."""
        if value is None:
            return None if self.nullable else "must not be null"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be an integer" if self.integer else "must be a number"
        if self.integer and not isinstance(value, int):
            return "must be an integer"
        if not self.low <= value <= self.high:
            return f"must be between {self.low} and {self.high}"
        return None


_TIMED = FAULTY - {Mode.TIMEOUT}
PARAMS: dict[str, Param] = {
    "probability": Param("probability", False, 0, 1, FAULTY),
    "count": Param("count", True, 1, 1_000_000_000, FAULTY, nullable=True),
    "seed": Param("seed", True, -(2**63), 2**63 - 1, FAULTY, nullable=True),
    "delayMs": Param("delay_ms", True, 0, MAX_DELAY_MS, _TIMED),
    "jitterMs": Param("jitter_ms", True, 0, MAX_DELAY_MS, _TIMED),
    "status": Param("status", True, 400, 599, frozenset({Mode.ERROR})),
    "retryAfter": Param("retry_after", True, 0, 86_400, frozenset({Mode.ERROR}), nullable=True),
    "bytesPerSecond": Param("bytes_per_second", True, 1, 10_000_000, frozenset({Mode.SLOW_BODY})),
}


def parse_spec(raw: Mapping[str, Any]) -> FaultSpec:
    """A FaultSpec from a JSON object, or ValidationFailed listing every bad field."""
    errors: list[FieldError] = []
    mode: Mode | None = None
    raw_mode = raw.get("mode")
    if "mode" not in raw:
        errors.append(FieldError("mode", "is required"))
    elif not isinstance(raw_mode, str) or raw_mode not in _MODE_NAMES:
        errors.append(FieldError("mode", "must be one of " + ", ".join(_MODE_NAMES)))
    else:
        mode = Mode(raw_mode)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name == "mode":
            continue
        param = PARAMS.get(name)
        if param is None:
            errors.append(FieldError(name, "is not a field of a fault spec"))
            continue
        if mode is not None and mode not in param.modes:
            errors.append(FieldError(name, f"is not a parameter of mode '{mode.value}'"))
            continue
        problem = param.check(value)
        if problem is not None:
            errors.append(FieldError(name, problem))
            continue
        values[param.attr] = float(value) if name == "probability" else value
    if errors or mode is None:
        raise ValidationFailed(
            errors, "The fault spec is not valid; the active fault is unchanged."
        )
    if mode is Mode.LATENCY:
        values.setdefault("delay_ms", DEFAULT_LATENCY_MS)
    return FaultSpec(mode=mode, **values)


def fault_from_text(raw: str) -> FaultSpec:
    """A start-up fault from a settings variable (JSON, as for PUT /admin/faults)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValueError(f"must be a JSON object, got {raw!r}") from None
    if not isinstance(value, dict):
        raise ValueError(f"must be a JSON object, got {raw!r}")
    try:
        return parse_spec(value)
    except ValidationFailed as exc:
        reasons = "; ".join(f"{e['field']} {e['message']}" for e in exc.extensions["errors"])
        raise ValueError(f"is not a valid fault spec: {reasons}") from None
