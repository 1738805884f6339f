"""The pets service's settings, read once from the environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from service_kit.settings import (
    DEFAULT_PROBLEM_BASE,
    DEV_JWT_SECRET,
    env_bool,
    env_float,
    env_int,
    env_str,
)


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
    # Medical records: published to Kafka, answered 202 (see docs/medical-records.md).
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    medical_records_topic: str = "medical-records"
    medical_records_dlq_topic: str = "medical-records.dlq"
    medical_records_partitions: int = 3
    # On against Apache Kafka; the embedded broker fails InitProducerId.
    kafka_idempotent_producer: bool = False
    kafka_timeout_ms: int = 3000
    record_republish_after_seconds: float = 60.0
    idempotency_ttl_seconds: int = 86400

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
            kafka_bootstrap_servers=env_str(
                environ, "KAFKA_BOOTSTRAP_SERVERS", d.kafka_bootstrap_servers
            ),
            medical_records_topic=env_str(
                environ, "MEDICAL_RECORDS_TOPIC", d.medical_records_topic
            ),
            medical_records_dlq_topic=env_str(
                environ, "MEDICAL_RECORDS_DLQ_TOPIC", d.medical_records_dlq_topic
            ),
            medical_records_partitions=env_int(
                environ, "MEDICAL_RECORDS_PARTITIONS", d.medical_records_partitions, minimum=1
            ),
            kafka_idempotent_producer=env_bool(
                environ, "KAFKA_IDEMPOTENT_PRODUCER", d.kafka_idempotent_producer
            ),
            kafka_timeout_ms=env_int(environ, "KAFKA_TIMEOUT_MS", d.kafka_timeout_ms, minimum=1),
            record_republish_after_seconds=env_float(
                environ,
                "RECORD_REPUBLISH_AFTER_SECONDS",
                d.record_republish_after_seconds,
                minimum=0.1,
            ),
            idempotency_ttl_seconds=env_int(
                environ, "IDEMPOTENCY_TTL_SECONDS", d.idempotency_ttl_seconds, minimum=1
            ),
        )
