"""What the recommendations stub knows: food, toys and care tips by species and life stage."""

import enum

from service_kit.contract.vocabulary import Species


class Stage(enum.StrEnum):
    JUNIOR = "JUNIOR"
    ADULT = "ADULT"
    SENIOR = "SENIOR"


# (first adult year, first senior year) per species.
STAGES: dict[Species, tuple[int, int]] = {
    Species.DOG: (1, 8),
    Species.CAT: (1, 11),
    Species.BIRD: (1, 10),
    Species.RABBIT: (1, 6),
    Species.FISH: (1, 5),
    Species.REPTILE: (2, 12),
    Species.OTHER: (1, 8),
}


def stage_of(species: Species | None, age: int) -> Stage:
    adult, senior = STAGES[species or Species.OTHER]
    if age < adult:
        return Stage.JUNIOR
    return Stage.SENIOR if age >= senior else Stage.ADULT


Shelf = dict[Stage | None, list[str]]

FOOD: dict[Species | None, Shelf] = {
    Species.DOG: {
        Stage.JUNIOR: [
            "Puppy kibble with DHA",
            "Small-breed puppy wet food",
            "Soft puppy training treats",
            "Puppy milk replacer",
        ],
        Stage.ADULT: [
            "Grain-free salmon kibble",
            "Chicken and brown rice kibble",
            "Lamb and sweet potato wet food",
            "Freeze-dried beef liver treats",
        ],
        Stage.SENIOR: [
            "Senior kibble with glucosamine",
            "Low-fat turkey wet food",
            "Soft dental chews",
            "Joint-support salmon oil",
        ],
        None: [
            "Chicken and brown rice kibble",
            "Grain-free salmon kibble",
            "Freeze-dried beef liver treats",
            "Lamb and sweet potato wet food",
        ],
    },
    Species.CAT: {
        Stage.JUNIOR: [
            "Kitten pâté with chicken",
            "High-protein kitten kibble",
            "Kitten milk",
            "Tuna flakes for kittens",
        ],
        Stage.ADULT: [
            "Indoor cat kibble",
            "Salmon pâté",
            "Chicken in gravy pouches",
            "Hairball-control kibble",
        ],
        Stage.SENIOR: [
            "Senior cat wet food, kidney care",
            "Easy-to-chew senior kibble",
            "Hydrating broth toppers",
            "Omega-3 fish oil for cats",
        ],
        None: [
            "Indoor cat kibble",
            "Salmon pâté",
            "Chicken in gravy pouches",
            "Freeze-dried chicken treats",
        ],
    },
    Species.BIRD: {
        Stage.JUNIOR: ["Hand-feeding formula", "Soft egg food", "Fine-milled pellets"],
        Stage.ADULT: [
            "Balanced pellets",
            "Seed mix with millet",
            "Fresh leafy greens",
            "Sprouted seeds",
        ],
        Stage.SENIOR: [
            "Low-fat pellets",
            "Soft fruit and vegetable mash",
            "Vitamin-enriched seed mix",
        ],
        None: ["Balanced pellets", "Seed mix with millet", "Fresh leafy greens"],
    },
    Species.RABBIT: {
        Stage.JUNIOR: ["Alfalfa hay", "Young rabbit pellets", "Unlimited fresh water"],
        Stage.ADULT: [
            "Timothy hay",
            "Adult rabbit pellets",
            "Romaine and herbs",
            "Dried dandelion",
        ],
        Stage.SENIOR: ["Soft second-cut timothy hay", "Senior rabbit pellets", "Fresh herbs"],
        None: ["Timothy hay", "Adult rabbit pellets", "Romaine and herbs"],
    },
    Species.FISH: {
        Stage.JUNIOR: ["Fry powder food", "Baby brine shrimp", "Micro pellets"],
        Stage.ADULT: [
            "Tropical flakes",
            "Sinking pellets",
            "Frozen bloodworms",
            "Spirulina wafers",
        ],
        Stage.SENIOR: ["Easy-digest flakes", "Soft frozen daphnia", "Spirulina wafers"],
        None: ["Tropical flakes", "Sinking pellets", "Frozen bloodworms"],
    },
    Species.REPTILE: {
        Stage.JUNIOR: ["Gut-loaded pinhead crickets", "Calcium dust with D3", "Small mealworms"],
        Stage.ADULT: [
            "Dubia roaches",
            "Collard greens",
            "Calcium dust with D3",
            "Reptile multivitamin",
        ],
        Stage.SENIOR: ["Soft-bodied insects", "Chopped greens", "Reptile multivitamin"],
        None: ["Dubia roaches", "Collard greens", "Calcium dust with D3"],
    },
}
FOOD[Species.OTHER] = {
    None: ["Species-appropriate staple diet", "Fresh water daily", "Vet-approved treats"]
}
FOOD[None] = FOOD[Species.OTHER]

