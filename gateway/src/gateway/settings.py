"""Gateway settings, read once from the environment (docs/configuration.md)."""

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from service_kit.settings import (
    DEFAULT_PROBLEM_BASE,
    DEV_JWT_SECRET,
    SettingsError,
    env_bool,
    env_float,
    env_int,
    env_str,
)

FailMode = Literal["open", "closed"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Settings:
    port: int = 8080
    bind_host: str = "127.0.0.1"
    pets_service_url: str = "http://127.0.0.1:8081"
    weather_url: str = "http://127.0.0.1:8082"
    recommendations_url: str = "http://127.0.0.1:8083"
    pets_timeout_ms: int = 5000
    weather_timeout_ms: int = 2000
    recommendations_timeout_ms: int = 1000
    rate_limit: int = 1000
    rate_limit_window_seconds: int = 3600
    rate_limit_fail_mode: FailMode = "open"
    trusted_proxies: tuple[str, ...] = ()
    max_body_bytes: int = 65536
    circuit_failure_threshold: int = 5
    circuit_reset_seconds: float = 10.0
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_key_prefix: str = "petstore:"
    redis_timeout_ms: int = 500
    jwt_secret: str = DEV_JWT_SECRET
    problem_base_url: str = DEFAULT_PROBLEM_BASE
    log_level: str = "INFO"
    shutdown_timeout_seconds: float = 10.0
    rate_limit_enabled: bool = True
    # Not in the environment: how often the maintenance flag is re-read from Redis, and the
    # bounds of the random wait before the one retry of a refused connection (full jitter).
    maintenance_refresh_seconds: float = 0.5
    retry_wait_seconds: tuple[float, float] = (0.0, 0.05)

    def __post_init__(self) -> None:
        if self.rate_limit_fail_mode not in ("open", "closed"):
            raise SettingsError(
                f"RATE_LIMIT_FAIL_MODE must be open or closed, got {self.rate_limit_fail_mode!r}"
            )
        if self.rate_limit < 1 or self.rate_limit_window_seconds < 1:
            raise SettingsError("RATE_LIMIT and RATE_LIMIT_WINDOW_SECONDS must be >= 1")
        self.trusted_networks  # noqa: B018 - fail at start-up on a bad address

    @property
    def trusted_networks(self) -> tuple[Network, ...]:
        try:
            return tuple(ipaddress.ip_network(item, strict=False) for item in self.trusted_proxies)
        except ValueError as exc:
            raise SettingsError(f"TRUSTED_PROXIES holds a bad address: {exc}") from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        fail_mode = env_str(environ, "RATE_LIMIT_FAIL_MODE", "open").strip().lower()
        if fail_mode not in ("open", "closed"):
            raise SettingsError(f"RATE_LIMIT_FAIL_MODE must be open or closed, got {fail_mode!r}")
        proxies = env_str(environ, "TRUSTED_PROXIES", "")
        return cls(
            port=env_int(environ, "GATEWAY_PORT", 8080),
            bind_host=env_str(environ, "BIND_HOST", "127.0.0.1"),
            pets_service_url=env_str(environ, "PETS_SERVICE_URL", "http://127.0.0.1:8081"),
            weather_url=env_str(environ, "WEATHER_URL", "http://127.0.0.1:8082"),
            recommendations_url=env_str(environ, "RECOMMENDATIONS_URL", "http://127.0.0.1:8083"),
            pets_timeout_ms=env_int(environ, "PETS_TIMEOUT_MS", 5000, minimum=1),
            weather_timeout_ms=env_int(environ, "WEATHER_TIMEOUT_MS", 2000, minimum=1),
            recommendations_timeout_ms=env_int(
                environ, "RECOMMENDATIONS_TIMEOUT_MS", 1000, minimum=1
            ),
            rate_limit=env_int(environ, "RATE_LIMIT", 1000, minimum=1),
            rate_limit_window_seconds=env_int(
                environ, "RATE_LIMIT_WINDOW_SECONDS", 3600, minimum=1
            ),
            rate_limit_fail_mode="open" if fail_mode == "open" else "closed",
            rate_limit_enabled=env_bool(environ, "RATE_LIMIT_ENABLED", True),
            trusted_proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()),
            max_body_bytes=env_int(environ, "MAX_BODY_BYTES", 65536, minimum=1),
            circuit_failure_threshold=env_int(environ, "CIRCUIT_FAILURE_THRESHOLD", 5, minimum=1),
            circuit_reset_seconds=env_float(environ, "CIRCUIT_RESET_SECONDS", 10.0),
            redis_url=env_str(environ, "REDIS_URL", "redis://127.0.0.1:6379/0"),
            redis_key_prefix=env_str(environ, "REDIS_KEY_PREFIX", "petstore:"),
            redis_timeout_ms=env_int(environ, "REDIS_TIMEOUT_MS", 500, minimum=1),
            jwt_secret=env_str(environ, "PETSTORE_JWT_SECRET", DEV_JWT_SECRET),
            problem_base_url=env_str(environ, "PROBLEM_BASE_URL", DEFAULT_PROBLEM_BASE),
            log_level=env_str(environ, "LOG_LEVEL", "INFO"),
            shutdown_timeout_seconds=env_float(environ, "SHUTDOWN_TIMEOUT_SECONDS", 10.0),
        )
