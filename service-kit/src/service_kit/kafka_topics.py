"""Creating Kafka topics at start-up when missing (for the services that use Kafka)."""

import asyncio
from collections.abc import Mapping

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

TOPIC_ALREADY_EXISTS = 36


async def ensure_topics(
    bootstrap_servers: str,
    topics: Mapping[str, int],
    *,
    timeout_s: float,
    replication_factor: int = 1,
) -> list[str]:
    """Create each topic (name -> partitions) that does not exist yet; return those created.

    Brokers that create topics on first use would otherwise make them with their own default
    partition count, so both the producer and the consumer side call this before use.
    """
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=int(timeout_s * 1000)
    )
    try:
        # Not cut short from outside: aiokafka would leak the bootstrap connection. Its
        # request timeout bounds the connect and the metadata request.
        await admin.start()
        async with asyncio.timeout(timeout_s):
            response = await admin.create_topics(
                [
                    NewTopic(name, partitions, replication_factor)
                    for name, partitions in topics.items()
                ]
            )
    finally:
        await admin.close()
    created: list[str] = []
    for error in response.topic_errors:
        name, code = error[0], error[1]
        if code == 0:
            created.append(name)
        elif code != TOPIC_ALREADY_EXISTS:
            raise KafkaError(f"creating topic {name} failed with error code {code}")
    return created
