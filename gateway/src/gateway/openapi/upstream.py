"""The routes the gateway answers from the two upstream services (weather, recommendations)."""

from gateway.openapi.base import Section, ref
from gateway.openapi.pets import UPSTREAM_ERRORS
from gateway.openapi.responses import ok, operation, stub_refused


def section() -> Section:
    return Section(
        paths={
            "/v1/pets/{petId}/weather": {
                "parameters": [ref("parameters", "PetId")],
                "get": operation(
                    "retrievePetWeather",
                    "Weather where the pet lives (from the weather service, 2 s deadline)",
                    {200: ok("The weather.", ref("schemas", "Weather")), "4XX": stub_refused()},
                    errors=(400, 422, *UPSTREAM_ERRORS),
                ),
            },
            "/v1/pets/{petId}/recommendations": {
                "parameters": [ref("parameters", "PetId")],
                "get": operation(
                    "retrievePetRecommendations",
                    "Food, toys and care tips (from the recommendations service, 1 s deadline)",
                    {
                        200: ok("The recommendations.", ref("schemas", "Recommendations")),
                        "4XX": stub_refused(),
                    },
                    errors=(400, 422, *UPSTREAM_ERRORS),
                ),
            },
        }
    )
