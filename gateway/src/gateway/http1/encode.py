"""An upstream's origin, and encoding a request for it."""

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True, slots=True)
class Origin:
    host: str
    port: int
    ssl: ssl.SSLContext | None
    prefix: str  # the base URL's path, put before every request target
    host_header: str

    @classmethod
    def of(cls, base_url: str) -> "Origin":
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        tls = ssl.create_default_context() if parts.scheme == "https" else None
        port = parts.port or (443 if tls else 80)
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        header = host if port == (443 if tls else 80) else f"{host}:{port}"
        return cls(parts.hostname, port, tls, parts.path.rstrip("/"), header)


def encode_request(
    method: str, target: str, host_header: str, headers: Mapping[str, str], body: bytes | None
) -> bytes:
    """A request's bytes: the head (with Host and, for a body, Content-Length), then the body."""
    lines = [method, " ", target, " HTTP/1.1\r\nHost: ", host_header, "\r\n"]
    for name, value in headers.items():
        # aiohttp's parser refuses these in what the gateway forwards; checked all the
        # same, since one would split the request in two.
        if "\n" in value or "\r" in value or "\0" in value:
            raise ValueError("a header holds CR, LF or NUL")
        lines += (name, ": ", value, "\r\n")
    if "\n" in target or "\r" in target or " " in target or "\0" in target:
        raise ValueError("the request target holds CR, LF, NUL or a space")
    if body is not None or method in BODY_METHODS:
        lines += ("Content-Length: ", str(len(body) if body else 0), "\r\n")
    lines.append("\r\n")
    data = "".join(lines).encode("utf-8", "surrogateescape")
    return data + body if body else data
