"""What tests everywhere share besides fixtures: the test secret, the token factory type, and
waiting for an asynchronous outcome against a deadline (the one helper for it)."""

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

TEST_SECRET = "test-secret-not-for-production-0123456789"

# token(*scopes, sub="alice", ttl=3600, secret=TEST_SECRET) -> a signed JWT (the fixture).
TokenFactory = Callable[..., str]


async def wait_until(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    *,
    within: float = 15.0,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Call ``probe`` until ``accept`` holds for its value, and return that value; fail with
    the last value once ``within`` seconds have passed."""
    deadline = time.monotonic() + within
    value = await probe()
    while not accept(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {within}s; last value: {value!r}")
        await asyncio.sleep(interval)
        value = await probe()
    return value


async def until(
    check: Callable[[], bool | Awaitable[bool]],
    *,
    within: float,
    interval: float = 0.05,
    what: str = "condition",
) -> None:
    """Wait until ``check()`` (plain or awaitable) is true, failing after ``within`` s."""

    async def probe() -> bool:
        result = check()
        return await result if inspect.isawaitable(result) else result

    await wait_until(probe, bool, within=within, interval=interval, what=what)
