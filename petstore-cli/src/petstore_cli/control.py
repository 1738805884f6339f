"""The local suite's control channel: `petstore chaos` talks to `petstore run` over a unix socket.

One JSON line each way: ``{"action": "stop", "part": "redis"}`` -> ``{"ok": true, ...}``.
The socket is the launcher's (mode 0600, removed when it exits): only its user can use it.
"""

import asyncio
import contextlib
import json
import os
import socket
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from petstore_cli.parts import Part

SOCKET_VAR = "PETSTORE_CONTROL_SOCKET"
DEFAULT_SOCKET = ".run/control.sock"
ACTIONS = ("stop", "start", "kill", "restart", "status")
START_TIMEOUT = 30.0
MAX_REQUEST = 4096


class ControlError(Exception):
    """No launcher answers on the socket, or it sent something unexpected."""


def socket_path(environ: Mapping[str, str]) -> Path:
    return Path(environ.get(SOCKET_VAR) or DEFAULT_SOCKET)


def claim(path: Path) -> None:
    """Refuse ``path`` when another launcher answers there; remove a stale socket."""
    if path.exists():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            try:
                probe.connect(str(path))
            except OSError:
                path.unlink()  # left behind by a launcher that was killed
            else:
                raise ControlError(f"another `petstore run` is using {path}")
    path.parent.mkdir(parents=True, exist_ok=True)


async def serve(path: Path, parts: Mapping[str, Part]) -> asyncio.Server:
    """Answer `petstore chaos` on ``path``."""
    claim(path)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(5):
                line = await reader.readline()
            request = json.loads(line[:MAX_REQUEST]) if line else {}
            answer = await apply(parts, request if isinstance(request, dict) else {})
        except (ValueError, TimeoutError):
            answer = {"ok": False, "message": "unreadable request"}
        writer.write(json.dumps(answer).encode() + b"\n")
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()

    server = await asyncio.start_unix_server(handle, path=str(path))
    os.chmod(path, 0o600)
    return server


async def ask(path: Path, request: dict[str, Any], wait_s: float = 60.0) -> dict[str, Any]:
    """Send one request to the launcher at ``path``; its answer."""
    try:
        async with asyncio.timeout(5):
            reader, writer = await asyncio.open_unix_connection(str(path))
    except (OSError, TimeoutError) as exc:
        raise ControlError(f"no `petstore run` answers at {path} ({type(exc).__name__})") from None
    try:
        writer.write(json.dumps(request).encode() + b"\n")
        await writer.drain()
        async with asyncio.timeout(wait_s):
            line = await reader.readline()
    except (OSError, TimeoutError) as exc:
        reason = type(exc).__name__
        raise ControlError(f"the launcher at {path} did not answer ({reason})") from None
    finally:
        writer.close()
    try:
        answer = json.loads(line)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ControlError(f"the launcher at {path} sent an unexpected answer")
    return answer


def row(part: Part) -> dict[str, Any]:
    return {
        "part": part.name,
        "pid": part.proc.pid if part.running and part.proc else None,
        "state": part.state,
        "restarts": part.backoff.restarts,
        "upSeconds": round(time.monotonic() - part.started_at, 1) if part.running else None,
    }


async def apply(parts: Mapping[str, Part], request: Mapping[str, Any]) -> dict[str, Any]:
    action, name = request.get("action"), request.get("part")
    if action == "status":
        return {"ok": True, "parts": [row(p) for p in parts.values()]}
    if action not in ACTIONS:
        return {"ok": False, "message": f"unknown action {action!r}"}
    part = parts.get(str(name))
    if part is None:
        known = ", ".join(parts)
        return {"ok": False, "message": f"{name} is not run by this launcher (it runs {known})"}
    async with part.lock:
        if action == "stop":
            part.hold()
            await part.terminate()
            return _done(part, f"stopped {part.name}; it stays down until `start`")
        if action == "kill":
            if not part.running or part.proc is None:
                return _done(part, f"{part.name} is not running", ok=False)
            part.mark_killed(part.proc.pid)
            part.proc.kill()
            return _done(part, f"killed {part.name} (SIGKILL); the restart policy brings it back")
        if action == "start" and part.running:
            return _done(part, f"{part.name} is already up")
        if action == "restart":
            await part.terminate()
            part.backoff.restarts += 1
        part.backoff.reset()
        part.allow()
        await part.spawn()
    if not await part.wait_listening(START_TIMEOUT):
        return _done(part, f"{part.name} did not listen on :{part.port} in time", ok=False)
    return _done(part, ("restarted " if action == "restart" else "started ") + part.name)


def _done(part: Part, message: str, *, ok: bool = True) -> dict[str, Any]:
    return {"ok": ok, "message": message, "parts": [row(part)]}
