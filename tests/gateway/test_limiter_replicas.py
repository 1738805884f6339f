"""The rate limiter is exact as a safety property: two gateway processes sharing one Redis
never admit more than the limit between them, and one client's first 429 is request limit+1."""

import asyncio
from collections import Counter

import aiohttp

from service_kit.auth import mint_token
from service_kit.settings import DEV_JWT_SECRET
from tests.gateway.support import GatewayFactory, Upstream
from tests.procs import service
from tests.support import TokenFactory

LIMIT = 100


async def test_two_replicas_admit_exactly_the_limit(
    redis_url: str, key_prefix: str, shared_pets: Upstream
) -> None:
    env = {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        "PETS_SERVICE_URL": shared_pets.url,
        "RATE_LIMIT": str(LIMIT),
        "RATE_LIMIT_WINDOW_SECONDS": "600",
    }
    headers = {
        "Authorization": "Bearer " + mint_token(DEV_JWT_SECRET, sub="twice", scopes=["read:pets"])
    }
    async with service("gateway", env) as one, service("gateway", env) as two:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def get(base: str) -> int:
                async with http.get(base + "/v1/pets/echo", headers=headers) as resp:
                    await resp.read()
                    return resp.status

            statuses = await asyncio.gather(
                *(get((one if i % 2 else two).url) for i in range(2 * LIMIT))
            )
    assert Counter(statuses) == {200: LIMIT, 429: LIMIT}


async def test_one_client_first_429_is_request_limit_plus_one(
    make_gateway: GatewayFactory, token: TokenFactory
) -> None:
    limit = 7
    gw = await make_gateway(rate_limit=limit, rate_limit_window_seconds=600)
    tok = token("read:pets", sub="counting")
    statuses = [(await gw.get("/v1/pets/echo", token=tok)).status for _ in range(limit + 3)]
    assert statuses == [200] * limit + [429] * 3
