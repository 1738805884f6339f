"""`python -m bench.openloop URL --rate R`: an open-loop load (constant arrival rate).

Request i is due at start + i/R whatever the answers do; its latency is counted from that
intended send time, so a server that falls behind is charged for the wait (no coordinated
omission). Requests go out over up to ``--connections`` keep-alive connections, opened
before the start; a request due while every connection is busy waits for one, on the clock.
It prints one line, ``BENCH-OPENLOOP {...}``: answers by status, and latency percentiles of
the 200s and of the 503s. Raw asyncio protocol on uvloop: a few µs of CPU per request.
"""

import argparse
import asyncio
import collections
import contextlib
import json
import time
from typing import cast
from urllib.parse import urlsplit

import uvloop

MARK = "BENCH-OPENLOOP "


class Conn(asyncio.Protocol):
    """One keep-alive connection; answers are read by Content-Length (the gateway's)."""

    def __init__(self, run: "Run") -> None:
        self.run = run
        self.buf = b""
        self.due = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass of it

    def data_received(self, data: bytes) -> None:
        self.buf += data
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buf[:end].lower()
        at = head.find(b"content-length:")
        length = int(head[at + 15 : head.find(b"\r\n", at)]) if at >= 0 else 0
        if len(self.buf) < end + 4 + length:
            return
        status = int(self.buf[9:12])
        self.buf = self.buf[end + 4 + length :]
        self.run.answered(self, status)

    def connection_lost(self, exc: Exception | None) -> None:
        self.run.lost(self)


class Run:
    def __init__(self, request: bytes) -> None:
        self.request = request
        self.idle: collections.deque[Conn] = collections.deque()
        self.backlog: collections.deque[float] = collections.deque()
        self.latency: dict[int, list[float]] = collections.defaultdict(list)
        self.errors = 0
        self.outstanding = 0
        self.all_sent = False
        self.drained = asyncio.Event()

    def settled(self) -> None:
        self.outstanding -= 1
        if self.all_sent and self.outstanding == 0:
            self.drained.set()

    def send(self, conn: Conn, due: float) -> None:
        conn.due = due
        assert conn.transport is not None
        conn.transport.write(self.request)

    def submit(self, due: float) -> None:
        self.outstanding += 1
        if self.idle:
            self.send(self.idle.popleft(), due)
        else:
            self.backlog.append(due)

    def answered(self, conn: Conn, status: int) -> None:
        self.latency[status].append(time.perf_counter() - conn.due)
        self.settled()
        if self.backlog:
            self.send(conn, self.backlog.popleft())
        else:
            self.idle.append(conn)

    def lost(self, conn: Conn) -> None:
        if conn.due:
            self.errors += 1
            self.settled()
        if conn in self.idle:
            self.idle.remove(conn)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main(args: argparse.Namespace) -> None:
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    head = [f"GET {url.path or '/'} HTTP/1.1", f"Host: {host}:{port}"]
    head += args.header
    run = Run(("\r\n".join(head) + "\r\n\r\n").encode())
    loop = asyncio.get_running_loop()
    for _ in range(args.connections):
        _, conn = await loop.create_connection(lambda: Conn(run), host, port)
        run.idle.append(conn)
    total = int(args.rate * args.duration)
    start = time.perf_counter()
    sent = 0
    while sent < total:
        now = time.perf_counter()
        due_count = min(total, int((now - start) * args.rate) + 1)
        while sent < due_count:
            run.submit(start + sent / args.rate)
            sent += 1
        await asyncio.sleep(0.0005)
    run.all_sent = True
    if run.outstanding:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.drain):
                await run.drained.wait()
    took = time.perf_counter() - start
    ok, shed = run.latency.get(200, []), run.latency.get(503, [])
    result = {
        "rate": args.rate,
        "duration_s": args.duration,
        "sent": sent,
        "seconds": took,
        "by_status": {str(k): len(v) for k, v in sorted(run.latency.items())},
        "unanswered": run.outstanding,
        "errors": run.errors,
        "ok_per_s": len(ok) / args.duration,
        "ok_p50_ms": pct(ok, 0.50),
        "ok_p99_ms": pct(ok, 0.99),
        "shed_p50_ms": pct(shed, 0.50),
        "shed_p99_ms": pct(shed, 0.99),
    }
    print(MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.openloop", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait at the end")
    parser.add_argument("-H", "--header", action="append", default=[])
    uvloop.run(main(parser.parse_args()))
