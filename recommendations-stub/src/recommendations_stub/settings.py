"""Recommendations stub settings, read once from the environment (docs/configuration.md)."""

from dataclasses import dataclass

from service_kit import common_settings as common
from service_kit.faults import FaultSpec, fault_from_text
from service_kit.logs import LogFormat
from service_kit.settings import FromEnv, setting


@dataclass(frozen=True)
class Settings(FromEnv):
    host: str = common.BIND_HOST.field()
    port: int = setting("RECOMMENDATIONS_STUB_PORT", 8083, "port to listen on", minimum=1)
    log_level: str = common.LOG_LEVEL.field()
    log_format: LogFormat = common.LOG_FORMAT.field()
    otlp_endpoint: str = common.OTEL_EXPORTER_OTLP_ENDPOINT.field()
    problem_base_url: str = common.PROBLEM_BASE_URL.field()
    shutdown_timeout: float = common.SHUTDOWN_TIMEOUT_SECONDS.field()
    fault: FaultSpec | None = setting(
        "RECOMMENDATIONS_STUB_FAULT",
        None,
        "a fault spec (JSON, as for `PUT /admin/faults`) active from start-up in this stub",
        parse=fault_from_text,
        fallback=common.STUB_FAULT,
    )
