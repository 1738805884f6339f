"""A small synchronous client for the gateway's fault-session API (scope `faults`)."""

import json
import time
import urllib.error
import urllib.request
import uuid
import warnings
from typing import Any
from urllib.parse import quote

import jwt
from jwt.warnings import InsecureKeyLengthWarning

DEV_SECRET = "dev-secret-change-me"  # the suite's documented dev default
BASE = "/admin/fault-sessions"


class SessionApiError(Exception):
    """The gateway could not be reached (status 0) or refused the call: a message for people."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def mint_faults_token(
    secret: str = DEV_SECRET, *, sub: str = "petstore-faults", ttl: int = 600
) -> str:
    """A short-lived token with scope `faults`, signed as the suite expects (HS256)."""
    now = int(time.time())
    claims = {
        "sub": sub,
        "scope": "faults",
        "iat": now,
        "exp": now + ttl,
        "iss": "petstore",
        "aud": "petstore-api",
        "jti": uuid.uuid4().hex,
    }
    with warnings.catch_warnings():  # the dev secret is short on purpose: no warning for it
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(claims, secret, algorithm="HS256")


def _message(status: int, body: Any) -> str:
    if not isinstance(body, dict):
        return f"HTTP {status}"
    text = f"HTTP {status}: {body.get('detail') or body.get('title') or ''}".rstrip(": ")
    errors = body.get("errors") or []
    fields = "; ".join(
        f"{e.get('field')}: {e.get('message')}" for e in errors if isinstance(e, dict)
    )
    return f"{text} ({fields})" if fields else text


class SessionApi:
    def __init__(self, gateway: str, token: str, *, timeout: float = 10.0) -> None:
        self.gateway = gateway.rstrip("/")
        self.timeout = timeout
        self._token = token
        # Like aiohttp's default: talk to the gateway directly, never through *_proxy variables.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.gateway + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self._token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SessionApiError(0, f"cannot reach {self.gateway}: {reason}") from None
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        if status >= 400:
            raise SessionApiError(status, _message(status, parsed))
        return parsed

    def start(self, document: dict[str, Any]) -> dict[str, Any]:
        """POST a session document ({preset, rules, ttlSeconds, match, seed, name})."""
        created: dict[str, Any] = self.call("POST", BASE, document)
        return created

    def sessions(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.call("GET", BASE)["items"]
        return items

    def session(self, session_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.call("GET", f"{BASE}/{quote(session_id, safe='')}")
        return found

    def journal(self, session_id: str) -> dict[str, Any]:
        journal: dict[str, Any] = self.call("GET", f"{BASE}/{quote(session_id, safe='')}/journal")
        return journal

    def report(self, session_id: str) -> dict[str, Any]:
        report: dict[str, Any] = self.call("GET", f"{BASE}/{quote(session_id, safe='')}/report")
        return report

    def end(self, session_id: str) -> None:
        self.call("DELETE", f"{BASE}/{quote(session_id, safe='')}")

    def presets(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.call("GET", "/admin/fault-presets")["items"]
        return items
