"""The Redis client the services share: bounded calls, no retries of its own."""

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def connect(url: str, *, timeout: float, max_connections: int) -> Redis:
    """A client whose every call, connect and wait for a pooled connection ends within
    ``timeout`` seconds. It does not retry by itself (callers decide, with tenacity) and
    reconnects on its own once Redis is back."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )
    return Redis(connection_pool=pool)
