"""FAULT_SESSIONS_ENABLED=false (for measuring the hook's cost): /v1 is served as always, and
the session API is not there at all."""

from tests.gateway.support import GatewayFactory
from tests.support import TokenFactory


async def test_sessions_off_serves_v1_and_has_no_session_api(
    make_gateway: GatewayFactory, token: TokenFactory, admin: str
) -> None:
    gw = await make_gateway(fault_sessions_enabled=False)
    reply = await gw.get("/v1/pets/echo", token=token("read:pets"), headers={"Fault-Session": "x"})
    assert reply.status == 200  # the header means nothing without the feature
    assert (await gw.get("/admin/fault-sessions", token=admin)).status == 404
    on = await make_gateway()
    assert (await on.get("/admin/fault-sessions", token=admin)).status == 200
    unknown = await on.get(
        "/v1/pets/echo", token=token("read:pets"), headers={"Fault-Session": "x"}
    )
    assert unknown.status == 400  # with the feature, an unknown session is refused
