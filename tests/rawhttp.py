"""HTTP/1.1 over a raw socket, for requests no client library would send (bad header bytes,
half a body, headers that never end) and for watching when the server closes. The one such
helper for every test folder."""

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
    headers: CIMultiDict[str]  # every line kept, looked up case-insensitively
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


def _content_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return None


class RawConnection:
    """One TCP connection to ``host:port``; every read is bounded by ``within`` seconds."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> "RawConnection":
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def reply(self, within: float = 5.0, *, head: bool = False) -> RawReply:
        """The next whole answer: its Content-Length body, or all until the server closes
        when it announces none (no body for HEAD)."""
        async with asyncio.timeout(within):
            raw = await self.reader.readuntil(b"\r\n\r\n")
            length = 0 if head else _content_length(raw)
            raw += await (self.reader.read() if length is None else self.reader.readexactly(length))
        return parse(raw, head=head)

    async def closed_within(self, within: float) -> bool:
        """True when the server closes the connection (EOF or reset) within ``within`` seconds."""
        try:
            async with asyncio.timeout(within):
                while await self.reader.read(65536):
                    pass
        except TimeoutError:
            return False
        except ConnectionError:
            return True
        return True

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


async def exchange(
    base_url: str, request: bytes, *, head: bool = False, within: float = TIMEOUT
) -> RawReply:
    """Send ``request`` as it is on a fresh connection to ``base_url`` and read one answer."""
    url = URL(base_url)
    assert url.host is not None
    assert url.port is not None
    conn = await RawConnection.open(url.host, url.port)
    try:
        await conn.send(request)
        return await conn.reply(within, head=head)
    finally:
        await conn.close()
