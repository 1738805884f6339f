"""/metrics: requests by route and status, latency, rate-limit decisions, maintenance gauge."""

from tests.gateway.support import Client


async def test_metrics_by_route_and_status(gw: Client, rw: str) -> None:
    await gw.get("/v1/pets/echo", token=rw)
    await gw.get("/v1/pets/echo")
    await gw.get("/v1/pets/status-500", token=rw)
    text = await gw.metrics()
    route = 'route="/v1/pets/{pet_id}"'
    assert f'http_requests_total{{method="GET",{route},status="200"}} 1.0' in text
    assert f'http_requests_total{{method="GET",{route},status="401"}} 1.0' in text
    assert f'http_requests_total{{method="GET",{route},status="502"}} 1.0' in text
    assert f"http_request_duration_seconds_count{{{route}}} 3.0" in text
    assert 'gateway_rate_limit_decisions_total{decision="allowed"} 3.0' in text
    assert 'gateway_rate_limit_decisions_total{decision="limited"} 0.0' in text
    assert 'gateway_upstream_failures_total{kind="5xx",upstream="pets"} 1.0' in text
    assert "gateway_maintenance_enabled 0.0" in text
    # The three calls went one after the other: one keep-alive connection served them all.
    assert 'gateway_upstream_connections{upstream="pets"} 1.0' in text
    assert 'gateway_upstream_connections{upstream="weather"} 0.0' in text


async def test_metrics_are_not_on_the_public_port(gw: Client) -> None:
    """Traffic, limiter decisions and circuit states are for the operator's scraper only."""
    reply = await gw.get("/metrics")
    assert reply.status == 404
    assert "http_requests_total" not in reply.body.decode()
    async with gw.session.get(gw.metrics_url) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
