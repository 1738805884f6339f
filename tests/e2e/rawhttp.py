"""HTTP/1.1 over a bare socket, for requests a client library refuses to send."""

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

import orjson
from multidict import CIMultiDict
from yarl import URL

TIMEOUT = 10.0


@dataclass(frozen=True)
class RawReply:
    version: str
    status: int
    headers: CIMultiDict[str]
    body: bytes
    raw: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def media_type(self) -> str:
        return self.headers.get("Content-Type", "").partition(";")[0].strip().lower()

    def __str__(self) -> str:
        return self.raw[:3000].decode("latin-1")


def parse(raw: bytes, *, head: bool = False) -> RawReply:
    """One response: status line, headers, and the Content-Length body (none for HEAD)."""
    header_end = raw.index(b"\r\n\r\n")
    lines = raw[:header_end].decode("latin-1").split("\r\n")
    version, status, _ = lines[0].split(" ", 2)
    headers: CIMultiDict[str] = CIMultiDict()
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.add(name.strip(), value.strip())
    rest = raw[header_end + 4 :]
    length = 0 if head else int(headers.get("Content-Length", len(rest)))
    return RawReply(version, int(status), headers, rest[:length], raw)


async def exchange(base_url: str, request: bytes, *, head: bool = False) -> RawReply:
    """Send ``request`` as it is and read the answer until the server closes or the
    announced body is complete."""
    url = URL(base_url)
    assert url.host is not None
    assert url.port is not None
    reader, writer = await asyncio.wait_for(asyncio.open_connection(url.host, url.port), TIMEOUT)
    try:
        writer.write(request)
        await writer.drain()
        raw = b""
        async with asyncio.timeout(TIMEOUT):
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                raw += chunk
                if _complete(raw, head=head):
                    break
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return parse(raw, head=head)


def _complete(raw: bytes, *, head: bool) -> bool:
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        return False
    if head:
        return True
    for line in raw[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(raw) - end - 4 >= int(value)
    return False
