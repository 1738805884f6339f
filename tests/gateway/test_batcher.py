"""The tick batcher: one flush per event-loop tick, results in order, failures to every caller."""

import asyncio
from collections.abc import Sequence

import pytest

from gateway.batcher import BatcherClosed, TickBatcher


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()
        self.release.set()

    async def flush(self, items: Sequence[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        await self.release.wait()
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]


async def test_same_tick_goes_in_one_batch_with_results_in_order() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.flush)
    futures = [batcher.submit(i) for i in (0, 2, 4)]
    assert await asyncio.gather(*futures) == [0, 20, 40]
    assert rec.batches == [[0, 2, 4]]
    assert await batcher.submit(6) == 60
    assert rec.batches == [[0, 2, 4], [6]]
    await batcher.close()


async def test_per_item_exception_goes_to_its_caller_only() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.flush)
    good, bad = batcher.submit(2), batcher.submit(3)
    assert await good == 20
    with pytest.raises(ValueError, match="odd 3"):
        await bad
    await batcher.close()


async def test_flush_failure_reaches_every_caller() -> None:
    async def broken(items: Sequence[int]) -> list[int | BaseException]:
        raise ConnectionError("down")

    batcher: TickBatcher[int, int] = TickBatcher(broken)
    results = await asyncio.gather(batcher.submit(1), batcher.submit(2), return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError, ConnectionError]
    await batcher.close()


async def test_max_batch_splits() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.flush, max_batch=2)
    await asyncio.gather(*(batcher.submit(i) for i in (0, 2, 4, 6, 8)))
    assert rec.batches == [[0, 2], [4, 6], [8]]
    await batcher.close()


async def test_flushes_overlap_and_a_cancelled_caller_does_not_break_the_batch() -> None:
    rec = Recorder()
    rec.release.clear()
    batcher: TickBatcher[int, int] = TickBatcher(rec.flush)
    first = batcher.submit(2)
    await asyncio.sleep(0)  # let the first batch start
    await asyncio.sleep(0)
    second = batcher.submit(4)
    gave_up = batcher.submit(6)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert rec.batches == [[2], [4, 6]]
    gave_up.cancel()
    rec.release.set()
    assert (await first, await second) == (20, 40)
    await batcher.close()


async def test_close_fails_waiters_and_cancels_flushes() -> None:
    rec = Recorder()
    rec.release.clear()
    batcher: TickBatcher[int, int] = TickBatcher(rec.flush)
    in_flight = batcher.submit(2)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    pending = batcher.submit(4)
    await batcher.close()
    for future in (in_flight, pending):
        with pytest.raises(BatcherClosed):
            await future
    with pytest.raises(BatcherClosed):
        batcher.submit(8)
