"""HTTP/1.1 over a raw socket, for requests no client library would send (bad header bytes,
half a body, headers that never end) and for watching when the server closes."""

import asyncio
import contextlib
from dataclasses import dataclass

import orjson


@dataclass
class RawReply:
    status: int
    headers: dict[str, str]  # names lower-cased; a repeated name keeps its last value
    body: bytes

    def json(self) -> dict[str, object]:
        value = orjson.loads(self.body)
        assert isinstance(value, dict)
        return value


class RawConnection:
    """One TCP connection to ``host:port``; every read is bounded by ``within`` seconds."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> "RawConnection":
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def reply(self, within: float = 5.0) -> RawReply:
        """The next whole answer (Content-Length framed, as the services send them)."""
        async with asyncio.timeout(within):
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {}
            for line in lines[1:]:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return RawReply(status, headers, body)

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


async def exchange(host: str, port: int, data: bytes, within: float = 5.0) -> RawReply:
    """Send ``data`` on a fresh connection and read one answer."""
    conn = await RawConnection.open(host, port)
    try:
        await conn.send(data)
        return await conn.reply(within)
    finally:
        await conn.close()
