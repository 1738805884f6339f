"""One upstream connection: an asyncio protocol that sends a request and parses its answer
with llhttp (httptools), within the limits of ``errors``.

A connection goes back to its pool only when its answer was delivered to the caller whole;
one given up (deadline, cancellation), answered oddly or with bytes to spare is closed.
"""

import asyncio
from typing import TYPE_CHECKING, cast

import httptools
from multidict import CIMultiDict, CIMultiDictProxy

from gateway.http1.errors import (
    MAX_HEAD_BYTES,
    MAX_HEADER_FIELDS,
    Dropped,
    Late,
    Malformed,
    UpstreamResponse,
)

if TYPE_CHECKING:
    from gateway.http1.pool import Pool


def expire(conn: "Connection", waiter: "asyncio.Future[UpstreamResponse]") -> None:
    """The deadline's timer: the caller gets ``Late`` and the connection is closed at once,
    so an answer arriving in the same tick cannot hand it back to the pool."""
    if not waiter.done():
        waiter.set_exception(Late("no whole answer before the deadline"))
        conn.abort()


class Connection(asyncio.Protocol):
    def __init__(self, pool: "Pool") -> None:
        self.pool = pool
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.made = False
        self.closed = False
        self.idle_since = 0.0
        self.opened_at = 0.0
        self.address = ""  # the address it was opened to (one of the name's)
        self.answered = 0  # requests answered on this connection
        self._reset()

    def _reset(self) -> None:
        self.waiter: asyncio.Future[UpstreamResponse] | None = None
        self.raw_headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []
        self.size = 0
        self.head_bytes = 0  # bytes received before the head was complete
        self.header_bytes = 0  # of the header fields parsed
        self.wire_bytes = 0  # bytes received after it (body, chunk framing, trailers)
        self.head_done = False
        self.done = False
        self.delivered = False
        self.keep_alive = False
        self.extra = False  # bytes after the answer
        self.error: Exception | None = None

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not derive from asyncio.Transport; they behave as one.
        self.transport = cast(asyncio.Transport, transport)
        self.made = True

    def data_received(self, data: bytes) -> None:
        if self.waiter is None or self.done:
            self.abort()  # bytes nobody asked for: this connection can no longer be trusted
            return
        if self.head_done:
            self.wire_bytes += len(data)
        else:
            self.head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(Malformed("protocol upgrade"))
        except httptools.HttpParserError as exc:
            self._fail(self.error or Malformed(str(exc)))
        if not self.done:
            if not self.head_done and self.head_bytes > MAX_HEAD_BYTES:
                self._fail(Malformed("the header block is larger than the limit"))
            elif self.wire_bytes > self.pool.max_body + MAX_HEAD_BYTES:
                self._fail(Malformed("the body and trailers are larger than the limit"))
        if self._answered() and not self.closed:
            if self.delivered and self.keep_alive and not self.extra:
                self.pool.release(self)
            else:
                self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.done:
            if self.head_done and self._until_close():
                self.on_message_complete()  # the body was delimited by the close
            elif self.head_done:
                self._fail(Malformed("the connection closed in the middle of the body"))
            else:
                self._fail(Dropped("the connection closed before the answer"))
        self.pool.forget(self)

    # httptools callbacks
    def on_message_begin(self) -> None:
        if self.done:
            self.extra = True

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.head_done:
            return  # a trailer field: never merged into the answer's headers
        self.raw_headers.append((name.decode("latin-1"), value.decode("latin-1")))
        self.header_bytes += len(name) + len(value) + 4  # ": " and CRLF
        if len(self.raw_headers) > MAX_HEADER_FIELDS:
            self.error = Malformed("the answer has more header fields than the limit")
            raise self.error
        if self.header_bytes > MAX_HEAD_BYTES:
            self.error = Malformed("the header block is larger than the limit")
            raise self.error

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if status < 100 or status == 101:
            # 0xx is not HTTP; 101 would switch protocols, which nobody asked for.
            self.error = Malformed(f"status {status} is not a final or interim answer")
            raise self.error
        if status < 200:
            self.raw_headers = []  # header_bytes is not reset: interim answers count too
            return  # an interim answer (100 Continue, 103 Early Hints): the real one follows
        self.head_done = True
        for name, value in self.raw_headers:
            too_long = value.isdigit() and int(value) > self.pool.max_body
            if too_long and name.lower() == "content-length":
                self.error = Malformed("the body is larger than the limit")
                raise self.error

    def on_body(self, body: bytes) -> None:
        self.size += len(body)
        if self.size > self.pool.max_body:
            self.error = Malformed("the body is larger than the limit")
            raise self.error
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        if not self.head_done:
            return  # the end of an interim answer
        waiter = self.waiter
        self.done = True
        self.keep_alive = self.parser.should_keep_alive()  # reset once this callback returns
        if waiter is not None and not waiter.done():
            headers = CIMultiDictProxy(CIMultiDict(self.raw_headers))
            status = self.parser.get_status_code()
            waiter.set_result(UpstreamResponse(status, headers, b"".join(self.chunks)))
            self.delivered = True
            self.answered += 1

    # own
    def _answered(self) -> bool:
        return self.done  # set by the callbacks, inside feed_data

    def _until_close(self) -> bool:
        names = {name.lower() for name, _ in self.raw_headers}
        return "content-length" not in names and "transfer-encoding" not in names

    def _fail(self, error: Exception) -> None:
        waiter = self.waiter
        self.done = True
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
        self.abort()

    def send(self, data: bytes) -> asyncio.Future[UpstreamResponse]:
        assert self.transport is not None
        self._reset()
        waiter = self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()
        self.pool.forget(self)

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()
        self.pool.forget(self)
