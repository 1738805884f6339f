"""The vaccines the worker knows, and how long each protects before the next dose is due."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Vaccine:
    name: str
    interval_days: int


_VACCINES = [
    Vaccine("Rabies", 365),
    Vaccine("DHPP", 365),
    Vaccine("Distemper", 365),
    Vaccine("Parvovirus", 365),
    Vaccine("Leptospirosis", 365),
    Vaccine("Bordetella", 180),
    Vaccine("Canine Influenza", 365),
    Vaccine("Lyme", 365),
    Vaccine("FVRCP", 365),
    Vaccine("FeLV", 365),
    Vaccine("RHDV2", 365),
    Vaccine("Myxomatosis", 180),
]
CATALOGUE: dict[str, Vaccine] = {vaccine.name.casefold(): vaccine for vaccine in _VACCINES}


def find_vaccine(name: str) -> Vaccine | None:
    """Case- and spacing-insensitive lookup: 'canine  influenza' finds 'Canine Influenza'."""
    return CATALOGUE.get(" ".join(name.split()).casefold())
