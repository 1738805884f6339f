"""The gateway's access line: one per request at INFO, with the status the client got and
the traceId it was answered with."""

from tests.access_lines import access_lines
from tests.gateway.support import GatewayFactory


async def test_each_gateway_request_logs_one_access_line(make_gateway: GatewayFactory) -> None:
    with access_lines() as lines:
        gw = await make_gateway()
        unauthorized = await gw.get("/v1/pets")
        assert unauthorized.status == 401
        document = await gw.get("/openapi.json")
        assert document.status == 200
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [
        ("GET", "/v1/pets", 401),
        ("GET", "/openapi.json", 200),
    ]
    assert [e["traceId"] for e in lines] == [
        unauthorized.headers["X-Request-ID"],
        document.headers["X-Request-ID"],
    ]
