"""A tenacity stop condition for retries that must end as soon as shutdown begins."""

import asyncio
import contextlib

from tenacity import RetryCallState
from tenacity.stop import stop_base


class stop_when_set(stop_base):
    def __init__(self, event: asyncio.Event) -> None:
        self._event = event

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self._event.is_set()


async def pause(event: asyncio.Event, seconds: float) -> None:
    """Sleep ``seconds``, waking up at once when ``event`` is set (``asyncio.timeout``:
    ``wait_for`` can lose a cancellation on Python 3.11, see service_kit.redis_client)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
