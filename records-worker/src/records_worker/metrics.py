"""The worker's own metrics, next to the HTTP ones of service_kit.metrics."""

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


@dataclass(frozen=True, slots=True)
class WorkerMetrics:
    processed: Counter
    failed: Counter
    skipped: Counter
    retried: Counter
    dead_lettered: Counter
    lag: Gauge
    in_flight: Gauge
    latency: Histogram

    @classmethod
    def register(cls, registry: CollectorRegistry) -> "WorkerMetrics":
        return cls(
            processed=Counter("records_processed", "Records finished COMPLETED", registry=registry),
            failed=Counter("records_failed", "Records finished FAILED", registry=registry),
            skipped=Counter(
                "records_skipped",
                "Deliveries with no effect (already finished, or withdrawn by a 503)",
                ["reason"],
                registry=registry,
            ),
            retried=Counter(
                "records_retried", "Retries after a transient failure", registry=registry
            ),
            dead_lettered=Counter(
                "records_dead_lettered", "Unreadable messages sent to the DLQ", registry=registry
            ),
            lag=Gauge(
                "records_consumer_lag",
                "Messages in assigned partitions past the committed offsets",
                registry=registry,
            ),
            in_flight=Gauge(
                "records_in_flight", "Records being processed right now", registry=registry
            ),
            latency=Histogram(
                "records_accept_to_finish_seconds",
                "From the 202 (createdAt) to the record's final status",
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
        )
