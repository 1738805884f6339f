"""The OpenTelemetry SDK, set up only when tracing is on (imported by ``service_kit.otel``)."""

import random
from collections.abc import Mapping

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.id_generator import IdGenerator

from service_kit import otel_spans

_provider: TracerProvider | None = None


class RequestTraceIds(IdGenerator):
    """A root span takes the trace id the request already has (``traceId``, X-Request-ID,
    the logs), so that a trace in the backend is found by the id a client or a log shows."""

    def generate_span_id(self) -> int:
        return random.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        return otel_spans.next_trace_id.get() or random.getrandbits(128) or 1


def traces_url(endpoint: str, environ: Mapping[str, str]) -> str:
    """Where spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, or the OTLP endpoint's
    /v1/traces (as the OTLP specification says for the two variables)."""
    return environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or endpoint.rstrip("/") + "/v1/traces"


def start(service: str, endpoint: str, environ: Mapping[str, str]) -> None:
    global _provider
    # OTEL_SERVICE_NAME, when set, names the service; otherwise each service names itself.
    named = {} if environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service}
    provider = TracerProvider(resource=Resource.create(named), id_generator=RequestTraceIds())
    # Batched in a background thread (OTEL_BSP_* tune it); each export is bounded by
    # OTEL_EXPORTER_OTLP_TIMEOUT (10 s by default).
    exporter = OTLPSpanExporter(endpoint=traces_url(endpoint, environ))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    otel_spans.use(provider.get_tracer("petstore"))
    _provider = provider


def stop() -> None:
    global _provider
    provider, _provider = _provider, None
    if provider is not None:
        provider.shutdown()  # flushes the queue, each export within its timeout
