"""The active fault of one stub: which requests get it (probability, count), and counters."""

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter

from service_kit.faults.spec import FAULTY, FaultSpec, Mode

log = logging.getLogger("service_kit.faults")


@dataclass(frozen=True, slots=True)
class Injection:
    """The fault chosen for one request, with its pre-delay (jitter already drawn)."""

    spec: FaultSpec
    delay: float


class FaultState:
    """One per app. Decisions are synchronous, so concurrent requests never race on count."""

    def __init__(
        self, initial: FaultSpec | None = None, registry: CollectorRegistry | None = None
    ) -> None:
        self.stopping = asyncio.Event()
        self.released = asyncio.Event()
        self.holding = 0
        self._metric_requests: Counter | None = None
        self._metric_faults: Counter | None = None
        if registry is not None:
            self._metric_requests = Counter(
                "stub_requests", "Requests to data routes (fault API candidates)", registry=registry
            )
            self._metric_faults = Counter(
                "stub_faults_injected", "Faults injected, by mode", ["mode"], registry=registry
            )
        self.reset_counters()
        self.set(initial or FaultSpec(), reason="initial fault")

    def set(self, spec: FaultSpec, *, reason: str = "fault set") -> None:
        self.spec = spec
        self.remaining = spec.count
        self.injected = 0
        self.since = datetime.now(UTC)
        # Without a seed, Random() seeds itself from the OS: flaky, not reproducible.
        self._rng = random.Random(spec.seed)
        log.info(reason, extra={"fault": spec.as_dict()})

    def release_held(self) -> None:
        """Let requests held by `timeout` go on (they get their normal answer)."""
        self.released.set()
        self.released = asyncio.Event()

    def stop(self) -> None:
        """The server is shutting down: end every held or delayed request now."""
        self.stopping.set()
        self.released.set()

    def clear(self, *, reason: str = "fault cleared") -> None:
        self.set(FaultSpec(), reason=reason)

    def reset_counters(self) -> None:
        self.requests = 0
        self.passed = 0
        self.by_mode = {mode: 0 for mode in Mode if mode in FAULTY}

    def draw(self) -> Injection | None:
        """Count one data request and decide whether it gets the active fault."""
        self.requests += 1
        if self._metric_requests is not None:
            self._metric_requests.inc()
        spec = self.spec
        if spec.mode is Mode.HEALTHY or not self._roll(spec.probability):
            self.passed += 1
            return None
        self.injected += 1
        self.by_mode[spec.mode] += 1
        if self._metric_faults is not None:
            self._metric_faults.labels(spec.mode.value).inc()
        delay = spec.delay_ms + self._rng.uniform(-spec.jitter_ms, spec.jitter_ms)
        injection = Injection(spec, max(0.0, delay) / 1000)
        if self.remaining is not None:
            self.remaining -= 1
            if self.remaining == 0:
                self.clear(reason="fault count reached: healthy again")
        return injection

    def _roll(self, probability: float) -> bool:
        if probability >= 1.0:
            return True
        return probability > 0.0 and self._rng.random() < probability

    async def pause(self, seconds: float) -> bool:
        """Sleep ``seconds``; False if the server began shutting down first."""
        if seconds > 0:
            try:
                async with asyncio.timeout(seconds):  # not wait_for: it can lose a cancel
                    await self.stopping.wait()
            except TimeoutError:
                return True
        return not self.stopping.is_set()

    def as_dict(self) -> dict[str, Any]:
        return {
            "fault": self.spec.as_dict(),
            "since": self.since.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "injected": self.injected,
            "remaining": self.remaining,
            "holding": self.holding,
            "counters": {
                "requests": self.requests,
                "passed": self.passed,
                "faults": sum(self.by_mode.values()),
                "byMode": {mode.value: n for mode, n in self.by_mode.items()},
            },
        }
