"""What is measured: the five ways to the same GET, and the processes that serve each one."""

from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

# The same GET /v1/pets/{id}, six ways ("via the gateway": fault sessions on, none active).
# `serving` names the processes whose CPU time the path costs (nginx counts its master and
# its worker).
TARGETS: list[tuple[str, str, tuple[str, ...]]] = [
    ("direct", "pets service, direct", ("pets-service", "redis")),
    ("nginx", "via nginx (keep-alive upstream)", ("nginx", "pets-service", "redis")),
    ("gateway", "via the gateway", ("gateway", "pets-service", "redis")),
    (
        "gateway-no-rl",
        "via the gateway, rate limiter off",
        ("gateway-no-rl", "pets-service", "redis"),
    ),
    (
        "gateway-no-fs",
        "via the gateway, fault sessions off",
        ("gateway-no-fs", "pets-service", "redis"),
    ),
    ("hello", "aiohttp hello-world", ("hello",)),
]
# Measured at one connection too, for the latency a single client sees.
SINGLE = ("direct", "nginx", "gateway")


@dataclass
class Target:
    key: str
    label: str
    serving: tuple[str, ...]
    url: str = ""
    pids: list[int] = field(default_factory=list)
    missing: str | None = None  # why it is not measured

    @property
    def ready(self) -> bool:
        return self.missing is None and bool(self.url)


def make_targets() -> dict[str, Target]:
    return {key: Target(key, label, serving) for key, label, serving in TARGETS}


def rotated(items: list[T], turn: int) -> list[T]:
    """The order of one round: each round starts one target later, so none is always first."""
    if not items:
        return []
    shift = turn % len(items)
    return items[shift:] + items[:shift]
