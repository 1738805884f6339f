"""The console's feed: streams bounded per client and in all; slow readers lose the oldest."""

import pytest

from gateway.console.feed import QUEUE, RECENT, ExchangeFeed, TooManyStreams, as_json


def test_recent_exchanges_are_kept_up_to_a_bound_and_rendered_as_json() -> None:
    feed = ExchangeFeed()
    for i in range(RECENT + 5):
        feed.record("GET", f"/v1/pets/{i}", 200, 1.234, fault=None, session=None)
    recent = feed.recent()
    assert len(recent) == RECENT
    first = as_json(recent[0])
    assert first["path"] == "/v1/pets/5"
    assert first["durationMs"] == 1.2
    assert first["at"].endswith("Z")
    assert set(first) == {"at", "method", "path", "status", "durationMs", "fault", "session"}


def test_streams_are_capped_per_client_and_in_all() -> None:
    feed = ExchangeFeed(per_client=2, total=3)
    with feed.subscribe("alice"), feed.subscribe("alice"):
        with pytest.raises(TooManyStreams, match="per client"), feed.subscribe("alice"):
            pass
        with feed.subscribe("bob"):
            assert feed.streams == 3
            with pytest.raises(TooManyStreams, match="as many"):
                feed.subscribe("carol").__enter__()
        assert feed.streams == 2
    assert feed.streams == 0


async def test_a_slow_reader_loses_the_oldest_and_close_ends_its_stream() -> None:
    feed = ExchangeFeed()
    with feed.subscribe("alice") as subscription:
        for i in range(QUEUE + 10):
            feed.record("GET", f"/v1/pets/{i}", 200, 1.0)
        assert subscription.dropped == 10
        first = await subscription.next()
        assert first is not None
        assert first[2] == "/v1/pets/10"
        feed.close()
        for _ in range(QUEUE - 1):
            assert await subscription.next() is not None
        assert await subscription.next() is None
    with pytest.raises(TooManyStreams), feed.subscribe("bob"):
        pass
