"""podman's Docker-compatible API (`podman system service`), for the Docker SDK of
`petstore chaos`: one service per compose project, stopped with it."""

import os
import signal
import subprocess
import time
from collections.abc import Mapping

from deploy.podman_stack import CACHE, PodmanError


def socket_of(project: str) -> str:
    return f"unix://{CACHE / f'{project}.sock'}"


def start_api(project: str, env: Mapping[str, str]) -> str:
    """The API listening on its socket (started once); its DOCKER_HOST."""
    sock, pid_file = CACHE / f"{project}.sock", CACHE / f"{project}.api.pid"
    if pid_file.exists() and sock.exists() and _alive(int(pid_file.read_text())):
        return socket_of(project)
    sock.unlink(missing_ok=True)
    with (CACHE / f"{project}.api.log").open("ab") as log:
        proc = subprocess.Popen(
            ["podman", "system", "service", "--time=0", socket_of(project)],
            env=dict(env),
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # it outlives `make compose-up`, until compose-down
        )
    pid_file.write_text(str(proc.pid))
    deadline = time.monotonic() + 20
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise PodmanError(
                f"podman system service did not start (see {CACHE}/{project}.api.log)"
            )
        time.sleep(0.2)
    return socket_of(project)


def stop_api(project: str) -> None:
    pid_file = CACHE / f"{project}.api.pid"
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text())
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
    pid_file.unlink()
    (CACHE / f"{project}.sock").unlink(missing_ok=True)
    (CACHE / f"{project}.api.log").unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie of ours (the service started by this process) counts as gone.
    try:
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True
