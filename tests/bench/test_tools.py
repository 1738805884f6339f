"""Choosing what apt can install, and the order targets take in each round."""

import pytest
from bench.targets import SINGLE, make_targets, rotated
from bench.tools import apt_candidate

POLICY = """nginx-light:
  Installed: (none)
  Candidate: 1.22.1-9+deb12u9
  Version table:
     1.22.1-9+deb12u9 500
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (POLICY, "1.22.1-9+deb12u9"),
        (POLICY.replace("Candidate: 1.22.1-9+deb12u9", "Candidate: (none)"), None),
        ("", None),  # apt-cache knows no such package
    ],
)
def test_apt_candidate(text: str, expected: str | None) -> None:
    assert apt_candidate(text) == expected


def test_each_round_starts_one_target_later() -> None:
    items = ["a", "b", "c"]
    assert [rotated(items, turn) for turn in range(4)] == [
        ["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"],
    ]  # fmt: skip
    assert rotated([], 2) == []


def test_targets_name_the_processes_that_serve_them() -> None:
    targets = make_targets()
    assert list(targets) == ["direct", "nginx", "gateway", "gateway-no-rl", "hello"]
    assert targets["nginx"].serving == ("nginx", "pets-service", "redis")
    assert targets["hello"].serving == ("hello",)
    assert set(SINGLE) <= set(targets)
    assert not any(t.ready for t in targets.values())
