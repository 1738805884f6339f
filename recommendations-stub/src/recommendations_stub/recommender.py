"""Choosing recommendations: by species and life stage, in an order seeded by the pet id."""

import hashlib
import random
from typing import Any

from recommendations_stub.catalog import FOOD, STAGE_TIPS, TIPS, TOYS, stage_of
from service_kit.contract.vocabulary import Species

PICKS = 3


def rng_for(*parts: str) -> random.Random:
    digest = hashlib.sha256("|".join(parts).encode("utf-8", "surrogatepass")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def recommend(pet_id: str, species: Species | None, age: int | None) -> dict[str, Any]:
    stage = None if age is None else stage_of(species, age)
    rng = rng_for(pet_id, species or "-", "-" if age is None else str(age))
    shelf = FOOD[species]
    foods = shelf.get(stage) or shelf[None]
    tips = rng.sample(TIPS[species], PICKS - 1 if stage else PICKS)
    if stage is not None:
        tips.append(rng.choice(STAGE_TIPS[stage]))
    return {
        "petId": pet_id,
        "species": species,
        "age": age,
        "lifeStage": stage,
        "food": rng.sample(foods, min(PICKS, len(foods))),
        "toys": rng.sample(TOYS[species], PICKS),
        "careTips": tips,
    }
