"""Typed application state shared by the app factory and the handlers."""

from aiohttp import web
from redis.asyncio import Redis

from pets_service.settings import Settings
from pets_service.storage.idempotency import IdempotencyStore
from pets_service.storage.pets import PetStore
from pets_service.storage.preferences import PreferenceStore

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", Redis)
PETS = web.AppKey("pets", PetStore)
PREFERENCES = web.AppKey("preferences", PreferenceStore)
IDEMPOTENCY = web.AppKey("idempotency", IdempotencyStore)
