"""The recommendations stub chooses by species and life stage, and refuses bad queries."""

import pytest

from recommendations_stub.settings import Settings
from tests.stubs.helpers import BASE, Client, assert_no_leak

PET = "0190c1a4-7d2e-7c3b-9a41-6f0e2b5d8c11"
KEYS = {"petId", "species", "age", "lifeStage", "food", "toys", "careTips"}


async def test_recommendations_are_deterministic_and_complete(recommendations: Client) -> None:
    url = f"/v1/recommendations/{PET}?species=DOG&age=3"
    first, second = await recommendations.get(url), await recommendations.get(url)
    assert first.status == second.status == 200
    assert first.content_type == "application/json"
    body = await first.json()
    assert body == await second.json()
    assert set(body) == KEYS
    assert (body["petId"], body["species"], body["age"], body["lifeStage"]) == (
        PET,
        "DOG",
        3,
        "ADULT",
    )
    for key in ("food", "toys", "careTips"):
        assert len(body[key]) == 3
        assert len(set(body[key])) == 3
        assert all(isinstance(item, str) and item for item in body[key])


@pytest.mark.parametrize(
    ("query", "stage", "food_word"),
    [
        ("species=DOG&age=0", "JUNIOR", "uppy"),
        ("species=CAT&age=0", "JUNIOR", "itten"),
        ("species=CAT&age=14", "SENIOR", "enior"),
        ("species=FISH&age=2", "ADULT", ""),
    ],
)
async def test_choice_follows_species_and_age(
    recommendations: Client, query: str, stage: str, food_word: str
) -> None:
    resp = await recommendations.get(f"/v1/recommendations/{PET}?{query}")
    assert resp.status == 200
    body = await resp.json()
    assert body["lifeStage"] == stage
    assert any(food_word in food for food in body["food"])


async def test_species_changes_the_answer(recommendations: Client) -> None:
    dog = await (await recommendations.get(f"/v1/recommendations/{PET}?species=DOG")).json()
    fish = await (await recommendations.get(f"/v1/recommendations/{PET}?species=FISH")).json()
    assert not set(dog["toys"]) & set(fish["toys"])
    assert dog["lifeStage"] is None


async def test_without_species_or_age_the_advice_is_general(recommendations: Client) -> None:
    resp = await recommendations.get(f"/v1/recommendations/{PET}")
    assert resp.status == 200
    body = await resp.json()
    assert (body["species"], body["age"], body["lifeStage"]) == (None, None, None)
    assert len(body["careTips"]) == 3


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("species=DRAGON", ["species"]),
        ("species=dog", ["species"]),
        ("species=", ["species"]),
        ("age=-1", ["age"]),
        ("age=1001", ["age"]),
        ("species=DRAGON&age=-3", ["species", "age"]),
    ],
)
async def test_out_of_range_values_are_422(
    recommendations: Client, query: str, fields: list[str]
) -> None:
    resp = await recommendations.get(f"/v1/recommendations/{PET}?{query}")
    assert resp.status == 422
    assert resp.content_type == "application/problem+json"
    body = await resp.json(content_type=None)
    assert body["type"] == BASE + "validation-error"
    assert [e["field"] for e in body["errors"]] == fields


@pytest.mark.parametrize(
    "query", ["age=abc", "age=3.5", "age=" + "9" * 5000, "species=DOG&species=CAT", "age=1&age=2"]
)
async def test_unparseable_queries_are_400(recommendations: Client, query: str) -> None:
    resp = await recommendations.get(f"/v1/recommendations/{PET}?{query}")
    assert resp.status == 400
    text = await resp.text()
    assert_no_leak(text)
    body = await resp.json(content_type=None)
    assert body["type"] == BASE + "bad-request"
    assert body["errors"]


async def test_recommendations_health_and_faults_are_mounted(recommendations: Client) -> None:
    assert (await recommendations.get("/healthz")).status == 200
    assert (await recommendations.get("/readyz")).status == 200
    resp = await recommendations.put("/admin/faults", json={"mode": "error", "status": 502})
    assert resp.status == 200
    failed = await recommendations.get(f"/v1/recommendations/{PET}")
    assert failed.status == 502
    assert (await failed.json(content_type=None))["type"] == BASE + "injected-fault"


def test_settings_from_the_environment() -> None:
    assert Settings.from_env({}).port == 8083
    settings = Settings.from_env(
        {
            "RECOMMENDATIONS_STUB_PORT": "18083",
            "STUB_FAULT": '{"mode": "reset"}',
            "RECOMMENDATIONS_STUB_FAULT": '{"mode": "error", "status": 503}',
        }
    )
    assert settings.port == 18083
    assert settings.fault is not None
    assert settings.fault.as_dict()["status"] == 503
