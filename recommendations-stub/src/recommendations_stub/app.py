"""The recommendations stub application."""

from aiohttp import web

from recommendations_stub.routes import routes
from recommendations_stub.settings import Settings
from service_kit.faults import setup_faults
from service_kit.health import setup_health
from service_kit.metrics import setup_metrics
from service_kit.middleware import setup_problems

SERVICE = "recommendations-stub"


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or Settings()
    app = web.Application()
    setup_problems(app, settings.problem_base_url)
    registry = setup_metrics(app, SERVICE)
    setup_health(app)
    setup_faults(app, initial=settings.fault, registry=registry)
    app.add_routes(routes)
    return app
