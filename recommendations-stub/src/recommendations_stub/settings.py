"""Recommendations stub settings, read once from the environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from service_kit.faults import FaultSpec, fault_from_env
from service_kit.settings import DEFAULT_PROBLEM_BASE, env_float, env_int, env_str


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8083
    log_level: str = "INFO"
    problem_base_url: str = DEFAULT_PROBLEM_BASE
    shutdown_timeout: float = 10.0
    fault: FaultSpec | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        return cls(
            host=env_str(environ, "BIND_HOST", cls.host),
            port=env_int(environ, "RECOMMENDATIONS_STUB_PORT", cls.port, minimum=1),
            log_level=env_str(environ, "LOG_LEVEL", cls.log_level),
            problem_base_url=env_str(environ, "PROBLEM_BASE_URL", cls.problem_base_url),
            shutdown_timeout=env_float(environ, "SHUTDOWN_TIMEOUT_SECONDS", cls.shutdown_timeout),
            fault=fault_from_env(environ, "RECOMMENDATIONS_STUB_FAULT", "STUB_FAULT"),
        )
