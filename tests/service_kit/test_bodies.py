"""The JSON depth bound: how deep a value is counted."""

import orjson
import pytest

from service_kit.bodies import too_deep


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b'"text"', 0),
        (b"[]", 1),
        (b'{"a": 1, "b": "x"}', 1),
        (b'{"a": [1, {"b": []}], "c": {}}', 4),
        (b"[[[[[]]]]]", 5),
    ],
)
def test_depth_counts_nested_containers(raw: bytes, depth: int) -> None:
    value = orjson.loads(raw)
    assert not too_deep(value, depth)
    assert too_deep(value, depth - 1) is (depth > 0)
