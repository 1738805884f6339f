"""Starting what is measured: embedded Redis and Kafka, the services, nginx and hello-world."""

import asyncio
import importlib.util
import time
from pathlib import Path

import aiohttp

from bench.procs import Child, Children
from petstore_cli.embedded import EmbeddedError, free_port, kafka_server, redis_server, wait_port

START_TIMEOUT = 30.0


class StartError(RuntimeError):
    """A part did not start or did not become ready; the message says why."""


def runnable(module: str) -> bool:
    """Whether `python -m module` can run here (the package and its __main__ exist)."""
    try:
        return importlib.util.find_spec(f"{module}.__main__") is not None
    except ModuleNotFoundError:
        return False


def died(child: Child) -> StartError:
    tail = child.tail()
    return StartError(
        f"{child.name} exited with code {child.proc.returncode}"
        + (f"; last lines of {child.log_path}:\n{tail}" if tail else "")
    )


async def start_embedded(children: Children, kind: str) -> tuple[Child, int]:
    """The project's embedded Redis-protocol server or Kafka-protocol broker, on a free port."""
    port = free_port()
    try:
        server = redis_server(port) if kind == "redis" else kafka_server(port)
    except EmbeddedError as exc:
        raise StartError(str(exc)) from None
    child = children.start(kind, server.argv)
    try:
        await asyncio.to_thread(wait_port, port, child.proc, START_TIMEOUT)
    except EmbeddedError as exc:
        children.stop(child)
        raise StartError(f"{kind}: {exc}") from None
    return child, port


async def wait_http(
    http: aiohttp.ClientSession,
    child: Child,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    within: float = START_TIMEOUT,
) -> None:
    """Until ``url`` answers 200; fails early when the process dies."""
    deadline = time.monotonic() + within
    last = "no answer"
    while True:
        if not child.alive:
            raise died(child)
        try:
            async with http.get(url, headers=headers) as resp:
                await resp.read()
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            last = type(exc).__name__
        if time.monotonic() > deadline:
            raise StartError(f"{child.name} not ready within {within:.0f} s ({url}: {last})")
        await asyncio.sleep(0.1)


async def start_service(
    http: aiohttp.ClientSession,
    children: Children,
    name: str,
    module: str,
    env: dict[str, str],
    ready_url: str,
    python: str,
) -> Child:
    """`python -m module` with ``env``, once ``ready_url`` answers 200."""
    if not runnable(module):
        raise StartError(f"`python -m {module}` cannot run yet (no {module}.__main__)")
    child = children.start(name, [python, "-m", module], env)
    try:
        await wait_http(http, child, ready_url)
    except StartError:
        children.stop(child)
        raise
    return child


def log_dir(out_dir: Path) -> Path:
    return out_dir / "logs"
