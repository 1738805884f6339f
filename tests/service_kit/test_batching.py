"""TickBatcher: calls made in one tick share one flush; failures reach every caller."""

import asyncio
from collections.abc import Sequence

import pytest

from service_kit.batching import BatcherClosed, TickBatcher


async def test_calls_in_one_tick_share_one_flush() -> None:
    batches: list[list[int]] = []

    async def flush(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        return [item * 10 for item in items]

    batcher: TickBatcher[int, int] = TickBatcher(flush)
    assert await asyncio.gather(*(batcher.submit(i) for i in range(5))) == [0, 10, 20, 30, 40]
    assert await batcher.submit(7) == 70
    assert batches == [[0, 1, 2, 3, 4], [7]]
    await batcher.close()


async def test_max_batch_splits_a_tick() -> None:
    sizes: list[int] = []

    async def flush(items: Sequence[int]) -> list[int]:
        sizes.append(len(items))
        return list(items)

    batcher: TickBatcher[int, int] = TickBatcher(flush, max_batch=3)
    assert await asyncio.gather(*(batcher.submit(i) for i in range(7))) == list(range(7))
    assert sizes == [3, 3, 1]
    await batcher.close()


async def test_a_failed_flush_fails_every_caller_of_its_batch() -> None:
    async def flush(items: Sequence[int]) -> list[int]:
        raise ConnectionError("store down")

    batcher: TickBatcher[int, int] = TickBatcher(flush)
    results = await asyncio.gather(batcher.submit(1), batcher.submit(2), return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError, ConnectionError]
    await batcher.close()


async def test_close_cancels_in_flight_flushes_and_refuses_new_calls() -> None:
    started = asyncio.Event()

    async def flush(items: Sequence[int]) -> list[int]:
        started.set()
        await asyncio.Event().wait()  # never answers
        return list(items)

    batcher: TickBatcher[int, int] = TickBatcher(flush)
    waiter = batcher.submit(1)
    await asyncio.wait_for(started.wait(), 5)
    await batcher.close()
    with pytest.raises(BatcherClosed):
        await waiter
    with pytest.raises(BatcherClosed):
        batcher.submit(2)
