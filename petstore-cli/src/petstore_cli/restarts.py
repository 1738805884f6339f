"""The restart policy of `petstore run`: capped, doubling delays; giving up on crash loops."""

import signal
from collections import deque
from dataclasses import dataclass, field

FIRST_DELAY = 0.5
MAX_DELAY = 10.0
STABLE_AFTER = 10.0  # up this long, the next crash starts from FIRST_DELAY again (as Docker)
CRASH_LIMIT = 5
CRASH_WINDOW = 60.0


@dataclass
class Backoff:
    """When to restart a part that exited unasked, and when to stop trying."""

    first: float = FIRST_DELAY
    cap: float = MAX_DELAY
    stable_after: float = STABLE_AFTER
    limit: int = CRASH_LIMIT
    window: float = CRASH_WINDOW
    restarts: int = 0
    crashes: deque[float] = field(default_factory=deque)
    _next: float = 0.0

    def __post_init__(self) -> None:
        self._next = self.first

    def after_exit(self, now: float, uptime: float, *, counted: bool = True) -> float | None:
        """The delay before the next start, or None: `limit` crashes within `window`.

        An exit that is not ``counted`` (a `chaos kill`) is restarted the same way but does
        not bring the part closer to being given up on.
        """
        if uptime >= self.stable_after:
            self._next = self.first
        if counted:
            self.crashes.append(now)
            while self.crashes and self.crashes[0] <= now - self.window:
                self.crashes.popleft()
            if len(self.crashes) >= self.limit:
                return None
        delay = self._next
        self._next = min(self._next * 2, self.cap)
        self.restarts += 1
        return delay

    def reset(self) -> None:
        """A fresh start (`petstore chaos start` after giving up)."""
        self.crashes.clear()
        self._next = self.first


def describe_exit(code: int) -> str:
    """'exited with code 1' or 'was killed by SIGKILL' (asyncio's negative return codes)."""
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"
