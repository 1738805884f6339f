"""Fixtures: the records worker in-process (port 0), with its own topic and group per test."""

import uuid
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from records_worker.app import create_app
from records_worker.settings import Settings
from tests.records_worker.helpers import BASE, Client


@pytest.fixture
def topic() -> str:
    return f"records-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def settings(redis_url: str, key_prefix: str, kafka_bootstrap: str, topic: str) -> Settings:
    return Settings(
        redis_url=redis_url,
        redis_key_prefix=key_prefix,
        kafka_bootstrap_servers=kafka_bootstrap,
        topic=topic,
        dlq_topic=f"{topic}.dlq",
        consumer_group=f"group-{topic}",
        processing_delay_ms=5,
        problem_base_url=BASE,
        session_timeout_ms=2000,
        shutdown_timeout=5.0,
    )


@pytest.fixture
async def worker(settings: Settings) -> AsyncIterator[Client]:
    """The worker's HTTP side; its consumer runs in the background for the test's length."""
    async with TestClient(TestServer(create_app(settings))) as client:
        yield client
