"""The pets service's settings, read once from the environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from service_kit.settings import DEFAULT_PROBLEM_BASE, DEV_JWT_SECRET, env_float, env_int, env_str


@dataclass(frozen=True, slots=True)
class Settings:
    bind_host: str = "127.0.0.1"
    port: int = 8081
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_key_prefix: str = "petstore:"
    redis_timeout_ms: int = 500
    # Connections beyond this wait (up to redis_timeout_ms) for a free one, then 503.
    redis_max_connections: int = 64
    jwt_secret: str = DEV_JWT_SECRET
    problem_base_url: str = DEFAULT_PROBLEM_BASE
    max_body_bytes: int = 65536
    log_level: str = "INFO"
    shutdown_timeout: float = 10.0

    @property
    def redis_timeout(self) -> float:
        return self.redis_timeout_ms / 1000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        d = cls()
        return cls(
            bind_host=env_str(environ, "BIND_HOST", d.bind_host),
            port=env_int(environ, "PETS_SERVICE_PORT", d.port, minimum=0),
            redis_url=env_str(environ, "REDIS_URL", d.redis_url),
            redis_key_prefix=env_str(environ, "REDIS_KEY_PREFIX", d.redis_key_prefix),
            redis_timeout_ms=env_int(environ, "REDIS_TIMEOUT_MS", d.redis_timeout_ms, minimum=1),
            jwt_secret=env_str(environ, "PETSTORE_JWT_SECRET", d.jwt_secret),
            problem_base_url=env_str(environ, "PROBLEM_BASE_URL", d.problem_base_url),
            max_body_bytes=env_int(environ, "MAX_BODY_BYTES", d.max_body_bytes, minimum=1),
            log_level=env_str(environ, "LOG_LEVEL", d.log_level),
            shutdown_timeout=env_float(
                environ, "SHUTDOWN_TIMEOUT_SECONDS", d.shutdown_timeout, minimum=0.0
            ),
        )
