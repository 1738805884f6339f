"""Coalesce the calls made during one event-loop tick into one batched call.

Requests that arrive together are handled in the same tick; sending their reads as one
command (an MGET, a pipeline) costs one round trip and a fraction of a Redis client's
per-command CPU, which dominates a service's cost per request otherwise.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Flush = Callable[[Sequence[T]], Awaitable[Sequence[R]]]


class BatcherClosed(RuntimeError):
    """The batcher was closed while the call waited."""


class TickBatcher(Generic[T, R]):
    """``await submit(item)`` resolves with ``flush(items)[i]`` for the item's batch.

    ``flush`` gets every item submitted in the same tick (at most ``max_batch``) and returns
    one result per item; if it raises, every caller of that batch gets the exception.
    Flushes run concurrently; ``close()`` cancels and awaits them.
    """

    def __init__(self, flush: Flush[T, R], *, max_batch: int = 256) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._items: list[T] = []
        self._waiters: list[asyncio.Future[R]] = []
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    def submit(self, item: T) -> asyncio.Future[R]:
        if self._closed:
            raise BatcherClosed("the batcher is closed")
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[R] = loop.create_future()
        self._items.append(item)
        self._waiters.append(waiter)
        if len(self._items) >= self._max_batch:
            self._start()
        elif not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._start)
        return waiter

    def _start(self) -> None:
        self._scheduled = False
        if not self._items:
            return
        items, waiters = self._items, self._waiters
        self._items, self._waiters = [], []
        task = asyncio.get_running_loop().create_task(self._run(items, waiters))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, items: list[T], waiters: list[asyncio.Future[R]]) -> None:
        try:
            results = await self._flush(items)
            if len(results) != len(waiters):
                raise RuntimeError("flush returned the wrong number of results")
        except asyncio.CancelledError:
            _fail(waiters, BatcherClosed("the batcher was closed"))
            raise
        except Exception as exc:
            _fail(waiters, exc)
            return
        for waiter, result in zip(waiters, results, strict=True):
            if not waiter.done():  # its caller may have given up (cancelled)
                waiter.set_result(result)

    async def close(self) -> None:
        self._closed = True
        _fail(self._waiters, BatcherClosed("the batcher was closed"))
        self._items, self._waiters = [], []
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _fail(waiters: list[asyncio.Future[R]], exc: BaseException) -> None:
    for waiter in waiters:
        if not waiter.done():
            waiter.set_exception(exc)
            # A caller that gave up never reads it; mark it retrieved to keep the loop quiet.
            waiter.exception()
