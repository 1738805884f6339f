"""The rate-limit hits of one event-loop tick, counted by one script call.

Every ``count`` made during a tick joins one batch; at the end of the tick the batch leaves as
one ``EVALSHA`` whose keys are the batch's counters, in order (a key may appear more than
once: the script counts them one after the other). Redis runs a script atomically, so the
counts are exactly those of one call per hit, across any number of gateways: one script
call instead of one per request costs Redis and the gateway less per hit. All the keys of a
call must live on one server (no Redis Cluster slots across keys).
"""

import asyncio
import hashlib
from collections.abc import Callable
from typing import Any, NamedTuple

from gateway.resp import RespClient, RespError

# Fixed window per identity, opened by its first request and lasting the window (key TTL).
# A request is counted only while the count is below the limit, so the count never passes it.
# The reply: the server's time (seconds, microseconds), then three integers per key.
SCRIPT = """
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local out = {}
for _, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  local allowed = 0
  if count < limit then
    count = redis.call('INCR', key)
    allowed = 1
  end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = window
  end
  out[#out + 1] = allowed
  out[#out + 1] = count
  out[#out + 1] = ttl
end
local now = redis.call('TIME')
table.insert(out, 1, tonumber(now[2]))
table.insert(out, 1, tonumber(now[1]))
return out
"""
SHA = hashlib.sha1(SCRIPT.encode()).hexdigest()


class Counted(NamedTuple):
    """One rate-limit hit as Redis counted it."""

    allowed: bool
    hits: int  # in the window so far, this one included if allowed
    now_ms: int
    ttl_ms: int


class HitBatcher:
    """Gathers the hits of one tick and sends them as one script call (``count``)."""

    def __init__(self, fast: RespClient, on_batch: Callable[[int], None] | None = None) -> None:
        self._fast = fast
        self._on_batch = on_batch
        self._keys: list[str] = []
        self._waiters: list[asyncio.Future[Counted]] = []
        self._args: tuple[int, int] = (0, 0)

    def count(self, key: str, limit: int, window_ms: int) -> "asyncio.Future[Counted]":
        """The hit's count, once its batch is answered; raises what the call raised."""
        loop = asyncio.get_running_loop()
        if self._keys and self._args != (limit, window_ms):
            self._flush()  # another policy: its own call
        if not self._keys:
            self._args = (limit, window_ms)
            loop.call_soon(self._flush)
        waiter: asyncio.Future[Counted] = loop.create_future()
        self._keys.append(key)
        self._waiters.append(waiter)
        return waiter

    def _flush(self) -> None:
        keys, waiters = self._keys, self._waiters
        if not keys:
            return
        self._keys, self._waiters = [], []
        if self._on_batch is not None:
            self._on_batch(len(keys))
        args = (len(keys), *keys, *self._args)
        call = asyncio.ensure_future(self._fast.execute("EVALSHA", SHA, *args))
        call.add_done_callback(lambda done: self._answered(done, waiters, args))

    def _answered(
        self,
        done: "asyncio.Future[Any]",
        waiters: list["asyncio.Future[Counted]"],
        args: tuple[Any, ...],
    ) -> None:
        error = None if done.cancelled() else done.exception()
        if isinstance(error, RespError) and str(error).startswith("NOSCRIPT"):
            # The script did not run, so running it (and caching it) is safe.
            again = asyncio.ensure_future(self._fast.execute("EVAL", SCRIPT, *args))
            again.add_done_callback(lambda retried: _deliver(retried, waiters))
            return
        _deliver(done, waiters)


def _deliver(done: "asyncio.Future[Any]", waiters: list["asyncio.Future[Counted]"]) -> None:
    try:
        reply = done.result()
        now_ms = int(reply[0]) * 1000 + int(reply[1]) // 1000
        results = [
            Counted(int(reply[i]) == 1, int(reply[i + 1]), now_ms, int(reply[i + 2]))
            for i in range(2, 2 + 3 * len(waiters), 3)
        ]
        if len(results) != len(waiters) or len(reply) != 2 + 3 * len(waiters):
            raise ValueError("the script's reply does not match its keys")
    except (Exception, asyncio.CancelledError) as exc:  # handed to every caller of the batch
        error = exc if isinstance(exc, Exception) else ConnectionError("the call was cancelled")
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(error)
        return
    for waiter, counted in zip(waiters, results, strict=True):
        if not waiter.done():
            waiter.set_result(counted)
