"""Whether the gateway can run with its rate limiter off, and with which environment.

The contract (docs/configuration.md) has no such switch, so the benchmark asks the
gateway's own settings: a candidate environment counts only if the gateway reads it into
settings that differ from its defaults (and accepts it).
"""

import dataclasses
import importlib
from typing import Any

CANDIDATES: list[dict[str, str]] = [
    {"RATE_LIMIT_ENABLED": "false"},
    {"RATE_LIMIT": "0"},
]


def rate_limit_off_env() -> dict[str, str] | None:
    try:
        module: Any = importlib.import_module("gateway.settings")
        settings_cls = module.Settings
        default = settings_cls.from_env({})
    except Exception:  # the gateway is not there, or its settings differ from what we know
        return None
    for candidate in CANDIDATES:
        try:
            changed = settings_cls.from_env(candidate)
        except Exception:  # rejected: this gateway does not take that value
            continue
        if dataclasses.is_dataclass(changed) and changed != default:
            return dict(candidate)
    return None
