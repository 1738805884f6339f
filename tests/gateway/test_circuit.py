"""The circuit breaker's state machine, on a clock the test moves by hand."""

import pytest

from gateway.circuit import CircuitBreaker, State
from service_kit.problems import CircuitOpen


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


Change = tuple[State, State]


def make(clock: Clock, changes: list[Change] | None = None) -> CircuitBreaker:
    def record(_: CircuitBreaker, old: State, new: State) -> None:
        if changes is not None:
            changes.append((old, new))

    return CircuitBreaker("weather", threshold=3, reset_seconds=10, clock=clock, on_change=record)


def state(breaker: CircuitBreaker) -> State:
    return breaker.state  # a call: mypy would narrow the property across the test's steps


def fail_times(breaker: CircuitBreaker, n: int) -> None:
    for _ in range(n):
        trial = breaker.acquire()
        breaker.failure(trial)


def refused(breaker: CircuitBreaker) -> CircuitOpen:
    with pytest.raises(CircuitOpen) as caught:
        breaker.acquire()
    return caught.value


def test_opens_after_threshold_consecutive_failures() -> None:
    clock, changes = Clock(), list[Change]()
    breaker = make(clock, changes)
    fail_times(breaker, 2)
    assert state(breaker) is State.CLOSED
    breaker.success(breaker.acquire())  # a success starts the count again
    fail_times(breaker, 2)
    assert state(breaker) is State.CLOSED
    fail_times(breaker, 1)
    assert state(breaker) is State.OPEN
    assert changes == [(State.CLOSED, State.OPEN)]


def test_open_circuit_refuses_with_seconds_until_the_trial() -> None:
    clock = Clock()
    breaker = make(clock)
    fail_times(breaker, 3)
    problem = refused(breaker)
    assert problem.status == 503
    assert problem.headers == {"Retry-After": "10"}
    assert problem.extensions == {"retryAfter": 10}
    assert "weather" in problem.detail
    clock.now += 8.2
    assert refused(breaker).headers["Retry-After"] == "2"  # rounded up: never early
    clock.now += 1.7
    assert refused(breaker).headers["Retry-After"] == "1"  # at least 1
    with pytest.raises(CircuitOpen):
        breaker.check()


def test_half_open_lets_exactly_one_trial_through() -> None:
    clock, changes = Clock(), list[Change]()
    breaker = make(clock, changes)
    fail_times(breaker, 3)
    clock.now += 10
    assert state(breaker) is State.HALF_OPEN
    breaker.check()  # a trial may go: check() does not refuse, nor take it
    assert breaker.acquire() is True
    other = refused(breaker)
    assert other.headers["Retry-After"] == "1"
    with pytest.raises(CircuitOpen):
        breaker.check()
    breaker.success(True)
    assert state(breaker) is State.CLOSED
    assert breaker.acquire() is False
    assert changes == [
        (State.CLOSED, State.OPEN),
        (State.OPEN, State.HALF_OPEN),
        (State.HALF_OPEN, State.CLOSED),
    ]


def test_failed_trial_opens_again_for_a_whole_period() -> None:
    clock = Clock()
    breaker = make(clock)
    fail_times(breaker, 3)
    clock.now += 15
    breaker.failure(breaker.acquire())
    assert state(breaker) is State.OPEN
    assert refused(breaker).headers["Retry-After"] == "10"
    clock.now += 10
    assert breaker.acquire() is True


def test_closed_again_needs_threshold_failures_to_open() -> None:
    clock = Clock()
    breaker = make(clock)
    fail_times(breaker, 3)
    clock.now += 10
    breaker.success(breaker.acquire())
    fail_times(breaker, 2)
    assert state(breaker) is State.CLOSED


def test_a_cancelled_trial_lets_the_next_call_be_the_trial() -> None:
    clock = Clock()
    breaker = make(clock)
    fail_times(breaker, 3)
    clock.now += 10
    trial = breaker.acquire()
    breaker.release(trial)
    assert state(breaker) is State.HALF_OPEN
    assert breaker.acquire() is True


def test_calls_from_before_the_opening_do_not_decide() -> None:
    clock = Clock()
    breaker = make(clock)
    early = [breaker.acquire() for _ in range(5)]  # in flight while the circuit opens
    for trial in early[:3]:
        breaker.failure(trial)
    assert state(breaker) is State.OPEN
    clock.now += 4
    breaker.success(early[3])  # neither closes it ...
    breaker.failure(early[4])  # ... nor pushes the trial back
    assert state(breaker) is State.OPEN
    assert refused(breaker).headers["Retry-After"] == "6"
    clock.now += 6
    trial = breaker.acquire()
    breaker.release(False)  # a non-trial outcome does not free the trial's slot
    refused(breaker)
    breaker.success(trial)
    assert state(breaker) is State.CLOSED


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="threshold"):
        CircuitBreaker("x", threshold=0, reset_seconds=1)
