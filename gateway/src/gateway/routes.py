"""The route table: every /v1 path of the public API, the admin API and the documentation."""

from aiohttp import web

from gateway import docs, views

# Paths the pets service serves, and the methods the gateway lets through to it.
PETS_ROUTES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("/v1/pets", ("GET", "POST")),
    ("/v1/pets/{pet_id}", ("GET", "PUT", "PATCH", "DELETE")),
    ("/v1/pets/{pet_id}/medical-records", ("POST",)),
    ("/v1/medical-records/{record_id}", ("GET",)),
    ("/v1/medical-records/{record_id}/status", ("GET",)),
    ("/v1/users/{user_id}/preferences", ("GET", "PUT")),
)


def setup_routes(app: web.Application) -> None:
    # HEAD for every GET and OPTIONS everywhere come from service_kit.methods at start-up.
    router = app.router
    for path, methods in PETS_ROUTES:
        resource = router.add_resource(path)
        for method in methods:
            resource.add_route(method, views.proxy_request)
    router.add_get("/v1/pets/{pet_id}/weather", views.retrieve_weather)
    router.add_get("/v1/pets/{pet_id}/recommendations", views.retrieve_recommendations)
    router.add_get("/admin/maintenance", views.retrieve_maintenance)
    router.add_put("/admin/maintenance", views.update_maintenance)
    router.add_get("/problems", docs.list_problems)
    router.add_get("/problems/", docs.list_problems)
    router.add_get("/problems/{slug}", docs.retrieve_problem)
    router.add_get("/openapi.json", docs.retrieve_openapi)
    router.add_get("/docs", docs.retrieve_docs)
    router.add_get("/docs/{asset}", docs.retrieve_docs_asset)
