"""The weather stub's route table (health, metrics and /admin/faults come from service_kit)."""

from aiohttp import web

from weather_stub import views

routes = [
    web.get("/v1/weather/{pet_id}", views.retrieve_weather, name="weather"),
]
