"""The token secret, checked at start-up: the published dev default, or any secret under 32
bytes (HS256 wants at least its hash's size, RFC 7518 section 3.2), stops the service unless
PETSTORE_DEV_MODE=true, which `make run` and docker-compose.yml set for local use."""

import logging
import sys

from service_kit.settings import DEV_JWT_SECRET

log = logging.getLogger("service_kit.secrets")

MIN_SECRET_BYTES = 32


def weakness(secret: str) -> str | None:
    """What is wrong with ``secret`` for signing tokens, or None."""
    if secret == DEV_JWT_SECRET:
        return "PETSTORE_JWT_SECRET is the published dev default"
    size = len(secret.encode())
    if size < MIN_SECRET_BYTES:
        return f"PETSTORE_JWT_SECRET is {size} bytes, under the minimum of {MIN_SECRET_BYTES}"
    return None


def require_strong_secret(secret: str, *, dev_mode: bool, service: str) -> None:
    """End the process (exit 2, before listening) on a weak secret outside dev mode."""
    problem = weakness(secret)
    if problem is None or dev_mode:
        return
    print(
        f"{service}: refusing to start: {problem}. Set a random secret of at least "
        f"{MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`), or PETSTORE_DEV_MODE=true "
        "on a development machine.",
        file=sys.stderr,
    )
    raise SystemExit(2)


def warn_dev_mode(secret: str) -> None:
    """In dev mode a weak secret is accepted, and said so in the log at start-up."""
    problem = weakness(secret)
    if problem is not None:
        log.warning(
            "%s: accepted in dev mode (PETSTORE_DEV_MODE=true), never in production", problem
        )
