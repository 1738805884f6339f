"""Tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT): the tracing SDK, the exporter and the
services' span code are never imported and no tracer is set up; the standard switches that
turn the SDK off are honoured.

(redis-py imports OpenTelemetry's metrics SDK by itself at import time when it is installed,
and uses it only if the application sets redis-py's own telemetry up: it is left out here.)"""

import os
import subprocess
import sys

from service_kit import otel

# Every service's app, set up as `serve` does, answering a request: OpenTelemetry stays out.
PROGRAM = """
import asyncio, os, sys
import aiohttp
from aiohttp.test_utils import TestServer
import gateway.app, pets_service.app, records_worker.app, recommendations_stub.app
from service_kit import otel
from service_kit.logs import setup_logging
from weather_stub.app import create_app

setup_logging("weather-stub", "INFO", "json")
otel.setup("weather-stub", os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", ""), os.environ)

async def main():
    server = TestServer(create_app())
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url("/v1/weather/pet-1")) as reply:
            assert reply.status == 200
    await server.close()

asyncio.run(main())
TRACING = (
    "service_kit.otel_sdk",
    "service_kit.otel_spans",
    "opentelemetry.sdk.trace",
    "opentelemetry.exporter.otlp.proto.http.trace_exporter",
)
print(otel.enabled, ",".join(m for m in TRACING if m in sys.modules) or "-")
otel.shutdown()
"""


def run(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_off_by_default_no_tracing_code_is_imported() -> None:
    assert run() == "False -"


def test_on_with_an_endpoint_the_sdk_is_loaded() -> None:
    # Nothing listens on port 9: the one span is dropped at shutdown, within the timeout.
    enabled, modules = run(
        OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9", OTEL_EXPORTER_OTLP_TIMEOUT="1"
    ).split(" ", 1)
    assert enabled == "True"
    assert modules.split(",") == [
        "service_kit.otel_sdk",
        "service_kit.otel_spans",
        "opentelemetry.sdk.trace",
        "opentelemetry.exporter.otlp.proto.http.trace_exporter",
    ]


def test_the_standard_switches_keep_it_off() -> None:
    endpoint = "http://127.0.0.1:4318"
    assert otel.wanted(endpoint, {})
    assert not otel.wanted("", {})
    assert not otel.wanted(endpoint, {"OTEL_SDK_DISABLED": "true"})
    assert not otel.wanted(endpoint, {"OTEL_TRACES_EXPORTER": "none"})
