"""Choosing what apt can install, and the order targets take in each round."""

import pytest
from bench.targets import SINGLE, make_targets, rotated
from bench.tools import Apt, apt_candidate, ensure

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
    assert list(targets) == [
        "direct", "nginx", "gateway", "gateway-no-rl", "gateway-no-fs", "hello",
    ]  # fmt: skip
    assert targets["gateway-no-fs"].serving == ("gateway-no-fs", "pets-service", "redis")
    assert targets["nginx"].serving == ("nginx", "pets-service", "redis")
    assert targets["hello"].serving == ("hello",)
    assert set(SINGLE) <= set(targets)
    assert not any(t.ready for t in targets.values())


def test_a_missing_tool_is_reported_not_installed_when_installing_is_off() -> None:
    apt = Apt(lambda _: None)
    path, note = ensure("no-such-tool-for-the-bench", ["no-such-package"], apt, install=False)
    assert path is None
    assert note == "no-such-tool-for-the-bench: not found (installing was turned off)"


def test_a_present_tool_is_found_without_apt() -> None:
    path, note = ensure("sh", ["dash"], Apt(lambda _: None), install=True)
    assert path is not None
    assert note == f"sh: {path}"
