"""The weather stub answers believable weather, the same for the same pet on the same day."""

from datetime import UTC, date, datetime, timedelta

import pytest

from service_kit.settings import SettingsError
from tests.stubs.helpers import BASE, Client, assert_no_leak
from weather_stub.climate import PLACES, place_of, weather_report
from weather_stub.settings import Settings

PET = "0190c1a4-7d2e-7c3b-9a41-6f0e2b5d8c11"
CONDITIONS = {"CLEAR", "PARTLY_CLOUDY", "CLOUDY", "FOG", "RAIN", "SNOW", "THUNDERSTORM"}


async def test_weather_is_deterministic_and_complete(weather: Client) -> None:
    first = await weather.get(f"/v1/weather/{PET}")
    second = await weather.get(f"/v1/weather/{PET}")
    assert first.status == second.status == 200
    assert first.content_type == "application/json"
    body = await first.json()
    assert body == await second.json()
    assert set(body) == {"petId", "location", "temperatureC", "conditions", "humidity", "forecast"}
    assert body["petId"] == PET
    assert body["location"] in {p.name for p in PLACES}
    assert -40 < body["temperatureC"] < 50
    assert body["conditions"] in CONDITIONS
    assert 0 <= body["humidity"] <= 100
    today = datetime.now(UTC).date()
    assert [day["date"] for day in body["forecast"]] == [
        (today + timedelta(days=n)).isoformat() for n in (1, 2, 3)
    ]
    for day in body["forecast"]:
        assert set(day) == {"date", "highC", "lowC", "conditions"}
        assert day["lowC"] < day["highC"]
        assert day["conditions"] in CONDITIONS


async def test_pets_live_in_different_places(weather: Client) -> None:
    locations = set()
    for n in range(30):
        resp = await weather.get(f"/v1/weather/pet-{n}")
        assert resp.status == 200
        locations.add((await resp.json())["location"])
    assert len(locations) >= 5


def test_seasons_follow_the_hemisphere() -> None:
    pets = {place_of(f"p{n}").name: f"p{n}" for n in range(400)}
    oslo, sydney = pets["Oslo, Norway"], pets["Sydney, Australia"]

    def mean_high(pet: str, month: int) -> float:
        days = [weather_report(pet, date(2025, month, d))["forecast"] for d in range(1, 28, 3)]
        highs: list[float] = [day["highC"] for forecast in days for day in forecast]
        return sum(highs) / len(highs)

    assert mean_high(oslo, 1) + 10 < mean_high(oslo, 7)
    assert mean_high(sydney, 1) > mean_high(sydney, 7) + 4
    snowy = [weather_report(oslo, date(2025, 1, d))["conditions"] for d in range(1, 29)]
    assert snowy.count("SNOW") > snowy.count("RAIN")


@pytest.mark.parametrize("pet_id", ["has%20space", "x" * 129, "%E2%98%83", "a%00b"])
async def test_an_unusable_pet_id_is_a_422_problem(weather: Client, pet_id: str) -> None:
    resp = await weather.get(f"/v1/weather/{pet_id}")
    assert resp.status == 422
    assert resp.content_type == "application/problem+json"
    text = await resp.text()
    assert_no_leak(text)
    body = await resp.json(content_type=None)
    assert body["type"] == BASE + "validation-error"
    assert body["errors"][0]["field"] == "petId"


async def test_unknown_path_and_method(weather: Client) -> None:
    resp = await weather.get("/v1/weather")
    assert resp.status == 404
    assert (await resp.json(content_type=None))["type"] == BASE + "not-found"
    resp = await weather.post(f"/v1/weather/{PET}")
    assert resp.status == 405
    assert resp.headers["Allow"] == "GET, HEAD"


async def test_health_readiness_and_metrics(weather: Client) -> None:
    assert (await weather.get("/healthz")).status == 200
    ready = await weather.get("/readyz")
    assert ready.status == 200
    assert (await ready.json())["status"] == "ready"
    await weather.get(f"/v1/weather/{PET}")
    metrics = await weather.get("/metrics")
    assert metrics.status == 200
    text = await metrics.text()
    assert 'route="/v1/weather/{pet_id}"' in text
    assert "stub_requests_total 1.0" in text


def test_settings_from_the_environment() -> None:
    assert Settings.from_env({}).port == 8082
    settings = Settings.from_env(
        {
            "WEATHER_STUB_PORT": "18082",
            "BIND_HOST": "0.0.0.0",
            "STUB_FAULT": '{"mode": "latency", "delayMs": 50}',
        }
    )
    assert (settings.port, settings.host) == (18082, "0.0.0.0")
    assert settings.fault is not None
    assert settings.fault.as_dict()["delayMs"] == 50
    own = Settings.from_env(
        {"STUB_FAULT": '{"mode": "reset"}', "WEATHER_STUB_FAULT": '{"mode": "garbage"}'}
    )
    assert own.fault is not None
    assert own.fault.mode == "garbage"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{nope", "must be a JSON object"),
        ("[1]", "must be a JSON object"),
        ('{"mode": "latency", "delayMs": -1}', "delayMs must be between"),
        ('{"mode": "sideways"}', "mode must be one of"),
    ],
)
def test_a_bad_start_up_fault_is_a_settings_error(raw: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"STUB_FAULT": raw})
