"""The pets service's settings, read once from the environment (docs/configuration.md)."""

from dataclasses import dataclass

from service_kit import common_settings as common
from service_kit.logs import LogFormat
from service_kit.settings import FromEnv, setting


@dataclass(frozen=True, slots=True)
class Settings(FromEnv):
    bind_host: str = common.BIND_HOST.field()
    port: int = setting("PETS_SERVICE_PORT", 8081, "port to listen on")
    redis_url: str = common.REDIS_URL.field()
    redis_key_prefix: str = common.REDIS_KEY_PREFIX.field()
    redis_timeout_ms: int = common.REDIS_TIMEOUT_MS.field()
    # Not a setting: connections beyond this wait (up to redis_timeout_ms) for a free one.
    redis_max_connections: int = 64
    jwt_secret: str = common.JWT_SECRET.field()
    dev_mode: bool = common.DEV_MODE.field()
    problem_base_url: str = common.PROBLEM_BASE_URL.field()
    max_body_bytes: int = common.MAX_BODY_BYTES.field()
    header_timeout_seconds: float = common.HEADER_TIMEOUT_SECONDS.field()
    body_timeout_seconds: float = common.BODY_TIMEOUT_SECONDS.field()
    log_level: str = common.LOG_LEVEL.field()
    log_format: LogFormat = common.LOG_FORMAT.field()
    otlp_endpoint: str = common.OTEL_EXPORTER_OTLP_ENDPOINT.field()
    shutdown_timeout: float = common.SHUTDOWN_TIMEOUT_SECONDS.field()
    # Medical records: published to Kafka, answered 202 (see docs/medical-records.md).
    kafka_bootstrap_servers: str = common.KAFKA_BOOTSTRAP_SERVERS.field()
    medical_records_topic: str = common.MEDICAL_RECORDS_TOPIC.field()
    medical_records_dlq_topic: str = common.MEDICAL_RECORDS_DLQ_TOPIC.field()
    medical_records_partitions: int = common.MEDICAL_RECORDS_PARTITIONS.field()
    kafka_idempotent_producer: bool = setting(
        "KAFKA_IDEMPOTENT_PRODUCER",
        False,
        "on against Apache Kafka; the embedded broker does not support it",
    )
    kafka_timeout_ms: int = setting(
        "KAFKA_TIMEOUT_MS",
        3000,
        "how long a produce may take before the POST answers 503; keep it below the gateway's "
        "`PETS_TIMEOUT_MS`, or a slow broker shows as 504 instead of 503",
        minimum=1,
    )
    record_republish_after_seconds: float = setting(
        "RECORD_REPUBLISH_AFTER_SECONDS",
        60.0,
        "records still PROCESSING after this are published again",
        minimum=0.1,
    )
    idempotency_ttl_seconds: int = setting(
        "IDEMPOTENCY_TTL_SECONDS", 86400, "how long an `Idempotency-Key` answer is kept", minimum=1
    )

    @property
    def redis_timeout(self) -> float:
        return self.redis_timeout_ms / 1000
