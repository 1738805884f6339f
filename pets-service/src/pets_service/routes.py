"""The route table. GET routes get no implicit HEAD, so 405 answers list exactly what exists."""

from aiohttp import web

from pets_service import views


def setup_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/v1/pets", views.list_pets, allow_head=False)
    router.add_post("/v1/pets", views.create_pet)
    router.add_get("/v1/pets/{pet_id}", views.retrieve_pet, allow_head=False)
    router.add_put("/v1/pets/{pet_id}", views.replace_pet)
    router.add_patch("/v1/pets/{pet_id}", views.update_pet)
    router.add_delete("/v1/pets/{pet_id}", views.delete_pet)
    router.add_get("/v1/users/{user_id}/preferences", views.retrieve_preferences, allow_head=False)
    router.add_put("/v1/users/{user_id}/preferences", views.replace_preferences)
