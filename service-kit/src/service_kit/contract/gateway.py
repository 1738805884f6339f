"""What the gateway answers itself or relays from the upstreams: weather, recommendations,
maintenance, health, readiness and the problem type pages."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from service_kit.contract.fields import ContractModel, Flag, Integer, OmitNull, Text
from service_kit.contract.pets import Species
from service_kit.contract.problem import Problem

MAX_RETRY_AFTER = 86400
MAX_DETAIL = 500
DEFAULT_DETAIL = "The API is down for maintenance."


class Conditions(StrEnum):
    CLEAR = "CLEAR"
    PARTLY_CLOUDY = "PARTLY_CLOUDY"
    CLOUDY = "CLOUDY"
    FOG = "FOG"
    RAIN = "RAIN"
    SNOW = "SNOW"
    THUNDERSTORM = "THUNDERSTORM"


class ForecastDay(ContractModel, extra="allow"):
    date: date
    highC: float
    lowC: float
    conditions: Conditions


_PET_ID = "01a23078-8bf2-7cc8-a17d-8c16f20cb7d9"
# What the stubs answer for that pet (a day in January, a 3-year-old dog).
WEATHER_EXAMPLE = {
    "petId": _PET_ID,
    "location": "Lisbon, Portugal",
    "temperatureC": 9.7,
    "conditions": "PARTLY_CLOUDY",
    "humidity": 43,
    "forecast": [{"date": "2026-01-16", "highC": 15.7, "lowC": 8.6, "conditions": "CLEAR"}],
}
RECOMMENDATIONS_EXAMPLE = {
    "petId": _PET_ID,
    "species": "DOG",
    "age": 3,
    "lifeStage": "ADULT",
    "food": ["Lamb and sweet potato wet food", "Grain-free salmon kibble"],
    "toys": ["Rope tug toy", "Snuffle mat"],
    "careTips": ["Brush teeth a few times a week", "Check paws after walks"],
}


class Weather(ContractModel, extra="allow", json_schema_extra={"examples": [WEATHER_EXAMPLE]}):
    petId: str
    location: Annotated[str | None, OmitNull] = None
    temperatureC: float
    conditions: Conditions
    humidity: Annotated[Annotated[int, Field(ge=0, le=100)] | None, OmitNull] = None
    forecast: Annotated[list[ForecastDay] | None, OmitNull] = None


class Recommendations(
    ContractModel, extra="allow", json_schema_extra={"examples": [RECOMMENDATIONS_EXAMPLE]}
):
    petId: str
    species: Species | None = None
    age: int | None = None
    lifeStage: str | None = None
    food: list[str]
    toys: list[str]
    careTips: list[str]


RetryAfter = Annotated[int, Integer(1, MAX_RETRY_AFTER), Field(description="Seconds.")]


class MaintenanceState(
    ContractModel,
    extra="allow",
    json_schema_extra={
        "examples": [{"enabled": False, "retryAfter": 300, "detail": DEFAULT_DETAIL}]
    },
):
    enabled: bool
    retryAfter: RetryAfter
    detail: Annotated[str, Field(min_length=1, max_length=MAX_DETAIL)]


class MaintenanceUpdate(ContractModel):
    """Switch maintenance on or off; every replica follows within a second."""

    enabled: Flag
    retryAfter: RetryAfter = 300
    detail: Annotated[str, Text(MAX_DETAIL)] = DEFAULT_DETAIL


class Health(ContractModel, extra="allow", json_schema_extra={"examples": [{"status": "ok"}]}):
    status: str


class Readiness(
    ContractModel,
    extra="allow",
    json_schema_extra={
        "examples": [{"status": "ready", "checks": {"redis": "ok", "pets-service": "ok"}}]
    },
):
    status: Literal["ready"]
    checks: dict[str, str]


class ProblemTypeInfo(ContractModel, extra="allow"):
    type: Annotated[str, Field(json_schema_extra={"format": "uri"})]
    slug: str
    title: str
    status: int
    description: str
    advice: str
    example: Problem
