"""A library's reconnect loop does not flood the log: one line per message per interval."""

import logging

from service_kit.logs import QuietRepeats


def record(name: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)


def test_the_same_message_passes_once_per_interval_then_says_how_many_were_left_out() -> None:
    now = [0.0]
    quiet = QuietRepeats(every=30.0, clock=lambda: now[0])
    msg = "Unable connect to node with id %s: %s"
    passed = []
    for i in range(25):  # every 200 ms for 5 s, as aiokafka does while the broker is down
        now[0] = i * 0.2
        passed.append(quiet.filter(record("aiokafka", msg, 111, f"attempt {i}")))
    assert passed == [True] + [False] * 24
    now[0] = 31.0
    again = record("aiokafka", msg, 111, "later")
    assert quiet.filter(again)
    assert again.__dict__["repeated"] == 24


def test_other_messages_and_other_loggers_are_untouched() -> None:
    quiet = QuietRepeats(clock=lambda: 0.0)
    assert quiet.filter(record("aiokafka", "first %s", 1))
    assert quiet.filter(record("aiokafka.consumer", "first %s", 1))
    assert quiet.filter(record("aiokafka", "second"))
    assert all(quiet.filter(record("pets_service.storage", "redis call failed")) for _ in range(5))
