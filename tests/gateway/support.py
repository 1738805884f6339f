"""The gateway tests' client (it records every reply for the leak scan) and fixture types."""

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson
from aiohttp.test_utils import TestServer
from multidict import CIMultiDictProxy
from yarl import URL

from gateway.http1 import Pool
from tests.gateway.leaks import RECORDED, Reply

BASE = "http://petstore.test/problems/"


class Client:
    """An HTTP client for one gateway; records every reply."""

    def __init__(
        self, base_url: str, session: aiohttp.ClientSession, metrics_url: str = ""
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.metrics_url = metrics_url  # GET /metrics, on the gateway's internal port

    async def metrics(self) -> str:
        async with self.session.get(self.metrics_url) as resp:
            assert resp.status == 200
            return await resp.text()

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        json: Any = None,
        data: Any = None,
    ) -> Reply:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        if json is not None:
            data = orjson.dumps(json)
            all_headers.setdefault("Content-Type", "application/json")
        async with self.session.request(
            method, URL(self.base_url + path, encoded=True), headers=all_headers, data=data
        ) as resp:
            reply = Reply(
                method, path, resp.status, CIMultiDictProxy(resp.headers.copy()), await resp.read()
            )
        RECORDED.append(reply)
        return reply

    async def get(self, path: str, **kw: Any) -> Reply:
        return await self.request("GET", path, **kw)


@dataclasses.dataclass
class Upstream:
    server: TestServer

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")


# start_pets(**pets settings overrides) -> the URL of a real pets service on port 0.
PetsStarter = Callable[..., Awaitable[str]]
PoolFactory = Callable[..., Pool]  # make_pool(url, limit=, keepalive=, max_body=)
# make_gateway(**settings overrides) -> a Client of a running gateway.
GatewayFactory = Callable[..., Awaitable[Client]]
