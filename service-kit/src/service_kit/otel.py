"""OpenTelemetry tracing: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md).

Off, nothing of OpenTelemetry is imported and the instrumented places cost one check of
``enabled``. On, ``service_kit.otel_sdk`` sets up the SDK: spans are batched and exported in
the background over OTLP/HTTP, and ``shutdown`` flushes them when the service stops.
"""

import logging
from collections.abc import Mapping

log = logging.getLogger("service_kit.otel")

enabled = False  # read where spans are made: the whole cost of tracing when it is off
_TRUE = frozenset({"1", "true", "yes", "on"})


def wanted(endpoint: str, environ: Mapping[str, str]) -> bool:
    """Tracing is on when an OTLP endpoint is set and the SDK is not disabled."""
    disabled = environ.get("OTEL_SDK_DISABLED", "").strip().lower() in _TRUE
    no_exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none"
    return bool(endpoint.strip()) and not disabled and not no_exporter


def setup(service: str, endpoint: str, environ: Mapping[str, str]) -> None:
    """Turn tracing on for this process if ``endpoint`` is set (the SDK reads the standard
    OTEL_* variables itself: endpoint, headers, timeout, sampler, resource attributes)."""
    global enabled
    if enabled or not wanted(endpoint, environ):
        return
    from service_kit import otel_sdk

    otel_sdk.start(service, endpoint, environ)
    enabled = True
    log.info("tracing on", extra={"endpoint": endpoint})


def shutdown() -> None:
    """Export what is still queued (bounded by the exporter's timeout) and stop tracing."""
    global enabled
    if not enabled:
        return
    from service_kit import otel_sdk

    enabled = False
    otel_sdk.stop()
