"""The records worker's settings, read once from the environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from service_kit.settings import DEFAULT_PROBLEM_BASE, env_float, env_int, env_str


@dataclass(frozen=True, slots=True)
class Settings:
    bind_host: str = "127.0.0.1"
    port: int = 8084
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_key_prefix: str = "petstore:"
    redis_timeout_ms: int = 500
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    topic: str = "medical-records"
    dlq_topic: str = "medical-records.dlq"
    # Used when the worker starts before the pets service and creates the topic itself.
    partitions: int = 3
    consumer_group: str = "records-worker"
    processing_delay_ms: int = 50
    problem_base_url: str = DEFAULT_PROBLEM_BASE
    log_level: str = "INFO"
    shutdown_timeout: float = 10.0
    # Records of one batch processed at the same time (the simulated work is I/O-like).
    concurrency: int = 64
    # A dead member's partitions move to another only after this; the broker also waits
    # this long for members to rejoin when one arrives.
    session_timeout_ms: int = 10_000
    # Every broker call (DLQ produce, commit, stop) ends within this.
    kafka_timeout_ms: int = 3000
    # How long one record's transient failures (Redis, broker) are retried before the
    # batch stops at it; it is fetched again from its uncommitted offset afterwards.
    retry_window_seconds: float = 10.0

    @property
    def redis_timeout(self) -> float:
        return self.redis_timeout_ms / 1000

    @property
    def kafka_timeout(self) -> float:
        return self.kafka_timeout_ms / 1000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        d = cls()
        return cls(
            bind_host=env_str(environ, "BIND_HOST", d.bind_host),
            port=env_int(environ, "RECORDS_WORKER_PORT", d.port),
            redis_url=env_str(environ, "REDIS_URL", d.redis_url),
            redis_key_prefix=env_str(environ, "REDIS_KEY_PREFIX", d.redis_key_prefix),
            redis_timeout_ms=env_int(environ, "REDIS_TIMEOUT_MS", d.redis_timeout_ms, minimum=1),
            kafka_bootstrap_servers=env_str(
                environ, "KAFKA_BOOTSTRAP_SERVERS", d.kafka_bootstrap_servers
            ),
            topic=env_str(environ, "MEDICAL_RECORDS_TOPIC", d.topic),
            dlq_topic=env_str(environ, "MEDICAL_RECORDS_DLQ_TOPIC", d.dlq_topic),
            partitions=env_int(environ, "MEDICAL_RECORDS_PARTITIONS", d.partitions, minimum=1),
            consumer_group=env_str(environ, "RECORDS_CONSUMER_GROUP", d.consumer_group),
            processing_delay_ms=env_int(
                environ, "RECORD_PROCESSING_DELAY_MS", d.processing_delay_ms
            ),
            problem_base_url=env_str(environ, "PROBLEM_BASE_URL", d.problem_base_url),
            log_level=env_str(environ, "LOG_LEVEL", d.log_level),
            shutdown_timeout=env_float(environ, "SHUTDOWN_TIMEOUT_SECONDS", d.shutdown_timeout),
            concurrency=env_int(environ, "RECORDS_WORKER_CONCURRENCY", d.concurrency, minimum=1),
            session_timeout_ms=env_int(
                environ, "KAFKA_SESSION_TIMEOUT_MS", d.session_timeout_ms, minimum=1000
            ),
            kafka_timeout_ms=env_int(environ, "KAFKA_TIMEOUT_MS", d.kafka_timeout_ms, minimum=1),
        )
