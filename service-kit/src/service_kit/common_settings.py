"""Settings several services read, declared once: a service's settings use ``X.field()``."""

from service_kit.faults import FaultSpec, fault_from_text
from service_kit.logs import LogFormat
from service_kit.settings import DEFAULT_PROBLEM_BASE, DEV_JWT_SECRET, Setting

BIND_HOST = Setting("BIND_HOST", "127.0.0.1", "address to listen on (`0.0.0.0` in containers)")
LOG_LEVEL = Setting(
    "LOG_LEVEL",
    "INFO",
    "log level; at `INFO` each request logs one access line, at `WARNING` nothing per request",
)
LOG_FORMAT: Setting[LogFormat] = Setting(
    "LOG_FORMAT",
    "auto",
    "`json` (a JSON line per event, with `traceId`), `console` (a short line for people) or "
    "`auto`: console on a terminal, JSON otherwise (docs/observability.md)",
)
OTEL_EXPORTER_OTLP_ENDPOINT = Setting(
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "",
    "OTLP/HTTP collector (e.g. `http://localhost:4318`); set, the service exports its trace "
    "spans there, unset (the default) tracing is off; the SDK reads the other standard "
    "`OTEL_*` variables (docs/observability.md)",
)
PROBLEM_BASE_URL = Setting(
    "PROBLEM_BASE_URL",
    DEFAULT_PROBLEM_BASE,
    "base of every problem `type` URL (the gateway serves a page per type there)",
)
SHUTDOWN_TIMEOUT_SECONDS = Setting(
    "SHUTDOWN_TIMEOUT_SECONDS", 10.0, "on SIGTERM, how long in-flight requests get to finish"
)
JWT_SECRET = Setting(
    "PETSTORE_JWT_SECRET",
    DEV_JWT_SECRET,
    "HS256 secret for bearer tokens; the dev default, or one under 32 bytes, stops the "
    "service at start-up unless `PETSTORE_DEV_MODE=true`",
)
DEV_MODE = Setting(
    "PETSTORE_DEV_MODE",
    False,
    "`true` accepts a weak `PETSTORE_JWT_SECRET` (with a warning); `make run` and "
    "docker-compose.yml set it, production must not",
)
HEADER_TIMEOUT_SECONDS = Setting(
    "HEADER_TIMEOUT_SECONDS",
    10.0,
    "a request's header block must arrive within this (then 408, or a silent close)",
)
BODY_TIMEOUT_SECONDS = Setting(
    "BODY_TIMEOUT_SECONDS", 10.0, "a request's body must arrive within this after its head (408)"
)
MAX_BODY_BYTES = Setting("MAX_BODY_BYTES", 65536, "larger request bodies get 413")

REDIS_URL = Setting("REDIS_URL", "redis://127.0.0.1:6379/0", "the Redis-protocol server")
REDIS_KEY_PREFIX = Setting("REDIS_KEY_PREFIX", "petstore:", "prefix of every key the suite writes")
REDIS_TIMEOUT_MS = Setting(
    "REDIS_TIMEOUT_MS",
    500,
    "timeout of every Redis call; past it the caller answers 503",
    minimum=1,
)

KAFKA_BOOTSTRAP_SERVERS = Setting(
    "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "the Kafka-protocol broker"
)
MEDICAL_RECORDS_TOPIC = Setting(
    "MEDICAL_RECORDS_TOPIC", "medical-records", "the topic medical records travel on"
)
MEDICAL_RECORDS_DLQ_TOPIC = Setting(
    "MEDICAL_RECORDS_DLQ_TOPIC",
    "medical-records.dlq",
    "where the worker sends unreadable messages (created with the records topic when missing)",
)
MEDICAL_RECORDS_PARTITIONS = Setting(
    "MEDICAL_RECORDS_PARTITIONS",
    3,
    "partitions of the records topic when the pets service or the worker creates it",
    minimum=1,
)

STUB_FAULT: Setting[FaultSpec | None] = Setting(
    "STUB_FAULT",
    None,
    "a fault spec (JSON, as for `PUT /admin/faults`) active from start-up in both stubs, "
    "when the stub's own variable is not set",
    parse=fault_from_text,
)
