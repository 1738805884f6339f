"""The code that talks to Redis: key layout, error translation and one store per resource
(medical records have theirs in their own package, pets_service.records.store)."""

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from service_kit.problems import StoreUnavailable

log = logging.getLogger("pets_service.storage")

# What a client is told to wait (Retry-After, seconds) while Redis cannot answer.
UNAVAILABLE_RETRY_AFTER = 2

P = ParamSpec("P")
R = TypeVar("R")


async def disconnect(client: Redis) -> None:
    await client.aclose(close_connection_pool=True)


def unavailable(exc: RedisError) -> StoreUnavailable:
    log.warning("redis call failed: %s", type(exc).__name__)
    return StoreUnavailable(
        "The pet store's database is unreachable or too slow; retry shortly.",
        retry_after=UNAVAILABLE_RETRY_AFTER,
    )


def translate_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Turn any Redis failure of ``fn`` into StoreUnavailable (a 503 with Retry-After)."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except RedisError as exc:
            raise unavailable(exc) from None

    return wrapper


def as_bytes(value: bytes | str) -> bytes:
    """Replies are bytes (the client never decodes); this narrows redis-py's union type."""
    return value if isinstance(value, bytes) else value.encode()


async def ping(client: Redis) -> None:
    """Readiness: raises when Redis does not answer within the client's timeout."""
    await client.ping()
