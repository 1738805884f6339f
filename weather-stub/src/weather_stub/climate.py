"""Believable, deterministic weather: a place per pet, a season per date, noise per pet and day."""

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

FORECAST_DAYS = 3


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    january_high: float  # mean daily high in January, deg C
    july_high: float
    wet: float  # share of days with precipitation
    swing: float  # mean gap between the day's high and low


PLACES = (
    Place("Lisbon, Portugal", 15, 28, 0.25, 8),
    Place("Oslo, Norway", -1, 22, 0.35, 7),
    Place("Seattle, USA", 8, 26, 0.45, 8),
    Place("Phoenix, USA", 19, 41, 0.05, 14),
    Place("Sydney, Australia", 26, 17, 0.3, 7),
    Place("Buenos Aires, Argentina", 30, 15, 0.25, 9),
    Place("Tokyo, Japan", 10, 31, 0.35, 7),
    Place("Singapore", 30, 31, 0.55, 6),
    Place("Edinburgh, United Kingdom", 7, 19, 0.55, 6),
    Place("Cape Town, South Africa", 27, 18, 0.2, 10),
    Place("Toronto, Canada", -1, 27, 0.35, 9),
    Place("Nairobi, Kenya", 26, 22, 0.3, 12),
    Place("Reykjavik, Iceland", 2, 14, 0.5, 5),
    Place("Mumbai, India", 31, 30, 0.4, 7),
    Place("Berlin, Germany", 3, 25, 0.4, 8),
    Place("Mexico City, Mexico", 22, 24, 0.35, 13),
)


@dataclass(frozen=True, slots=True)
class Day:
    high: float
    low: float
    conditions: str
    humidity: int


def rng_for(*parts: str) -> random.Random:
    digest = hashlib.sha256("|".join(parts).encode("utf-8", "surrogatepass")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def place_of(pet_id: str) -> Place:
    return rng_for("place", pet_id).choice(PLACES)


def seasonal_high(place: Place, day: date) -> float:
    """The mean high of ``day``: a cosine between January and July (mid-month extremes)."""
    phase = 2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25
    middle = (place.january_high + place.july_high) / 2
    return middle + (place.january_high - place.july_high) / 2 * math.cos(phase)


def day_weather(place: Place, pet_id: str, day: date) -> Day:
    rng = rng_for("day", pet_id, day.isoformat())
    high = seasonal_high(place, day) + rng.gauss(0, 2.5)
    low = high - max(2.0, rng.gauss(place.swing, 2))
    if rng.random() < place.wet:
        heavy = rng.random() < 0.15
        conditions = "SNOW" if high <= 1 else ("THUNDERSTORM" if heavy and high > 18 else "RAIN")
        humidity = rng.randint(75, 98)
    else:
        conditions = rng.choices(["CLEAR", "PARTLY_CLOUDY", "CLOUDY", "FOG"], [5, 4, 3, 1])[0]
        humidity = rng.randint(85, 99) if conditions == "FOG" else rng.randint(30, 75)
    return Day(round(high, 1), round(low, 1), conditions, humidity)


def weather_report(pet_id: str, today: date) -> dict[str, Any]:
    place = place_of(pet_id)
    now = day_weather(place, pet_id, today)
    # The current reading sits between the day's low and high (an afternoon-ish hour).
    current = now.low + (now.high - now.low) * rng_for("now", pet_id, today.isoformat()).uniform(
        0.55, 0.95
    )
    forecast = []
    for offset in range(1, FORECAST_DAYS + 1):
        when = today + timedelta(days=offset)
        day = day_weather(place, pet_id, when)
        forecast.append(
            {
                "date": when.isoformat(),
                "highC": day.high,
                "lowC": day.low,
                "conditions": day.conditions,
            }
        )
    return {
        "petId": pet_id,
        "location": place.name,
        "temperatureC": round(current, 1),
        "conditions": now.conditions,
        "humidity": now.humidity,
        "forecast": forecast,
    }
