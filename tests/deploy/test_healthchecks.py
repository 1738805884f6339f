"""The services' healthcheck commands, run for real against a local HTTP server."""

import asyncio
import os
import sys
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from petstore_cli.embedded import free_port
from tests.deploy.dockerfile import Dockerfile, healthcheck_command
from tests.deploy.repo import SERVICES, Service

python_services = pytest.mark.parametrize("service", list(SERVICES.values()), ids=list(SERVICES))
CHECK_DEADLINE = 10.0


def image_check(service: Service) -> list[str]:
    return healthcheck_command(Dockerfile.read(service.dockerfile).one("HEALTHCHECK"))[1]


@python_services
def test_compose_runs_the_same_check_as_the_image(
    services: dict[str, dict[str, Any]], service: Service
) -> None:
    assert services[service.folder]["healthcheck"]["test"] == ["CMD", *image_check(service)]


async def run_check(command: list[str], port_var: str, port: int) -> int:
    """The check as the container runs it: `python` is the image's interpreter, here this one's."""
    env = {**os.environ, port_var: str(port)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *command[1:],
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        return await asyncio.wait_for(proc.wait(), CHECK_DEADLINE)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def app_answering(status: int) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok" if status == 200 else "down"}, status=status)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    return app


@python_services
async def test_the_check_passes_when_healthz_answers_200(service: Service) -> None:
    async with TestServer(app_answering(200), host="127.0.0.1", port=0) as server:
        assert server.port is not None
        assert await run_check(image_check(service), service.port_var, server.port) == 0


@python_services
async def test_the_check_fails_when_healthz_answers_503(service: Service) -> None:
    async with TestServer(app_answering(503), host="127.0.0.1", port=0) as server:
        assert server.port is not None
        assert await run_check(image_check(service), service.port_var, server.port) != 0


async def test_the_check_fails_when_nothing_listens() -> None:
    service = SERVICES["gateway"]
    assert await run_check(image_check(service), service.port_var, free_port()) != 0
