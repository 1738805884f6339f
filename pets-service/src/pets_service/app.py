"""The application factory: middlewares, routes, health, metrics, and the Redis lifecycle."""

from collections.abc import AsyncIterator

from aiohttp import web

from pets_service import storage
from pets_service.access import VERIFIER, auth_middleware
from pets_service.records import setup_records
from pets_service.routes import setup_routes
from pets_service.settings import Settings
from pets_service.state import IDEMPOTENCY, PETS, PREFERENCES, REDIS, SETTINGS
from pets_service.storage.idempotency import IdempotencyStore
from pets_service.storage.keys import Keys
from pets_service.storage.pets import PetStore
from pets_service.storage.preferences import PreferenceStore
from service_kit import redis_client
from service_kit.auth import TokenVerifier
from service_kit.connections import CONNECTION_LIMITS, ConnectionLimits
from service_kit.health import setup_health
from service_kit.metrics import setup_metrics
from service_kit.middleware import setup_problems

SERVICE = "pets-service"


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    # Read timeouts as at the gateway; the caps only bound the process (its one client is the
    # gateway, whose pool opens at most 512 connections, from one address).
    app[CONNECTION_LIMITS] = ConnectionLimits(
        header_timeout=settings.header_timeout_seconds,
        body_timeout=settings.body_timeout_seconds,
        max_connections=4096,
        max_connections_per_ip=4096,
    )
    app[VERIFIER] = TokenVerifier(settings.jwt_secret)
    setup_problems(app, settings.problem_base_url)
    setup_metrics(app, SERVICE)
    app.middlewares.append(auth_middleware)
    app.cleanup_ctx.append(redis_ctx)
    setup_records(app)  # after redis_ctx: its stores use the Redis client
    setup_health(
        app, {"redis": lambda: storage.ping(app[REDIS])}, targets={"redis": settings.redis_url}
    )
    setup_routes(app)
    return app


async def redis_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    # No I/O here: the client connects on first use, so the service starts (not ready)
    # while Redis is down, and recovers when it comes back.
    client = redis_client.connect(
        settings.redis_url,
        timeout=settings.redis_timeout,
        max_connections=settings.redis_max_connections,
    )
    keys = Keys(settings.redis_key_prefix)
    app[REDIS] = client
    app[PETS] = pets = PetStore(client, keys)
    app[PREFERENCES] = PreferenceStore(client, keys)
    # Creating a pet and posting a medical record both honour Idempotency-Key.
    app[IDEMPOTENCY] = IdempotencyStore(client, keys)
    yield
    await pets.close()
    await storage.disconnect(client)
