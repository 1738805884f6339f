"""One client cannot open a shared circuit: a 500 the pets service gives to one client's
request is that client's 502, and other clients keep being served; what says the service
is down (502/503/504, resets, refusals, timeouts) still opens it (docs/security.md)."""

import pytest

from tests.gateway.circuits import assert_circuit_open, state_line
from tests.gateway.support import Client, GatewayFactory
from tests.support import TokenFactory


async def test_one_clients_500s_do_not_open_the_pets_circuit(
    gw: Client, token: TokenFactory
) -> None:
    mallory, alice = token("read:pets", sub="mallory"), token("read:pets", sub="alice")
    for _ in range(20):  # four times the threshold, in a row
        reply = await gw.get("/v1/pets/status-500", token=mallory)
        assert reply.status == 502
        assert reply.json()["type"].endswith("bad-gateway")
    assert (await gw.get("/v1/pets/echo", token=alice)).status == 200
    text = await gw.metrics()
    assert state_line("pets", "closed") in text
    assert 'gateway_upstream_failures_total{kind="5xx",upstream="pets"} 20.0' in text


@pytest.mark.parametrize("status", [502, 504, 503])
async def test_the_pets_service_saying_it_is_down_still_opens_it(
    make_gateway: GatewayFactory, rw: str, status: int
) -> None:
    gw = await make_gateway(circuit_reset_seconds=5)
    for _ in range(5):
        assert (await gw.get(f"/v1/pets/status-{status}", token=rw)).status == 502
    assert_circuit_open(await gw.get("/v1/pets/echo", token=rw), reset=5)
