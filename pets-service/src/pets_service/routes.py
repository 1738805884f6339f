"""The route table (HEAD for every GET, and OPTIONS, come from service_kit.methods)."""

from aiohttp import web

from pets_service import preferences, views
from pets_service.idempotency import idempotent
from pets_service.records import views as record_views


def setup_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/v1/pets", views.list_pets)
    router.add_post("/v1/pets", idempotent(views.create_pet))
    router.add_get("/v1/pets/{pet_id}", views.retrieve_pet)
    router.add_put("/v1/pets/{pet_id}", views.replace_pet)
    router.add_patch("/v1/pets/{pet_id}", views.update_pet)
    router.add_delete("/v1/pets/{pet_id}", views.delete_pet)
    router.add_get("/v1/users/{user_id}/preferences", preferences.retrieve_preferences)
    router.add_put("/v1/users/{user_id}/preferences", preferences.replace_preferences)
    router.add_post(
        "/v1/pets/{pet_id}/medical-records", idempotent(record_views.create_medical_record)
    )
    router.add_get("/v1/medical-records/{record_id}/status", record_views.retrieve_record_status)
    router.add_get("/v1/medical-records/{record_id}", record_views.retrieve_medical_record)
