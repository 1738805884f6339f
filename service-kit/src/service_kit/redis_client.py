"""The Redis client every service uses: every call bounded, no retries of its own.

Why no ``socket_timeout``: with one, redis-py (8.x) writes each command through
``asyncio.wait_for``, and on Python 3.11 ``wait_for`` can swallow a cancellation that arrives
as the write completes. A background task cancelled at shutdown then kept running, and the
gateway hung on SIGTERM. So redis-py gets no socket timeout, and every command (and every
pipeline) runs inside ``asyncio.timeout`` instead, which never loses a cancel; redis-py drops
the connection when a command is interrupted, so a late reply is never read as the next
one's. The same rule holds for the services' own waits: ``asyncio.timeout``, not ``wait_for``.
"""

import asyncio
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import Pipeline
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import TimeoutError as RedisTimeout

from service_kit import otel


async def _bounded(call: Any, seconds: float) -> Any:
    try:
        async with asyncio.timeout(seconds):
            return await call
    except TimeoutError:
        # A RedisError, as redis-py's own timeouts are: callers catch one family.
        raise RedisTimeout(f"Redis did not answer within {seconds} s") from None


def _traced(call: Any, operation: str) -> Any:
    from opentelemetry.trace import SpanKind

    from service_kit.otel_spans import traced

    attributes = {"db.system.name": "redis", "db.operation.name": operation}
    return traced(f"redis {operation}", call, SpanKind.CLIENT, attributes)


class BoundedPipeline(Pipeline):
    call_timeout: float = 1.0

    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        call = _bounded(super().execute(raise_on_error), self.call_timeout)
        if otel.enabled:
            call = _traced(call, "MULTI" if self.is_transaction else "PIPELINE")
        result: list[Any] = await call
        return result


class BoundedRedis(Redis):
    """A client whose every command and pipeline ends within ``call_timeout`` seconds."""

    call_timeout: float = 1.0

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        command = super().execute_command(*args, **options)  # type: ignore[no-untyped-call]
        if otel.enabled:
            return await _traced(_bounded(command, self.call_timeout), str(args[0]))
        return await _bounded(command, self.call_timeout)

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> Pipeline:
        pipe = BoundedPipeline(
            self.connection_pool, self.response_callbacks, transaction, shard_hint
        )
        pipe.call_timeout = self.call_timeout
        return pipe


def connect(url: str, *, timeout: float, max_connections: int) -> BoundedRedis:
    """A client whose every call, connect and wait for a pooled connection ends within
    ``timeout`` seconds (a ``redis.exceptions.RedisError`` past it). It does not retry by
    itself (callers decide, with tenacity) and reconnects on its own once Redis is back."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout,
        socket_timeout=None,  # see the module docstring
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )
    client = BoundedRedis(connection_pool=pool)
    client.auto_close_connection_pool = True  # aclose() closes the pool too (it is the client's)
    client.call_timeout = timeout
    return client