TOYS: dict[Species | None, list[str]] = {
    Species.DOG: [
        "Rubber chew bone",
        "Rope tug toy",
        "Treat-dispensing puzzle",
        "Squeaky plush fox",
        "Fetch ball launcher",
        "Snuffle mat",
    ],
    Species.CAT: [
        "Feather wand",
        "Catnip mouse",
        "Laser pointer",
        "Crinkle tunnel",
        "Scratching post",
        "Ball track tower",
    ],
    Species.BIRD: [
        "Hanging bell",
        "Wooden chew blocks",
        "Rope perch",
        "Foraging box",
        "Mirror with beads",
    ],
    Species.RABBIT: [
        "Willow ball",
        "Cardboard dig box",
        "Apple-wood chew sticks",
        "Hay-stuffed tunnel",
        "Stacking cups",
    ],
    Species.FISH: [
        "Floating plant cover",
        "Cave hideout",
        "Driftwood piece",
        "Gentle bubble stone",
    ],
    Species.REPTILE: ["Basking rock", "Hide box", "Climbing branch", "Dig substrate corner"],
    Species.OTHER: ["Hideout", "Chew toy", "Enrichment puzzle"],
}
TOYS[None] = TOYS[Species.OTHER]

TIPS: dict[Species | None, list[str]] = {
    Species.DOG: [
        "Walk at least twice a day",
        "Brush teeth a few times a week",
        "Keep vaccinations up to date",
        "Check paws after walks",
        "Use positive-reinforcement training",
    ],
    Species.CAT: [
        "Keep one litter box per cat, plus one",
        "Offer water away from food",
        "Play twice a day to prevent boredom",
        "Brush long coats weekly",
        "Provide high perches",
    ],
    Species.BIRD: [
        "Give 10 to 12 hours of dark sleep",
        "Let it fly daily in a safe room",
        "Avoid non-stick cookware fumes",
        "Rotate toys weekly",
    ],
    Species.RABBIT: [
        "Hay should be 80% of the diet",
        "House with a bonded companion",
        "Bunny-proof cables",
        "Check teeth and nails monthly",
    ],
    Species.FISH: [
        "Change 20% of the water weekly",
        "Test ammonia and nitrites",
        "Do not overfeed: two minutes of food",
        "Keep the tank out of direct sun",
    ],
    Species.REPTILE: [
        "Provide a heat gradient",
        "Replace UVB bulbs every 6 to 12 months",
        "Mist to keep humidity right",
        "Weigh monthly to track health",
    ],
    Species.OTHER: [
        "Book a yearly vet check-up",
        "Research the species' habitat needs",
        "Keep the enclosure clean",
    ],
}
TIPS[None] = TIPS[Species.OTHER]

STAGE_TIPS: dict[Stage, list[str]] = {
    Stage.JUNIOR: ["Socialise early and gently", "Schedule the first vet visits and vaccinations"],
    Stage.ADULT: ["Keep a steady weight with measured portions"],
    Stage.SENIOR: ["Book vet check-ups twice a year", "Adapt exercise to the joints"],
}
