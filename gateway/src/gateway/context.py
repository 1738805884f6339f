"""Typed keys of the gateway's application and request state."""

from aiohttp import web

from gateway.clientip import ClientAddress
from gateway.maintenance import MaintenanceFlag
from gateway.metrics import GatewayMetrics
from gateway.ratelimit import Decision, RateLimiter
from gateway.settings import Settings
from gateway.shedding import InFlight
from gateway.storage import Storage
from gateway.upstream import Upstream
from service_kit.auth import TokenVerifier

SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("gateway_metrics", GatewayMetrics)
VERIFIER = web.AppKey("verifier", TokenVerifier)
CLIENT_ADDRESS = web.AppKey("client_address", ClientAddress)
STORAGE = web.AppKey("storage", Storage)
LIMITER = web.AppKey("rate_limiter", RateLimiter)
MAINTENANCE = web.AppKey("maintenance", MaintenanceFlag)
IN_FLIGHT = web.AppKey("in_flight", InFlight)
PETS = web.AppKey("pets_upstream", Upstream)
WEATHER = web.AppKey("weather_upstream", Upstream)
RECOMMENDATIONS = web.AppKey("recommendations_upstream", Upstream)

RATE_DECISION = web.RequestKey("rate_decision", Decision)
