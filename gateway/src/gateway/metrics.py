"""The gateway's own Prometheus metrics (request counts and latency come from service_kit)."""

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass(frozen=True)
class GatewayMetrics:
    allowed: Counter
    limited: Counter
    fail_open: Counter
    fail_closed: Counter
    leases: Counter
    batch_size: Histogram
    upstream_failures: Counter
    upstream_retries: Counter
    upstream_connections: Gauge
    circuit_state: Gauge
    circuit_transitions: Counter
    maintenance: Gauge
    shed: Counter
    in_flight: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> "GatewayMetrics":
        decisions = Counter(
            "gateway_rate_limit_decisions",
            "Rate-limit decisions (fail_open/fail_closed: Redis was unreachable)",
            ["decision"],
            registry=registry,
        )
        return cls(
            allowed=decisions.labels("allowed"),
            limited=decisions.labels("limited"),
            fail_open=decisions.labels("fail_open"),
            fail_closed=decisions.labels("fail_closed"),
            leases=Counter(
                "gateway_rate_limit_leases",
                "Budgets of hits leased from Redis (one script call each)",
                registry=registry,
            ),
            batch_size=Histogram(
                "gateway_rate_limit_batch_size",
                "Rate-limit checks sent to Redis in one write",
                buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
                registry=registry,
            ),
            upstream_failures=Counter(
                "gateway_upstream_failures",
                "Failed upstream calls by upstream and kind",
                ["upstream", "kind"],
                registry=registry,
            ),
            upstream_retries=Counter(
                "gateway_upstream_retries",
                "Upstream calls retried after the connection failed before sending",
                ["upstream"],
                registry=registry,
            ),
            upstream_connections=Gauge(
                "gateway_upstream_connections",
                "Keep-alive connections open to each upstream",
                ["upstream"],
                registry=registry,
            ),
            circuit_state=Gauge(
                "gateway_circuit_state",
                "1 for the state each upstream's circuit is in (closed, open, half_open)",
                ["upstream", "state"],
                registry=registry,
            ),
            circuit_transitions=Counter(
                "gateway_circuit_transitions",
                "Circuit state changes by upstream and the state entered",
                ["upstream", "state"],
                registry=registry,
            ),
            maintenance=Gauge(
                "gateway_maintenance_enabled",
                "1 while maintenance mode is on",
                registry=registry,
            ),
            shed=Counter(
                "gateway_overload_shed",
                "/v1 requests answered 503 overloaded (past MAX_IN_FLIGHT)",
                registry=registry,
            ),
            in_flight=Gauge(
                "gateway_in_flight_requests",
                "/v1 requests being worked on (capped by MAX_IN_FLIGHT)",
                registry=registry,
            ),
        )
