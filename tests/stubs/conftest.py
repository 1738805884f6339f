"""The two stubs in-process on free ports (helpers to drive their fault API: helpers.py)."""

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from recommendations_stub.app import create_app as create_recommendations
from recommendations_stub.settings import Settings as RecommendationsSettings
from tests.stubs.helpers import BASE, Client
from weather_stub.app import create_app as create_weather
from weather_stub.settings import Settings as WeatherSettings


@pytest.fixture
async def weather() -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_weather(WeatherSettings(problem_base_url=BASE)))) as c:
        yield c


@pytest.fixture
async def recommendations() -> AsyncIterator[Client]:
    app = create_recommendations(RecommendationsSettings(problem_base_url=BASE))
    async with TestClient(TestServer(app)) as client:
        yield client
