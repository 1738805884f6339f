"""The records worker's settings, read once from the environment (docs/configuration.md)."""

from dataclasses import dataclass

from service_kit import common_settings as common
from service_kit.logs import LogFormat
from service_kit.settings import FromEnv, setting


@dataclass(frozen=True, slots=True)
class Settings(FromEnv):
    bind_host: str = common.BIND_HOST.field()
    port: int = setting("RECORDS_WORKER_PORT", 8084, "port of health and metrics (only)")
    redis_url: str = common.REDIS_URL.field()
    redis_key_prefix: str = common.REDIS_KEY_PREFIX.field()
    redis_timeout_ms: int = common.REDIS_TIMEOUT_MS.field()
    kafka_bootstrap_servers: str = common.KAFKA_BOOTSTRAP_SERVERS.field()
    topic: str = common.MEDICAL_RECORDS_TOPIC.field()
    dlq_topic: str = common.MEDICAL_RECORDS_DLQ_TOPIC.field()
    partitions: int = common.MEDICAL_RECORDS_PARTITIONS.field()
    consumer_group: str = setting("RECORDS_CONSUMER_GROUP", "records-worker", "consumer group")
    processing_delay_ms: int = setting(
        "RECORD_PROCESSING_DELAY_MS", 50, "simulated work per record"
    )
    problem_base_url: str = common.PROBLEM_BASE_URL.field()
    log_level: str = common.LOG_LEVEL.field()
    log_format: LogFormat = common.LOG_FORMAT.field()
    otlp_endpoint: str = common.OTEL_EXPORTER_OTLP_ENDPOINT.field()
    shutdown_timeout: float = common.SHUTDOWN_TIMEOUT_SECONDS.field()
    concurrency: int = setting(
        "RECORDS_WORKER_CONCURRENCY",
        64,
        "records of one batch processed at the same time (the simulated work is I/O-like)",
        minimum=1,
    )
    session_timeout_ms: int = setting(
        "KAFKA_SESSION_TIMEOUT_MS",
        10_000,
        "consumer session: how soon a crashed worker's partitions move to another (the broker "
        "also waits this long for members to rejoin when one arrives)",
        minimum=1000,
    )
    kafka_timeout_ms: int = setting(
        "KAFKA_TIMEOUT_MS",
        3000,
        "bound of every dead-letter produce, commit and shutdown step",
        minimum=1,
    )
    # Not a setting: how long one record's transient failures (Redis, broker) are retried
    # before the batch stops at it; it is fetched again from its uncommitted offset afterwards.
    retry_window_seconds: float = 10.0

    @property
    def redis_timeout(self) -> float:
        return self.redis_timeout_ms / 1000

    @property
    def kafka_timeout(self) -> float:
        return self.kafka_timeout_ms / 1000
