"""A service as a real process (`python -m <module>`, as `make run` starts it), on free ports,
with its log in a file: for what only the real server does (uvloop, run_app's protocol, the
start-up checks, SIGTERM)."""

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from petstore_cli.embedded import free_port
from tests.support import status_of, wait_until

PORT_VARIABLES = {"gateway": "GATEWAY_PORT", "pets_service": "PETS_SERVICE_PORT"}


@dataclass
class Process:
    proc: asyncio.subprocess.Process
    port: int
    metrics_port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        return self.log.read_text(errors="replace")


async def run_to_exit(module: str, env: dict[str, str], within: float = 20.0) -> tuple[int, str]:
    """Start ``module`` and wait for it to exit (e.g. refusing to start): code and stderr."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(proc.communicate(), within)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return proc.returncode, stderr.decode(errors="replace")


@contextlib.asynccontextmanager
async def service(module: str, env: dict[str, str], within: float = 20.0) -> AsyncIterator[Process]:
    """``module`` running until the block ends (then SIGTERM), once its /healthz answers."""
    port, metrics_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / f"{module}.log"
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                module,
                env={
                    **os.environ,
                    PORT_VARIABLES[module]: str(port),
                    "GATEWAY_METRICS_PORT": str(metrics_port),
                    "PETSTORE_DEV_MODE": "true",
                    **env,
                },
                stdout=asyncio.subprocess.DEVNULL,
                stderr=out,
            )
        running = Process(proc, port, metrics_port, log)
        try:
            await _wait_healthy(running, within)
            yield running
        finally:
            if proc.returncode is None:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 10)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


async def _wait_healthy(running: Process, within: float) -> None:
    async with aiohttp.ClientSession() as http:

        async def health() -> int | None:
            assert running.proc.returncode is None, f"exited with {running.proc.returncode}"
            return await status_of(http, running.url + "/healthz")

        try:
            await wait_until(health, lambda status: status == 200, within=within, what="healthy")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{running.logs()}") from None
