"""Gateway settings, read once from the environment (docs/configuration.md)."""

import ipaddress
from dataclasses import dataclass
from typing import Literal

from service_kit import common_settings as common
from service_kit.logs import LogFormat
from service_kit.settings import FromEnv, SettingsError, setting

FailMode = Literal["open", "closed"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Settings(FromEnv):
    port: int = setting("GATEWAY_PORT", 8080, "port to listen on")
    bind_host: str = common.BIND_HOST.field()
    metrics_port: int = setting(
        "GATEWAY_METRICS_PORT",
        9464,
        "internal port of `GET /metrics` (never publish it; 0: any free port)",
    )
    header_timeout_seconds: float = common.HEADER_TIMEOUT_SECONDS.field()
    body_timeout_seconds: float = common.BODY_TIMEOUT_SECONDS.field()
    max_connections: int = setting(
        "MAX_CONNECTIONS",
        1024,
        "open client connections at most (then 503 + Retry-After)",
        minimum=1,
    )
    max_connections_per_ip: int = setting(
        "MAX_CONNECTIONS_PER_IP",
        256,
        "open connections from one client address at most (then 503 + Retry-After)",
        minimum=1,
    )
    max_in_flight: int = setting(
        "MAX_IN_FLIGHT",
        256,
        "/v1 requests worked on at once at most; past it 503 `overloaded` + Retry-After "
        "at once (overload shedding)",
        minimum=1,
    )
    upstream_dns_refresh_seconds: float = setting(
        "UPSTREAM_DNS_REFRESH_SECONDS",
        5.0,
        "an upstream's name is resolved again after this, so scaled replicas are seen",
    )
    upstream_connection_max_age_seconds: float = setting(
        "UPSTREAM_CONNECTION_MAX_AGE_SECONDS",
        30.0,
        "an upstream connection is replaced after this long (spreading load over replicas)",
    )
    upstream_connection_max_requests: int = setting(
        "UPSTREAM_CONNECTION_MAX_REQUESTS",
        100,
        "an upstream connection is replaced after this many answers",
        minimum=1,
    )
    pets_service_url: str = setting("PETS_SERVICE_URL", "http://127.0.0.1:8081", "the pets service")
    weather_url: str = setting("WEATHER_URL", "http://127.0.0.1:8082", "the weather stub")
    recommendations_url: str = setting(
        "RECOMMENDATIONS_URL", "http://127.0.0.1:8083", "the recommendations stub"
    )
    pets_timeout_ms: int = setting(
        "PETS_TIMEOUT_MS", 5000, "deadline of a proxied pets-service call (then 504)", minimum=1
    )
    weather_timeout_ms: int = setting(
        "WEATHER_TIMEOUT_MS", 2000, "deadline of the weather route", minimum=1
    )
    recommendations_timeout_ms: int = setting(
        "RECOMMENDATIONS_TIMEOUT_MS", 1000, "deadline of the recommendations route", minimum=1
    )
    rate_limit: int = setting(
        "RATE_LIMIT",
        1000,
        "requests per window per token subject (per client IP without a valid token)",
        minimum=1,
    )
    rate_limit_window_seconds: int = setting(
        "RATE_LIMIT_WINDOW_SECONDS", 3600, "the rate limit's window", minimum=1
    )
    rate_limit_fail_mode: FailMode = setting(
        "RATE_LIMIT_FAIL_MODE",
        "open",
        "Redis down: `open` lets requests through, `closed` answers 503",
    )
    rate_limit_lease: int = setting(
        "RATE_LIMIT_LEASE",
        64,
        "most hits one Redis call leases to this gateway for one identity (1: a Redis call "
        "per request); a lease is also never more than an eighth of what is left",
        minimum=1,
    )
    trusted_proxies: tuple[str, ...] = setting(
        "TRUSTED_PROXIES",
        (),
        "comma-separated addresses (or networks) whose `X-Forwarded-For` is believed",
    )
    max_body_bytes: int = common.MAX_BODY_BYTES.field()
    circuit_failure_threshold: int = setting(
        "CIRCUIT_FAILURE_THRESHOLD",
        5,
        "consecutive upstream failures that open a circuit",
        minimum=1,
    )
    circuit_reset_seconds: float = setting(
        "CIRCUIT_RESET_SECONDS", 10.0, "how long a circuit stays open before one trial call"
    )
    redis_url: str = common.REDIS_URL.field()
    redis_key_prefix: str = common.REDIS_KEY_PREFIX.field()
    redis_timeout_ms: int = common.REDIS_TIMEOUT_MS.field()
    jwt_secret: str = common.JWT_SECRET.field()
    dev_mode: bool = common.DEV_MODE.field()
    problem_base_url: str = common.PROBLEM_BASE_URL.field()
    log_level: str = common.LOG_LEVEL.field()
    log_format: LogFormat = common.LOG_FORMAT.field()
    otlp_endpoint: str = common.OTEL_EXPORTER_OTLP_ENDPOINT.field()
    shutdown_timeout_seconds: float = common.SHUTDOWN_TIMEOUT_SECONDS.field()
    rate_limit_enabled: bool = setting(
        "RATE_LIMIT_ENABLED",
        True,
        "`false` turns the limiter off: no Redis call, no rate-limit headers, no 429 "
        "(for measuring its cost)",
    )
    fault_sessions_enabled: bool = setting(
        "FAULT_SESSIONS_ENABLED",
        True,
        "`false` leaves fault sessions out: no session API (404), no hook on `/v1` requests, "
        "no session Redis connections (for measuring the hook's cost)",
    )
    # Not settings: how often the maintenance flag is re-read from Redis, and the bounds of
    # the random wait before the one retry of a refused connection (full jitter).
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
