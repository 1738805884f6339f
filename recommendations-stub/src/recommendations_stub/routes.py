"""The recommendations stub's route table (health, metrics and /admin/faults: service_kit)."""

from aiohttp import web

from recommendations_stub import views

routes = [
    web.get("/v1/recommendations/{pet_id}", views.retrieve_recommendations, name="recommendations"),
]
