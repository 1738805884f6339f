"""A request of no fault session asks Redis nothing for fault sessions, even while some live."""

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from gateway.app import create_app
from gateway.sessions.runtime import FAULTS
from gateway.settings import Settings
from tests.support import TokenFactory

RULES = [{"steps": [{"respond": 503}], "then": "hold"}]


async def test_plain_requests_make_no_session_store_call(
    settings: Settings, token: TokenFactory
) -> None:
    app = create_app(settings)
    server = TestServer(app)
    await server.start_server()
    calls: list[str] = []
    store = app[FAULTS].store
    real_call = store._call

    async def counted(command: Callable[[], Awaitable[Any]]) -> Any:
        calls.append("redis")
        return await real_call(command)

    store._call = counted  # type: ignore[method-assign]
    admin = {"Authorization": f"Bearer {token('faults', sub='qa')}"}
    plain = {"Authorization": f"Bearer {token('read:pets', sub='bob')}"}
    try:
        async with aiohttp.ClientSession(str(server.make_url(""))) as http:
            for document in ({"rules": RULES}, {"rules": RULES, "match": {"sub": "alice"}}):
                async with http.post("/admin/fault-sessions", json=document, headers=admin) as r:
                    assert r.status == 201
                    sid = (await r.json())["id"]
            calls.clear()
            for _ in range(20):  # bob: no header, and no session matches his subject
                async with http.get("/v1/pets", headers=plain) as resp:
                    assert resp.status == 200
            assert calls == []
            async with http.get("/v1/pets", headers={**plain, "Fault-Session": sid}) as resp:
                assert resp.status == 503
            assert calls  # the counter sees a session's request
    finally:
        await server.close()
