"""The launcher's control socket: one launcher per socket; a stale one is replaced."""

import socket
from pathlib import Path

import pytest

from petstore_cli.control import ControlError, ask, claim, serve


def test_a_socket_another_launcher_answers_on_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as live:
        live.bind(str(path))
        live.listen()
        with pytest.raises(ControlError, match="another `petstore run` is using"):
            claim(path)
    assert path.exists()


def test_a_stale_socket_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(str(path))  # bound, never listening: what a killed launcher leaves
    claim(path)
    assert not path.exists()


async def test_requests_and_answers(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    server = await serve(path, {})
    try:
        assert path.stat().st_mode & 0o777 == 0o600
        assert await ask(path, {"action": "status"}) == {"ok": True, "parts": []}
        unknown = await ask(path, {"action": "stop", "part": "redis"})
        assert unknown["ok"] is False
        assert "redis is not run by this launcher" in unknown["message"]
        assert (await ask(path, {"action": "explode"}))["ok"] is False
    finally:
        server.close()
        await server.wait_closed()


async def test_nobody_answering_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(ControlError, match="no `petstore run` answers at"):
        await ask(tmp_path / "none.sock", {"action": "status"})
