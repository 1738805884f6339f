"""A circuit breaker per upstream: closed → open after N consecutive failures → half-open
after the reset time, when exactly one trial call decides between closed and open again.

The clock is injectable so the state machine is tested without waiting.
"""

import math
import time
from collections.abc import Callable
from enum import StrEnum

from service_kit.problems import CircuitOpen


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


Clock = Callable[[], float]
OnChange = Callable[["CircuitBreaker", State, State], None]


class CircuitBreaker:
    """Not thread-safe; meant for one event loop, where no await splits its steps."""

    def __init__(
        self,
        name: str,
        *,
        threshold: int,
        reset_seconds: float,
        clock: Clock = time.monotonic,
        on_change: OnChange | None = None,
    ) -> None:
        if threshold < 1:
            raise ValueError("threshold must be >= 1")
        self.name = name
        self.threshold = threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._on_change = on_change
        self._state = State.CLOSED
        self._failures = 0  # consecutive, while closed
        self._opened_at = 0.0
        self._trial = False  # the half-open trial call is in flight

    @property
    def state(self) -> State:
        """The state now (an open circuit whose time is up reads half-open)."""
        if self._state is State.OPEN and self._clock() >= self._opened_at + self.reset_seconds:
            self._move(State.HALF_OPEN)
        return self._state

    def acquire(self) -> bool:
        """Permission for one call (True: it is the half-open trial), or the 503 to answer.

        The caller then reports exactly one of success(), failure() or release(), passing
        back what acquire() returned.
        """
        if self._state is State.CLOSED:
            return False
        if self.state is State.HALF_OPEN and not self._trial:
            self._trial = True  # this call is the trial; the others get 503 meanwhile
            return True
        raise self._open_problem()

    def check(self) -> None:
        """Raise the 503 that acquire() would, without taking the trial."""
        if self._state is not State.CLOSED and (self.state is State.OPEN or self._trial):
            raise self._open_problem()

    def success(self, trial: bool) -> None:
        if trial:
            self._trial = False
            self._move(State.CLOSED)
        elif self._state is State.CLOSED:
            self._failures = 0
        # Else a call let through before the circuit opened: the trial decides, not it.

    def failure(self, trial: bool) -> None:
        if trial:
            self._trial = False
        elif self._state is State.CLOSED:
            self._failures += 1
            if self._failures < self.threshold:
                return
        else:
            return  # let through before the circuit opened: it does not extend the open time
        self._opened_at = self._clock()
        self._move(State.OPEN)

    def release(self, trial: bool) -> None:
        """The call ended without an outcome (cancelled): another trial may go."""
        if trial:
            self._trial = False

    def retry_after(self) -> int:
        """Whole seconds until a trial call is let through, at least 1."""
        left = self._opened_at + self.reset_seconds - self._clock()
        return max(1, math.ceil(left))

    def _open_problem(self) -> CircuitOpen:
        if self._trial:
            return CircuitOpen(
                f"The {self.name} service failed repeatedly; a trial call is deciding "
                "whether calls to it resume.",
                retry_after=1,
            )
        seconds = self.retry_after()
        return CircuitOpen(
            f"The {self.name} service failed repeatedly; calls to it are suspended "
            f"for {seconds} s.",
            retry_after=seconds,
        )

    def _move(self, new: State) -> None:
        old, self._state = self._state, new
        self._failures = 0
        if self._on_change is not None:
            self._on_change(self, old, new)
