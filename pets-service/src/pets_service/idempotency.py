"""Idempotency-Key (IETF httpapi draft) for POST handlers: the first answer, never a duplicate.

- same caller, same key, same request (method, path, body bytes): the first answer again, with
  ``Idempotent-Replayed: true``;
- same key, different request: 422 idempotency-key-reused;
- same key while the first request still runs: 409 request-in-flight + Retry-After;
- answers of 4xx/5xx are not kept (a retry runs again); a malformed key is 400.
"""

import asyncio
import base64
import functools
import hashlib
import logging
import secrets
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from pets_service.access import PRINCIPAL
from pets_service.state import IDEMPOTENCY, SETTINGS
from pets_service.storage.idempotency import IdempotencyStore
from service_kit.bodies import read_body
from service_kit.problems import (
    BadRequest,
    FieldError,
    IdempotencyKeyReused,
    RequestInFlight,
    StoreUnavailable,
)

log = logging.getLogger("pets_service.idempotency")

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY_MAX = 255
IN_FLIGHT_RETRY_AFTER = 1
# Headers of the first answer that are not part of it (each response gets its own).
_NOT_REPLAYED = frozenset(
    {"x-request-id", "date", "server", "content-length", "transfer-encoding", "connection"}
)

# A first request still running after this has died with its process: the key is free again.
MIN_IN_FLIGHT_MS = 30_000


def parse_key(raw: str) -> str:
    """The key: 1-255 visible ASCII characters, optionally as a quoted sf-string."""
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > KEY_MAX or not all("!" <= c <= "~" or c == " " for c in key):
        raise BadRequest(
            f"The {HEADER} header is malformed.",
            errors=[
                FieldError(HEADER, f"Must be 1 to {KEY_MAX} visible ASCII characters, e.g. a UUID.")
            ],
        )
    return key


def fingerprint(request: web.Request, body: bytes) -> str:
    """The request's identity: method, path and the body's exact bytes. Hashing the bytes,
    not a re-serialization of the parsed JSON, cannot fail whatever the body holds."""
    digest = hashlib.sha256(f"{request.method} {request.path_qs}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def idempotent(handler: Handler) -> Handler:
    """Make a POST handler honour Idempotency-Key (requests without the header run as usual)."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        raw = request.headers.get(HEADER)
        if raw is None:
            return await handler(request)
        key = parse_key(raw)
        settings, store = request.app[SETTINGS], request.app[IDEMPOTENCY]
        body = await read_body(request, settings.max_body_bytes)  # kept for the handler
        caller = request[PRINCIPAL].sub
        request_print = fingerprint(request, body)
        token = secrets.token_hex(16)
        claim = {"state": "in-flight", "fingerprint": request_print, "token": token}
        in_flight_ms = max(MIN_IN_FLIGHT_MS, 2 * settings.kafka_timeout_ms)
        stored = await store.claim(caller, key, claim, in_flight_ms)
        if stored is not None:
            return _answer_again(stored, request_print)
        try:
            response = await handler(request)
        except BaseException:
            await _release(store, caller, key, token)
            raise
        if isinstance(response, web.Response) and 200 <= response.status < 400:
            entry = {
                "state": "done",
                "fingerprint": request_print,
                "token": token,
                "status": response.status,
                "headers": _kept_headers(response),
                "body": base64.b64encode(_body_bytes(response)).decode(),
            }
            try:
                await store.complete(
                    caller, key, token, entry, settings.idempotency_ttl_seconds * 1000
                )
            except Exception:  # the answer stands (its effect happened); only a replay is lost
                log.exception("could not keep the answer of an Idempotency-Key")
                await _release(store, caller, key, token)
        else:
            await _release(store, caller, key, token)
        return response

    return wrapper


def _answer_again(stored: dict[str, Any], request_print: str) -> web.Response:
    if stored.get("fingerprint") != request_print:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different request (method, path or "
            "body); use a new key for a new request."
        )
    if stored.get("state") != "done":
        raise RequestInFlight(
            "The first request with this Idempotency-Key is still being processed.",
            retry_after=IN_FLIGHT_RETRY_AFTER,
        )
    headers: dict[str, str] = dict(stored.get("headers", {}))
    headers[REPLAYED] = "true"
    return web.Response(
        status=int(stored["status"]), body=base64.b64decode(stored["body"]), headers=headers
    )


def _kept_headers(response: web.Response) -> dict[str, str]:
    return {
        str(name): value
        for name, value in response.headers.items()
        if name.lower() not in _NOT_REPLAYED
    }


def _body_bytes(response: web.Response) -> bytes:
    body = response.body
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    return b"" if body is None else bytes(response.text or "", "utf-8")


async def _release(store: IdempotencyStore, caller: str, key: str, token: str) -> None:
    """Free the key for a retry; shielded so a cancelled request still frees it."""
    try:
        await asyncio.shield(store.release(caller, key, token))
    except StoreUnavailable:  # Redis is down: the claim expires by itself
        log.warning("could not release an Idempotency-Key")
    except asyncio.CancelledError:
        raise
